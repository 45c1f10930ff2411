import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from './support/test-database';
import { connectedProducer, eventually, testKafka, TEST_KAFKA_BROKERS, uniqueTopicEnv } from './support/test-kafka';
import { freePort, ServiceProcess } from './support/service-process';

const schema = uniqueSchemaName('kill');
const topicEnv = uniqueTopicEnv(schema.replace(/_/g, '-'));
const env = {
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: schema,
  KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
  KAFKA_GROUP_ID: `inventory-${schema}`,
  SNAPSHOT_EVERY_EVENTS: '7',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  ...topicEnv,
};
let service: ServiceProcess;
let producer: Producer;

beforeAll(async () => {
  service = new ServiceProcess(env, await freePort());
  producer = await connectedProducer(testKafka());
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.kill();
  await dropSchema(schema);
});

const LOCATIONS = ['K1', 'K2', 'K3'];
const SKUS = ['A', 'B', 'C', 'D', 'E'];

/** A deterministic stream of receipts, sales, returns and adjustments, with the on-hand it should leave. */
function shopFloor(count: number) {
  const expected = new Map<string, number>();
  const messages: Array<{ topic: string; key: string; value: string; eventId: string; lines: number }> = [];
  for (let i = 0; i < count; i += 1) {
    const location = LOCATIONS[i % LOCATIONS.length]!;
    const lines = [SKUS[i % SKUS.length]!, SKUS[(i * 7 + 3) % SKUS.length]!].map((sku, k) => ({ sku, quantity: 1 + ((i + k) % 4) }));
    const kind = i % 10 < 3 ? 'receipt' : i % 10 < 8 ? 'sale' : i % 10 < 9 ? 'return' : 'adjust';
    const sign = kind === 'sale' ? -1 : kind === 'adjust' ? -1 : 1;
    for (const line of lines) expected.set(`${location}|${line.sku}`, (expected.get(`${location}|${line.sku}`) ?? 0) + sign * line.quantity);
    const base = { eventId: `k-${i}`, occurredAt: new Date(Date.UTC(2026, 10, 11, 0, 0, 0, i)).toISOString() };
    const value =
      kind === 'receipt'
        ? { ...base, type: 'StockReceived', locationId: location, lines }
        : kind === 'adjust'
          ? { ...base, type: 'StockAdjusted', locationId: location, reason: 'shrinkage', lines: lines.map((l) => ({ sku: l.sku, delta: -l.quantity })) }
          : { ...base, type: kind === 'sale' ? 'StoreSaleRecorded' : 'StoreReturnRecorded', storeId: location, receiptId: `R-${i}`, lines };
    const topic = kind === 'receipt' || kind === 'adjust' ? topicEnv.TOPIC_STOCK_MOVEMENTS! : topicEnv.TOPIC_OFFLINE_SALES!;
    messages.push({ topic, key: location, value: JSON.stringify(value), eventId: base.eventId, lines: lines.length });
  }
  return { expected, messages };
}

async function ready(): Promise<{ inboundMessages: number; stockViewEvents: number }> {
  const body = (await (await fetch(`${service.baseUrl}/health/ready`)).json()) as { lag: { inboundMessages: number; stockViewEvents: number } };
  return body.lag;
}

describe('crash safety: SIGKILL in the middle of a stream', () => {
  it('ends with stock equal to the fold of the events, nothing lost and nothing counted twice, after repeated kills', { timeout: 300_000 }, async () => {
    const { expected, messages } = shopFloor(30_000);
    // The whole stream is on the topics before the service starts, so there is a backlog to crash in.
    for (let sent = 0; sent < messages.length; sent += 500) {
      const chunk = messages.slice(sent, sent + 500);
      // Every tenth chunk is sent twice: a producer retry after a timeout, say. Duplicates must not count.
      const copies = (sent / 500) % 10 === 3 ? 2 : 1;
      for (let c = 0; c < copies; c += 1) {
        const byTopic = new Map<string, typeof chunk>();
        for (const m of chunk) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map((m) => ({ key: m.key, value: m.value })) })) });
      }
    }
    await service.start();

    // Kill while batches are being applied: wait until the (re)started instance is consuming, then
    // kill it a moment later, four times.
    let killsMidBatch = 0;
    for (let kill = 0; kill < 4; kill += 1) {
      const before = (await ready()).inboundMessages;
      await eventually(async () => expect((await ready()).inboundMessages).toBeLessThan(before), { timeoutMs: 60_000, intervalMs: 50 });
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 250));
      if ((await ready()).inboundMessages > 0) killsMidBatch += 1;
      await service.kill();
      await service.start();
    }
    expect(killsMidBatch).toBeGreaterThanOrEqual(3); // the kills hit a stream being applied, not an idle service

    await eventually(
      async () => {
        const { inboundMessages, stockViewEvents } = await ready();
        expect({ inboundMessages, stockViewEvents }).toEqual({ inboundMessages: 0, stockViewEvents: 0 });
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const response = await fetch(`${service.baseUrl}/v1/stock?skus=${SKUS.join(',')}`);
    const { items } = (await response.json()) as { items: Array<{ sku: string; locations: Array<{ locationId: string; onHand: number }> }> };
    const shown = new Map(items.flatMap((item) => item.locations.map((l) => [`${l.locationId}|${item.sku}`, l.onHand] as const)));
    expect(shown).toEqual(expected);
  });
});
