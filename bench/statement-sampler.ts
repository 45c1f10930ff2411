import { Client } from 'pg';
import { localPortsOf } from './service-cpu';

/** A statement as the report names it: its start, and where it reads from when that comes later (statements that start alike). */
function statementKey(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  const from = text.indexOf(' FROM ', 90);
  return from < 0 ? text.slice(0, 120) : `${text.slice(0, 90)} …${text.slice(from, from + 60)}`;
}

/**
 * Where a service's database time goes, without pg_stat_statements (not preloaded on the test
 * server): pg_stat_activity sampled every `everyMs`, each active backend of the service's own
 * connections (by client port) counted against its statement (statementKey). `stop()` gives each
 * statement's share of the samples (1 = one backend busy with it all the time) and the seconds of
 * the window that share stands for.
 */
export function sampleStatements(servicePid: () => number | undefined, databaseUrl: string, everyMs = 10) {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const started = Date.now();
  const done = (async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      let ports = new Set<number>();
      let portsAt = 0;
      while (running) {
        const pid = servicePid();
        if (pid !== undefined) {
          if (Date.now() - portsAt > 1000) {
            ports = localPortsOf(pid);
            portsAt = Date.now();
          }
          const { rows } = await client.query<{ client_port: number | null; query: string }>(
            `SELECT client_port, query FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
          );
          samples += 1;
          for (const row of rows) {
            if (row.client_port === null || !ports.has(row.client_port)) continue;
            const statement = statementKey(row.query);
            counts.set(statement, (counts.get(statement) ?? 0) + 1);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop(): Promise<Array<{ statement: string; share: number; seconds: number }>> {
      running = false;
      await done;
      const elapsedSeconds = (Date.now() - started) / 1000;
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([statement, n]) => ({ statement, share: n / Math.max(1, samples), seconds: (n / Math.max(1, samples)) * elapsedSeconds }));
    },
  };
}
