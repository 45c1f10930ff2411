import { topicNamesFromEnv } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { bearer, issueOperatorKeyWithCli } from './support/operator-keys';
import { freePort, processTestEnv, ServiceProcess } from './support/service-process';
import { dropSchema, TEST_DATABASE_URL } from './support/test-database';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';

// HTTP reads get one connection of their own; ingestion, projections and the relay keep three. The storm
// writes its rows straight into the view (no events), so stock reads must go to the database: no read model.
const { schema, topicEnv, env } = processTestEnv('readpool', {
  DATABASE_POOL_SIZE: '3',
  DATABASE_READ_POOL_SIZE: '1',
  STOCK_CACHE_ENTRIES: '0',
  STOCK_READ_MODEL: 'off',
});
const topicNames = topicNamesFromEnv(topicEnv);
const kafka = testKafka();
let producer: Producer;
let service: ServiceProcess;
/** An operator key for the PUTs and the operators' reads. */
let operator: Record<string, string> = {};
let db: Client;

/** A heavy but ordinary storefront read: 500 SKUs, each stocked at 80 locations. */
const LOAD_SKUS = Array.from({ length: 500 }, (_, i) => `RP-LOAD-${i}`);
const HEAVY_READ = `/v1/stock?skus=${LOAD_SKUS.join(',')}`;

beforeAll(async () => {
  producer = await connectedProducer(kafka);
  operator = bearer(await issueOperatorKeyWithCli(env));
  service = new ServiceProcess(env, await freePort());
  await service.start();
  db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  await db.query(`SET search_path = "${schema}"`);
}, 120_000);
afterAll(async () => {
  await service?.kill();
  await producer?.disconnect();
  await db?.end();
  await dropSchema(schema);
});

async function onHandInView(locationId: string, sku: string): Promise<number | null> {
  const { rows } = await db.query<{ on_hand: number }>(
    'SELECT on_hand::float8 AS on_hand FROM stock_levels WHERE location_id = $1 AND sku = $2',
    [locationId, sku],
  );
  return rows[0]?.on_hand ?? null;
}

describe('HTTP reads use a pool of their own', () => {
  it(
    'a storm of reads that keeps every read connection busy does not hold back a POS sale or a receipt',
    { timeout: 240_000 },
    async () => {
      const response = await fetch(`${service.baseUrl}/v1/locations/S001`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...operator },
        body: JSON.stringify({
          type: 'store',
          name: 'S001',
          lat: 30.2,
          lng: 120.1,
          shipsOnline: true,
          pickup: true,
          dailyCapacity: 1000,
          safetyStock: 0,
        }),
      });
      expect(response.status).toBe(201);
      const now = () => new Date().toISOString();
      await sendJson(producer, topicNames.stockMovements, [
        {
          key: 'S001',
          value: {
            eventId: 'rp-rcv-1',
            type: 'StockReceived',
            occurredAt: now(),
            locationId: 'S001',
            lines: [{ sku: 'RP-SALE', quantity: 100 }],
          },
        },
      ]);
      await eventually(async () => expect(await onHandInView('S001', 'RP-SALE')).toBe(100), { timeoutMs: 60_000, intervalMs: 100 });
      // What the storm reads: levels of 500 SKUs at 80 locations, written straight into the view.
      await db.query(
        `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
       SELECT 'L-' || l, 'RP-LOAD-' || s, 10, 0, 0, now(), 1 FROM generate_series(0, 499) s, generate_series(1, 80) l`,
      );
      await db.query('ANALYZE stock_levels');
      const single = performance.now();
      expect((await fetch(`${service.baseUrl}${HEAVY_READ}`)).status).toBe(200);
      const singleReadMs = performance.now() - single;

      // The storm: 150 storefront clients, each asking again as soon as it is answered.
      let storming = true;
      const stop = new AbortController();
      const waiting = new Map<number, number>(); // each unanswered read: when it was sent
      let answered = 0;
      let sent = 0;
      const clients = Array.from({ length: 150 }, async () => {
        while (storming) {
          const read = (sent += 1);
          waiting.set(read, performance.now());
          try {
            // Load, not a check: the read alone above is checked against the document; checking each of the
            // storm's answers (megabytes of JSON) would load this process and skew the times it measures.
            const answer = await globalThis.fetch(`${service.baseUrl}${HEAVY_READ}`, { signal: stop.signal });
            await answer.arrayBuffer();
            answered += 1;
          } catch {
            // aborted at the end of the storm
          } finally {
            waiting.delete(read);
          }
        }
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 2000)); // the read pool's queue fills up

        const soldAt = performance.now();
        await sendJson(producer, topicNames.offlineSales, [
          {
            key: 'S001',
            value: {
              eventId: 'rp-sale-1',
              type: 'StoreSaleRecorded',
              occurredAt: now(),
              storeId: 'S001',
              receiptId: 'R-1',
              lines: [{ sku: 'RP-SALE', quantity: 3 }],
            },
          },
        ]);
        await eventually(async () => expect(await onHandInView('S001', 'RP-SALE')).toBe(97), { timeoutMs: 120_000, intervalMs: 50 });
        const saleShownMs = performance.now() - soldAt;
        // Reads sent before the sale that are still waiting now: the sale went past them.
        const overtaken = [...waiting.values()].filter((sentAt) => sentAt < soldAt).length;

        const receivedAt = performance.now();
        await sendJson(producer, topicNames.stockMovements, [
          {
            key: 'S001',
            value: {
              eventId: 'rp-rcv-2',
              type: 'StockReceived',
              occurredAt: now(),
              locationId: 'S001',
              lines: [{ sku: 'RP-SALE', quantity: 10 }],
            },
          },
        ]);
        await eventually(async () => expect(await onHandInView('S001', 'RP-SALE')).toBe(107), { timeoutMs: 120_000, intervalMs: 50 });
        const receiptShownMs = performance.now() - receivedAt;

        const report = `one heavy read alone ${singleReadMs.toFixed(0)} ms; ${answered} reads answered during the storm; sale shown after ${saleShownMs.toFixed(0)} ms with ${overtaken} reads sent before it still waiting; receipt shown after ${receiptShownMs.toFixed(0)} ms`;
        // The storm really saturates the read pool: many reads sent before the sale still wait once it shows...
        expect(overtaken, report).toBeGreaterThanOrEqual(50);
        // ... and the sale and the receipt went through ingestion and into the view as usual.
        expect(saleShownMs, report).toBeLessThan(3000);
        expect(receiptShownMs, report).toBeLessThan(3000);
      } finally {
        storming = false;
        stop.abort();
        await Promise.all(clients);
      }
    },
  );
});
