import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Client } from 'pg';
import { measureCpu, type IdleCpu } from './process-usage';

/**
 * The CPU one service costs PostgreSQL, told apart from what other work on the same server costs
 * it: the backends serving the service's own connections (matched by the client ports of the
 * service process's TCP sockets, in pg_stat_activity) and PostgreSQL's own processes (postmaster,
 * WAL writer, checkpointer, background writer, autovacuum: every PostgreSQL process that is no
 * client's backend), but not the backends of other clients (other services, tests, benchmarks).
 */
export interface ServiceIdleCpu extends IdleCpu {
  /** The service + its own backends + PostgreSQL's own processes, as a share of one core. */
  attributedCoreShare: number;
  /** Its own backends + PostgreSQL's own processes. */
  attributedPostgresCoreShare: number;
  /** Backends serving the service's connections at the start or end of the window. */
  serviceBackends: number;
}

/** CPU ticks per second of /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;

/** Local TCP ports of the process's sockets. */
export function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9]!)) ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Backend pids of the service's connections, and of every client backend. */
async function backends(client: Client, servicePid: number): Promise<{ service: number[]; clients: number[] }> {
  const ports = localPortsOf(servicePid);
  const rows = (
    await client.query<{ pid: number; client_port: number | null }>(
      `SELECT pid, client_port FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    )
  ).rows;
  return {
    service: rows.filter((row) => row.client_port !== null && ports.has(row.client_port)).map((row) => row.pid),
    clients: rows.map((row) => row.pid),
  };
}

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function postgresProcesses(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
      } catch {
        return false;
      }
    });
}

/** measureCpu's figures (every PostgreSQL process counted), and the service's own share of PostgreSQL beside them. */
export async function measureServiceCpu(servicePid: number, seconds: number, databaseUrl: string): Promise<ServiceIdleCpu> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const before = await backends(client, servicePid);
    const ownPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const ticksBefore = new Map(postgresProcesses().map((pid) => [pid, ticksOf(pid)]));
    const started = performance.now();
    const all = await measureCpu(servicePid, seconds);
    const wallSeconds = (performance.now() - started) / 1000;
    const after = await backends(client, servicePid);
    const service = new Set([...before.service, ...after.service]);
    const otherClients = new Set([...before.clients, ...after.clients, ownPid].filter((pid) => !service.has(pid)));
    let ticks = 0;
    for (const pid of postgresProcesses()) {
      if (otherClients.has(pid)) continue;
      const startTicks = ticksBefore.get(pid);
      if (startTicks === undefined && !service.has(pid)) continue; // started within the window, and not the service's
      ticks += ticksOf(pid) - (startTicks ?? 0);
    }
    const attributedPostgres = ticks / TICKS_PER_SECOND / wallSeconds;
    return {
      ...all,
      attributedPostgresCoreShare: Math.round(attributedPostgres * 10_000) / 10_000,
      attributedCoreShare: Math.round((all.serviceCoreShare + attributedPostgres) * 10_000) / 10_000,
      serviceBackends: service.size,
    };
  } finally {
    await client.end();
  }
}
