import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { bearer, issueOperatorKeyWithCli } from './support/operator-keys';
import { freePort, processTestEnv, ServiceProcess } from './support/service-process';
import { TEST_DATABASE_URL, dropSchema } from './support/test-database';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';

/*
 * A projection that cannot apply its next batch stalls loudly: a trigger in this test's schema makes
 * stock_levels refuse one SKU (a data exception, as "integer out of range" would be), and the
 * service, run as its own process, must back off, say the error once, mark the stall in its metrics,
 * answer /health/ready 503 naming the projection, its position and the error, and show it in the CLI;
 * once the trigger is gone it catches up and is ready again.
 */
const RETRY_MAX_MS = 4000;
const { schema, topicEnv, env } = processTestEnv('stall', {
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
  PROJECTION_RETRY_MAX_MS: String(RETRY_MAX_MS),
});
let service: ServiceProcess;
/** An operator key for the PUTs and the operators' reads. */
let operator: Record<string, string> = {};
let producer: Producer;
let db: Client;
const BAD = 'STALL-BAD';
const GOOD = 'STALL-OK';

beforeAll(async () => {
  operator = bearer(await issueOperatorKeyWithCli(env));
  service = new ServiceProcess(env, await freePort());
  await service.start();
  producer = await connectedProducer(testKafka());
  db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  await eventually(async () => expect((await fetch(`${service.baseUrl}/health/ready`)).status).toBe(200), { timeoutMs: 60_000 });
  await registerLocations(
    service.baseUrl,
    { W1: { type: 'warehouse', name: 'Stall test warehouse', lat: 30.2, lng: 120.1, shipsOnline: true, dailyCapacity: 500 } },
    operator,
  );
}, 120_000);

afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
  await db?.end();
  await dropSchema(schema);
});

async function received(sku: string, quantity: number): Promise<void> {
  await sendJson(producer, topicEnv.TOPIC_STOCK_MOVEMENTS!, [
    {
      key: 'W1',
      value: {
        eventId: `stall-${randomUUID()}`,
        type: 'StockReceived',
        occurredAt: new Date().toISOString(),
        locationId: 'W1',
        lines: [{ sku, quantity }],
      },
    },
  ]);
}

async function stockOf(sku: string): Promise<{ onHand: number; position: string }> {
  return (await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as { onHand: number; position: string };
}

async function ready(): Promise<{ status: number; body: any }> {
  const response = await fetch(`${service.baseUrl}/health/ready`);
  return { status: response.status, body: await response.json() };
}

async function stalledGauge(projection: string): Promise<number | null> {
  const text = await (await fetch(`${service.baseUrl}/metrics`, { headers: operator })).text();
  const match = new RegExp(`^inventory_projection_stalled\\{projection="${projection}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

async function attemptsSoFar(): Promise<number> {
  const { rows } = await db.query<{ last_value: string; is_called: boolean }>(
    `SELECT last_value, is_called FROM "${schema}".stall_attempts`,
  );
  return rows[0]!.is_called ? Number(rows[0]!.last_value) : 0;
}

function stallLogLines(): string[] {
  return service.log.split('\n').filter((line) => line.includes('stock-levels projection stalled'));
}

describe('a projection that fails stalls loudly', () => {
  it('backs off, says the error once, shows in metrics, health and the CLI, and catches up once the fault is gone', async () => {
    await received(GOOD, 5);
    await eventually(async () => expect((await stockOf(GOOD)).onHand).toBe(5));
    const before = (await stockOf(GOOD)).position;

    // Every attempt to project the bad SKU counts itself (a sequence: not rolled back) and fails.
    await db.query(`CREATE SEQUENCE "${schema}".stall_attempts`);
    await db.query(`
      CREATE FUNCTION "${schema}".refuse_bad_sku() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.sku = '${BAD}' THEN
          PERFORM nextval('"${schema}".stall_attempts');
          RAISE EXCEPTION 'injected: stock_levels refuses %', NEW.sku USING ERRCODE = '22003';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER refuse_bad_sku BEFORE INSERT OR UPDATE ON "${schema}".stock_levels FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_bad_sku()`,
    );
    await received(BAD, 3);

    // Health: 503, naming the projection, the position it is stuck at (the view's last position) and the error.
    const unready = await eventually(
      async () => {
        const answer = await ready();
        expect(answer.status).toBe(503);
        return answer;
      },
      { timeoutMs: 20_000 },
    );
    const stockLevelsStall = (unready.body.error.projections.stalled as Array<Record<string, unknown>>).find(
      (s) => s.projection === 'stock-levels',
    );
    expect(stockLevelsStall).toMatchObject({
      projection: 'stock-levels',
      position: before,
      error: expect.stringContaining(`injected: stock_levels refuses ${BAD}`),
    });
    expect(unready.body.details.postgres).toEqual({ status: 'up' });
    expect(await stalledGauge('stock-levels')).toBe(1);
    expect(await stalledGauge('daily-sales')).toBe(0);

    // Backoff: with retries doubling from 25 ms to RETRY_MAX_MS, a 6 s window holds a handful of
    // attempts at most (the old loop made about 40 a second, 240 here).
    await new Promise((resolve) => setTimeout(resolve, 2 * RETRY_MAX_MS)); // past the fast first retries
    const windowStart = await attemptsSoFar();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const inWindow = (await attemptsSoFar()) - windowStart;
    expect(inWindow).toBeGreaterThanOrEqual(1); // still trying
    expect(inWindow).toBeLessThanOrEqual(3);
    // The same error is said once a minute, not at each attempt.
    expect(await attemptsSoFar()).toBeGreaterThan(5);
    expect(stallLogLines()).toHaveLength(1);
    expect(stallLogLines()[0]).toContain(`injected: stock_levels refuses ${BAD}`);

    // The CLI, another process, reads the stall from PostgreSQL: exit code 1.
    const cli = await runCli(['projections'], env);
    expect(cli.code, cli.stderr).toBe(1);
    const line = cli.stdout.split('\n').find((l) => l.startsWith('stock-levels'));
    expect(line).toContain(before);
    expect(line).toContain('STALLED since');
    expect(line).toContain(`injected: stock_levels refuses ${BAD}`);
    expect(line).toMatch(/\s1\s+STALLED/); // one event behind
    expect(cli.stdout.split('\n').find((l) => l.startsWith('daily-sales'))).toMatch(/\sok$/);

    // The fault goes away: the view catches up, health is 200, the stall is cleared everywhere.
    await db.query(`DROP TRIGGER refuse_bad_sku ON "${schema}".stock_levels`);
    await eventually(async () => expect((await stockOf(BAD)).onHand).toBe(3), { timeoutMs: RETRY_MAX_MS + 10_000 });
    await eventually(async () => expect((await ready()).status).toBe(200));
    expect((await ready()).body.details.projections).toEqual({ status: 'up', stalled: [] });
    expect(await stalledGauge('stock-levels')).toBe(0);
    const after = await runCli(['projections'], env);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('no projection stalled');
    expect(service.log).toContain('stock-levels projection recovered');
  }, 120_000);
});
