import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { bearer, issueOperatorKeyWithCli } from './support/operator-keys';
import { freePort, processTestEnv, ServiceProcess } from './support/service-process';
import { TEST_DATABASE_URL, dropSchema } from './support/test-database';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';

/*
 * A transient fault raised while one event is being applied (not at the batch's commit) is the
 * database's fault too: the service, run as its own process, retries the batch and never
 * dead-letters the event. The fault is real: the test holds a lock on sku_policies, which the
 * answer to a cancellation (the pick stopped: FulfillmentFailed) reads while it releases the order's
 * reservation, and cancels the blocked statement
 * (pg_cancel_backend: 57014 query_canceled, as a statement_timeout would) three times.
 */
const { schema, topicEnv, env } = processTestEnv('transient', { LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
let service: ServiceProcess;
/** An operator key for the PUTs and the operators' reads. */
let operator: Record<string, string> = {};
let producer: Producer;
let db: Client;
const SKU = 'TRANSIENT-1';

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
    { W1: { type: 'warehouse', name: 'Transient test warehouse', lat: 30.2, lng: 120.1, shipsOnline: true, dailyCapacity: 500 } },
    operator,
  );
}, 120_000);

afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
  await db?.end();
  await dropSchema(schema);
});

async function reservedAtW1(): Promise<number | undefined> {
  const body = (await (await fetch(`${service.baseUrl}/v1/stock/${SKU}`)).json()) as {
    locations: Array<{ locationId: string; reserved: number }>;
  };
  return body.locations.find((l) => l.locationId === 'W1')?.reserved;
}

async function couldNotApplyLetters(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE topic = $1 AND headers->>'dlq-reason' LIKE 'could not apply%'`,
    [topicEnv.TOPIC_DLQ],
  );
  return rows[0]!.n;
}

describe('a transient fault while one event is applied', () => {
  it('retries the batch and applies the event; it is never a dead letter', async () => {
    const now = () => new Date().toISOString();
    await sendJson(producer, topicEnv.TOPIC_STOCK_MOVEMENTS!, [
      {
        key: 'W1',
        value: { eventId: 'tr-receipt', type: 'StockReceived', occurredAt: now(), locationId: 'W1', lines: [{ sku: SKU, quantity: 10 }] },
      },
    ]);
    await eventually(async () =>
      expect(((await (await fetch(`${service.baseUrl}/v1/stock/${SKU}`)).json()) as { onHand: number }).onHand).toBe(10),
    );
    await sendJson(producer, topicEnv.TOPIC_ONLINE_ORDERS!, [
      {
        key: 'O-TR-1',
        value: {
          eventId: 'tr-order',
          type: 'OnlineOrderPlaced',
          occurredAt: now(),
          orderId: 'O-TR-1',
          lines: [{ sku: SKU, quantity: 2 }],
          delivery: { mode: 'ship', lat: 30.21, lng: 120.11 },
        },
      },
    ]);
    await eventually(async () => expect(await reservedAtW1()).toBe(2));
    const order = async () =>
      (await (await fetch(`${service.baseUrl}/v1/orders/O-TR-1/fulfillment`, { headers: operator })).json()) as {
        status: string;
        fulfillments: Array<{ fulfillmentId: string; state: string }>;
      };
    // Cancelled after dispatch: the units stay reserved until the warehouse answers the CancelFulfillment.
    await sendJson(producer, topicEnv.TOPIC_ONLINE_ORDERS!, [
      { key: 'O-TR-1', value: { eventId: 'tr-cancel', type: 'OnlineOrderCancelled', occurredAt: now(), orderId: 'O-TR-1' } },
    ]);
    await eventually(async () => expect((await order()).status).toBe('cancelled'));
    expect(await reservedAtW1()).toBe(2);
    const fulfillmentId = (await order()).fulfillments[0]!.fulfillmentId;

    // Hold sku_policies so the release's read of it waits, then cancel that read, three times.
    const holder = new Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    let cancelled = 0;
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${schema}".sku_policies IN ACCESS EXCLUSIVE MODE`);
      await sendJson(producer, topicEnv.TOPIC_LOGISTICS_EVENTS!, [
        {
          key: fulfillmentId,
          value: { eventId: 'tr-stopped', type: 'FulfillmentFailed', occurredAt: now(), fulfillmentId, shortLines: [] },
        },
      ]);
      const deadline = Date.now() + 30_000;
      while (cancelled < 3 && Date.now() < deadline) {
        const { rows } = await db.query<{ cancelled: boolean }>(
          `SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity
           WHERE application_name = 'inventory-service' AND wait_event_type = 'Lock' AND query LIKE '%FROM sku_policies WHERE sku = ANY%'
             AND pid IN (SELECT pid FROM pg_locks WHERE NOT granted AND relation = '"${schema}".sku_policies'::regclass)`,
        );
        cancelled += rows.filter((row) => row.cancelled).length;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await holder.query('COMMIT').catch(() => undefined);
      await holder.end();
    }
    // The old handler dead-lettered the event at the first cancel ('could not apply: canceling statement ...').
    expect(await couldNotApplyLetters()).toBe(0);
    expect(cancelled).toBe(3);

    // Applied after the retries: the reservation is released and the order cancelled; no dead letter.
    await eventually(async () => expect(await reservedAtW1()).toBe(0));
    const fulfillment = await order();
    expect(fulfillment.fulfillments.map((f) => f.state)).toEqual(['cancelled']);
    expect(await couldNotApplyLetters()).toBe(0);
    expect(service.log).toContain('transient database fault, retrying the batch with backoff');
  }, 120_000);
});
