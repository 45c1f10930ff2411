import { parseViewPosition, compareCheckpoints } from '@app/event-store';
import { stockChangeSchema, type SkuStock } from '@app/contracts';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from './support/test-database';
import { connectedProducer, eventually, testKafka } from './support/test-kafka';
import { freePort, processTestEnv, ServiceProcess } from './support/service-process';
import { registerLocationsInSchema } from './support/locations';
import { sendShopFloor, shopFloor, SHOP_FLOOR_LOCATIONS, SHOP_FLOOR_SKUS } from './support/shop-floor';

// A short window: several batches of the feed while the stream goes on, and so kills between them.
const { schema, topicEnv, env } = processTestEnv('changes', {
  SNAPSHOT_EVERY_EVENTS: '7',
  PROJECTION_BATCH_SIZE: '300',
  STOCK_CHANGES_WINDOW_MS: '300',
});
const topic = topicEnv.TOPIC_STOCK_CHANGES!;
let service: ServiceProcess;
let producer: Producer;
let kafka: Kafka;

beforeAll(async () => {
  service = new ServiceProcess(env, await freePort());
  await registerLocationsInSchema(schema, SHOP_FLOOR_LOCATIONS);
  kafka = testKafka();
  producer = await connectedProducer(kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.kill();
  await dropSchema(schema);
});

const readiness = async () =>
  (
    (await (await fetch(`${service.baseUrl}/health/ready`)).json()) as {
      lag: { inboundMessages: number; stockViewEvents: number; stockChangesEvents: number; outboxMessages: number };
    }
  ).lag;

const settled = () =>
  eventually(
    async () => {
      const { inboundMessages, stockViewEvents, stockChangesEvents, outboxMessages } = await readiness();
      expect({ inboundMessages, stockViewEvents, stockChangesEvents, outboxMessages }).toEqual({
        inboundMessages: 0,
        stockViewEvents: 0,
        stockChangesEvents: 0,
        outboxMessages: 0,
      });
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );

/**
 * Every message on the topic, from its beginning to the end it has now, in each partition's order.
 * The feed writes in Kafka transactions, so a partition ends with a commit marker, which no message
 * carries: the end is known from each batch's last offset, markers included (END_BATCH_PROCESS).
 */
async function readToEnd(): Promise<Array<{ key: string; value: SkuStock; partition: number }>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
  const received: Array<{ key: string; value: SkuStock; partition: number }> = [];
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      if (remaining.size === 0) resolve();
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (Number(payload.lastOffset) + 1 >= (remaining.get(payload.partition) ?? 0)) remaining.delete(payload.partition);
        if (remaining.size === 0) resolve();
      });
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) as SkuStock, partition });
        },
      });
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

describe('retail.stock.changes: a compacted feed of every SKU stock view change', () => {
  it(
    'ends, after SIGKILLs mid-stream and a location change, with the last value per key equal to GET /v1/stock/{sku}; positions per key only grow',
    { timeout: 300_000 },
    async () => {
      const { messages } = shopFloor(12_000, topicEnv, 'c');
      await sendShopFloor(producer, messages);
      await service.start();

      let killsMidStream = 0;
      for (let kill = 0; kill < 3; kill += 1) {
        const before = (await readiness()).inboundMessages;
        await eventually(async () => expect((await readiness()).inboundMessages).toBeLessThan(before), {
          timeoutMs: 60_000,
          intervalMs: 50,
        });
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 250));
        const lag = await readiness();
        if (lag.inboundMessages > 0 || lag.stockViewEvents > 0 || lag.stockChangesEvents > 0 || lag.outboxMessages > 0) killsMidStream += 1;
        await service.kill();
        await service.start();
      }
      expect(killsMidStream).toBeGreaterThanOrEqual(2);
      await settled();

      // A location's profile changes every SKU's available there: each is published again.
      await registerLocationsInSchema(schema, { [SHOP_FLOOR_LOCATIONS[0]!]: { safetyStock: 2 } });
      await eventually(
        async () => {
          const { items } = (await (await fetch(`${service.baseUrl}/v1/stock?skus=${SHOP_FLOOR_SKUS[0]}`)).json()) as { items: SkuStock[] };
          const atFirst = items[0]!.locations.find((l) => l.locationId === SHOP_FLOOR_LOCATIONS[0]);
          expect(atFirst!.onHand - atFirst!.reserved - atFirst!.available).toBe(2);
        },
        { timeoutMs: 30_000 },
      );
      await settled();

      const admin = kafka.admin();
      await admin.connect();
      const [described] = (
        await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }], includeSynonyms: false })
      ).resources;
      await admin.disconnect();
      expect(described!.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue).toBe('compact');

      const { items } = (await (await fetch(`${service.baseUrl}/v1/stock?skus=${SHOP_FLOOR_SKUS.join(',')}`)).json()) as {
        items: SkuStock[];
      };
      const read = await readToEnd();
      expect(read.length).toBeGreaterThan(SHOP_FLOOR_SKUS.length);
      const last = new Map<string, SkuStock>();
      for (const { key, value } of read) {
        expect(stockChangeSchema.safeParse(value).success).toBe(true);
        expect(value.sku).toBe(key);
        const before = last.get(key);
        if (before)
          expect(compareCheckpoints(parseViewPosition(value.position)!, parseViewPosition(before.position)!), key).toBeGreaterThanOrEqual(
            0,
          );
        last.set(key, value);
      }
      expect([...last.keys()].sort()).toEqual([...SHOP_FLOOR_SKUS].sort());
      for (const stock of items) {
        const { position, ...body } = last.get(stock.sku)!;
        const { position: shownAt, ...shown } = stock;
        // The view's position moves with every batch; the SKU's own last message is at or before it.
        expect(body, stock.sku).toEqual(shown);
        expect(compareCheckpoints(parseViewPosition(position)!, parseViewPosition(shownAt)!)).toBeLessThanOrEqual(0);
      }
    },
  );
});
