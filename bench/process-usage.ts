import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './report';

/**
 * What processes cost, read from Linux's /proc: CPU time (utime + stime of /proc/<pid>/stat, every
 * thread of the process) and resident memory (VmRSS of /proc/<pid>/status).
 */

/** Clock ticks per second, the unit of /proc/<pid>/stat's times (100 on every Linux we run on). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU ticks the process has used so far (user + system), or null once it is gone. */
export function cpuTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Every PostgreSQL process on the machine: the postmaster, its auxiliary processes and every backend. */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('postgres')) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Busy and total ticks of the whole machine (all cores), from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = values.map(Number);
  const idle = ticks[3]! + ticks[4]!; // idle + iowait
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0); // user … steal (guest is inside user)
  return { busy: total - idle, total };
}

const ticksOfAll = (pids: readonly number[]) => new Map(pids.map((pid) => [pid, cpuTicksOf(pid) ?? 0]));

export interface IdleCpu {
  seconds: number;
  /** (service + PostgreSQL) CPU seconds / wall seconds: 1 is one core busy all the time. */
  coreShare: number;
  serviceCoreShare: number;
  postgresCoreShare: number;
  /** PostgreSQL processes seen at the end of the window (a backend that exited within it is not counted). */
  postgresProcesses: number;
  /** How busy the whole machine was meanwhile (other helpers' tests, the broker…), in cores. */
  machineBusyCores: number;
}

/**
 * CPU of the service process and of every PostgreSQL process together over `seconds` of wall time,
 * as a share of one core. A PostgreSQL process started within the window counts from zero.
 */
export async function measureCpu(servicePid: number, seconds: number): Promise<IdleCpu> {
  const serviceBefore = cpuTicksOf(servicePid);
  const postgresBefore = ticksOfAll(postgresPids());
  const machineBefore = machineTicks();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const wallSeconds = (performance.now() - started) / 1000;
  const serviceAfter = cpuTicksOf(servicePid);
  const postgresAfter = ticksOfAll(postgresPids());
  const machineAfter = machineTicks();
  if (serviceBefore === null || serviceAfter === null) throw new Error(`the service (pid ${servicePid}) is not running`);
  let postgresTicks = 0;
  for (const [pid, ticks] of postgresAfter) postgresTicks += ticks - (postgresBefore.get(pid) ?? 0);
  const share = (ticks: number) => round(ticks / TICKS_PER_SECOND / wallSeconds, 4);
  const machineShare = (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
  return {
    seconds: round(wallSeconds, 1),
    coreShare: share(serviceAfter - serviceBefore + postgresTicks),
    serviceCoreShare: share(serviceAfter - serviceBefore),
    postgresCoreShare: share(postgresTicks),
    postgresProcesses: postgresAfter.size,
    machineBusyCores: round(machineShare * cpuCores(), 3),
  };
}

function cpuCores(): number {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line)).length;
}

/** Resident memory of the process in MB, or null once it is gone. */
export function rssMbOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface RssSummary {
  samples: number;
  maxMb: number;
  meanMb: number;
}

/** Samples a process's RSS every `intervalMs` while it runs (the pid is asked for at each tick: it may not exist yet). */
export function sampleRss(pidOf: () => number | undefined, intervalMs = 1000): { stop(): RssSummary } {
  const samples: number[] = [];
  const take = () => {
    const pid = pidOf();
    const mb = pid === undefined ? null : rssMbOf(pid);
    if (mb !== null) samples.push(mb);
  };
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return {
        samples: samples.length,
        maxMb: round(Math.max(0, ...samples), 1),
        meanMb: round(samples.reduce((sum, mb) => sum + mb, 0) / Math.max(1, samples.length), 1),
      };
    },
  };
}

/** CPU over a window: each service process, every PostgreSQL process, and the whole machine, in cores. */
export function cpuWindow(pids: () => number[]) {
  const start = performance.now();
  const machine = machineTicks();
  const services = new Map(pids().map((pid) => [pid, cpuTicksOf(pid) ?? 0]));
  const postgres = new Map(postgresPids().map((pid) => [pid, cpuTicksOf(pid) ?? 0]));
  // A PostgreSQL backend that exits within the window takes its ticks with it: sample often.
  const lastSeen = new Map(postgres);
  const timer = setInterval(() => {
    for (const pid of postgresPids()) lastSeen.set(pid, cpuTicksOf(pid) ?? lastSeen.get(pid) ?? 0);
  }, 500);
  return () => {
    clearInterval(timer);
    for (const pid of postgresPids()) lastSeen.set(pid, cpuTicksOf(pid) ?? lastSeen.get(pid) ?? 0);
    const seconds = (performance.now() - start) / 1000;
    const cores = (ticks: number) => round(ticks / TICKS_PER_SECOND / seconds, 2);
    let serviceTicks = 0;
    for (const pid of pids()) serviceTicks += (cpuTicksOf(pid) ?? 0) - (services.get(pid) ?? 0);
    let postgresTicks = 0;
    for (const [pid, ticks] of lastSeen) postgresTicks += ticks - (postgres.get(pid) ?? 0);
    const after = machineTicks();
    const busyShare = (after.busy - machine.busy) / Math.max(1, after.total - machine.total);
    return { servicesCores: cores(serviceTicks), postgresCores: cores(postgresTicks), machineBusyCores: round(busyShare * cpuCores(), 2) };
  };
}
