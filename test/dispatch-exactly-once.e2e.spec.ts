import { topicNamesFromEnv } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { TestLogisticsWorker } from './support/logistics-worker';
import { dropSchema } from './support/test-database';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { bearer, issueOperatorKeyWithCli } from './support/operator-keys';
import { freePort, lagOf, processTestEnv, ServiceProcess } from './support/service-process';

const kafka = testKafka();
const { schema, topicEnv, env } = processTestEnv('dispatch');
const topicNames = topicNamesFromEnv(topicEnv);
let producer: Producer;
let worker: TestLogisticsWorker;
let service: ServiceProcess;
let operatorKey: string;

const SKUS = Array.from({ length: 20 }, (_, i) => `XO-${i}`);
const LOCATIONS = ['W01', 'S001', 'S002', 'S003'];

beforeAll(async () => {
  producer = await connectedProducer(kafka);
  worker = new TestLogisticsWorker(kafka, topicNames);
});
afterAll(async () => {
  await worker?.stop();
  await producer?.disconnect();
  await service?.kill();
  await dropSchema(schema);
});

async function placeOrders(from: number, to: number): Promise<string[]> {
  const orderIds: string[] = [];
  const messages = [];
  for (let n = from; n < to; n += 1) {
    const orderId = `XO-${n}`;
    orderIds.push(orderId);
    messages.push({
      key: orderId,
      value: {
        eventId: `xo-order-${n}`,
        type: 'OnlineOrderPlaced',
        occurredAt: new Date().toISOString(),
        orderId,
        lines: [
          { sku: SKUS[n % SKUS.length]!, quantity: 1 },
          { sku: SKUS[(n * 7 + 3) % SKUS.length]!, quantity: 1 + (n % 2) },
        ],
        delivery: { mode: 'ship', lat: 30.2 + (n % 10) / 50, lng: 120.1 + (n % 7) / 50 },
      },
    });
  }
  await sendJson(producer, topicNames.onlineOrders, messages);
  return orderIds;
}

async function caughtUp(process: ServiceProcess): Promise<void> {
  await eventually(async () => expect((await lagOf(process.baseUrl)).inboundMessages).toBe(0), { timeoutMs: 90_000, intervalMs: 250 });
}

describe('dispatch commands through the outbox, across SIGKILLs', () => {
  it(
    'commands every fulfillment exactly once though the service is killed between the commit and the publish, and at random',
    { timeout: 300_000 },
    async () => {
      // Phase 1: an instance that commits orders but does not relay, killed with the commands still in its outbox.
      service = new ServiceProcess({ ...env, OUTBOX_RELAY: 'off' }, await freePort());
      await service.start();
      operatorKey = await issueOperatorKeyWithCli(env);
      for (const [index, locationId] of LOCATIONS.entries()) {
        const profile = {
          type: index === 0 ? 'warehouse' : 'store',
          name: locationId,
          lat: 30.2 + index / 20,
          lng: 120.1 + index / 20,
          shipsOnline: true,
          pickup: index > 0,
          dailyCapacity: 10_000,
          safetyStock: 0,
        };
        const response = await fetch(`${service.baseUrl}/v1/locations/${locationId}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...bearer(operatorKey) },
          body: JSON.stringify(profile),
        });
        expect(response.status).toBe(201);
      }
      await sendJson(
        producer,
        topicNames.stockMovements,
        LOCATIONS.map((locationId) => ({
          key: locationId,
          value: {
            eventId: `xo-rcv-${locationId}`,
            type: 'StockReceived',
            occurredAt: new Date().toISOString(),
            locationId,
            lines: SKUS.map((sku) => ({ sku, quantity: 40 })),
          },
        })),
      );
      await caughtUp(service); // stock first, so every order can be served
      const orderIds = await placeOrders(0, 150);
      await caughtUp(service);
      await service.kill();

      // Phase 2: relaying instances, killed at random moments while more orders arrive.
      await worker.start();
      service = new ServiceProcess(env, service.port);
      await service.start();
      const more = placeOrders(150, 400);
      for (let kill = 0; kill < 3; kill += 1) {
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1200));
        await service.kill();
        await service.start();
      }
      orderIds.push(...(await more));
      await caughtUp(service);

      // Every fulfillment the orders show was commanded exactly once; nothing else was.
      const fulfillmentIds = await eventually(
        async () => {
          const ids: string[] = [];
          for (const orderId of orderIds) {
            const response = await fetch(`${service.baseUrl}/v1/orders/${orderId}/fulfillment`, { headers: bearer(operatorKey) });
            expect(response.status).toBe(200);
            const order = (await response.json()) as { fulfillments: Array<{ fulfillmentId: string }>; backordered: unknown[] };
            ids.push(...order.fulfillments.map((f) => f.fulfillmentId));
          }
          expect(worker.of('DispatchFulfillment')).toHaveLength(ids.length);
          return ids;
        },
        { timeoutMs: 90_000, intervalMs: 1000 },
      );
      expect(fulfillmentIds.length).toBeGreaterThanOrEqual(orderIds.length);
      const commanded = worker.of('DispatchFulfillment').map((c) => c.fulfillmentId);
      expect(new Set(commanded).size).toBe(commanded.length);
      expect(new Set(commanded)).toEqual(new Set(fulfillmentIds));
      expect(worker.deliveries).toBe(worker.commands.length);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // a late repeat would show up here
      expect(worker.deliveries).toBe(fulfillmentIds.length);
    },
  );
});
