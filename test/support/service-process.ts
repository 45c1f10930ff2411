import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BUILT, SERVICE_NODE_FLAGS, requireBuilt } from './built-apps';
import { documentedFetch, forgetApiDocumentOf } from './documented-answers';
import { isolatedServiceEnv } from './isolated-env';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The built service as its own OS process, so a test can SIGKILL it like a crashing pod. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The OS process id while it runs (for benchmarks reading its CPU and memory). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get log(): string {
    return this.output;
  }

  /** Start it and wait until it answers /health/live. */
  async start(timeoutMs = 60_000): Promise<void> {
    forgetApiDocumentOf(this.baseUrl); // the document of whatever listened here before
    const child = spawn('node', [...SERVICE_NODE_FLAGS, requireBuilt(BUILT.service)], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${this.output.slice(-3000)}`);
      try {
        if ((await fetch(`${this.baseUrl}/health/live`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the service did not answer within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: no shutdown hooks, no flush, no goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  /** SIGTERM and wait: a graceful stop. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}

/** Environment for service processes of one test; a crashed one gives up its partitions after 6 s. */
export function processTestEnv(prefix: string, extra: Record<string, string> = {}) {
  return isolatedServiceEnv(prefix, { KAFKA_SESSION_TIMEOUT_MS: '6000', ...extra });
}

/** The service's lag figures from /health/ready. */
export async function lagOf(baseUrl: string): Promise<{ inboundMessages: number; stockViewEvents: number }> {
  const { inboundMessages, stockViewEvents } = await backlogsOf(baseUrl);
  return { inboundMessages, stockViewEvents };
}

/**
 * The lag figures and the outbox backlog (messages committed, not yet published) from /health/ready;
 * stockChangesEvents is 0 when the stock change feed is off (the figure is left out then).
 */
export async function backlogsOf(
  baseUrl: string,
): Promise<{ inboundMessages: number; stockViewEvents: number; stockChangesEvents: number; outboxMessages: number }> {
  const body = (await (await documentedFetch(`${baseUrl}/health/ready`)).json()) as {
    lag: { inboundMessages: number; stockViewEvents: number; stockChangesEvents?: number; outboxMessages: number };
  };
  const { inboundMessages, stockViewEvents, stockChangesEvents = 0, outboxMessages } = body.lag;
  return { inboundMessages, stockViewEvents, stockChangesEvents, outboxMessages };
}

/** On-hand per `location|sku` for these SKUs, as the service shows it. */
export async function onHandShown(baseUrl: string, skus: readonly string[]): Promise<Map<string, number>> {
  const { items } = (await (await documentedFetch(`${baseUrl}/v1/stock?skus=${skus.join(',')}`)).json()) as {
    items: Array<{ sku: string; locations: Array<{ locationId: string; onHand: number }> }>;
  };
  return new Map(items.flatMap((item) => item.locations.map((l) => [`${l.locationId}|${item.sku}`, l.onHand] as const)));
}
