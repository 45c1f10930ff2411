import { CheckpointedProcessor, CommitSignals, PostgresEventStore, StreamUnitOfWork, upcasterChain } from '@app/event-store';
import { stockItemDecider, stockItemStreamId, type StockItemEvent } from '@app/stock-domain';
import type { Producer, ProducerConfig } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig, type ServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { KafkaConnection } from '../apps/inventory-service/src/platform/kafka/kafka-connection';
import { enqueueOutboxMessages, OUTBOX_HEADERS } from '../apps/inventory-service/src/outbox/outbox';
import { OutboxRelay } from '../apps/inventory-service/src/outbox/outbox-relay.service';
import { StockLevelsProjection } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { isolatedServiceEnv } from './support/isolated-env';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/test-database';
import { eventually, readTopic, testKafka } from './support/test-kafka';

/**
 * A real Kafka connection whose relay sends are held up: the next `slowSends` sends wait `delayMs`
 * before they really go to the broker (Kafka itself stays real).
 */
class SlowSendKafka extends KafkaConnection {
  slowSends = 0;
  delayMs = 10_000;
  sendsStarted = 0;
  /** Sends that were held up and then failed (a closed producer refuses them). */
  lateSendsRefused = 0;

  override createProducer(overrides: ProducerConfig = {}): Producer {
    return this.slowed(super.createProducer(overrides));
  }

  /** The relay before the redesign used the shared producer: slowed too, so this test can run against it. */
  override producer(): Promise<Producer> {
    return super.producer().then((producer) => this.slowed(producer));
  }

  private slowed(producer: Producer): Producer {
    return {
      ...producer,
      sendBatch: async (batch) => {
        this.sendsStarted += 1;
        if (this.slowSends > 0) {
          this.slowSends -= 1;
          await new Promise((resolve) => setTimeout(resolve, this.delayMs));
          try {
            return await producer.sendBatch(batch);
          } catch (error) {
            this.lateSendsRefused += 1;
            throw error;
          }
        }
        return producer.sendBatch(batch);
      },
    };
  }
}

let db: TestDatabase;
let config: ServiceConfig;
let slowKafka: SlowSendKafka;
let otherKafka: KafkaConnection;
let stockLevels: CheckpointedProcessor;
const store = new PostgresEventStore();
const kafka = testKafka();
let sku = 0;
let relay: OutboxRelay;

beforeAll(async () => {
  db = await createTestDatabase();
  const { env } = isolatedServiceEnv('slowsend', { DATABASE_SCHEMA: db.schema, DATABASE_URL: TEST_DATABASE_URL, OUTBOX_BATCH_SIZE: '500' });
  config = loadServiceConfig(env);
  slowKafka = new SlowSendKafka(config);
  otherKafka = new KafkaConnection(config);
  await slowKafka.ensureTopics();
  stockLevels = new CheckpointedProcessor(new StockLevelsProjection(), db.transactions, store, {
    batchSize: 2000,
    idleDelayMs: 25,
    idleCheck: db.reads,
  });
  stockLevels.start();
}, 60_000);
afterAll(async () => {
  await stockLevels?.stop();
  await slowKafka?.onApplicationShutdown();
  await otherKafka?.onApplicationShutdown();
  await db?.drop();
});

async function queueCommands(prefix: string, count: number): Promise<void> {
  await db.transactions.inTransaction((sql) =>
    enqueueOutboxMessages(
      sql,
      Array.from({ length: count }, (_, i) => ({
        topic: config.kafka.topics.logisticsCommands,
        key: Buffer.from(`W0${i % 3}`),
        value: Buffer.from(JSON.stringify({ commandId: `${prefix}-${i}`, type: 'DispatchFulfillment' })),
        headers: {},
      })),
    ),
  );
}

/** Append a receipt of `quantity` for a new SKU at S1 and resolve to how long the stock view took to show it. */
async function receiptShownAfterMs(quantity: number): Promise<number> {
  sku += 1;
  const streamId = stockItemStreamId({ locationId: 'S1', sku: `SLOW-${sku}` });
  await db.transactions.inTransaction(async (sql) => {
    const items = StreamUnitOfWork.of(sql, store, {
      decider: stockItemDecider,
      snapshots: { everyEvents: 100, stateVersion: 1 },
      upcast: upcasterChain<StockItemEvent>({}),
    });
    await items.load([streamId]);
    items.execute(
      streamId,
      { type: 'RecordReceipt', quantity, occurredAt: new Date().toISOString(), sourceEventId: `slow-rcv-${sku}` },
      { eventIdFor: () => `slow-rcv-${sku}` },
    );
    await items.commit();
  });
  const appendedAt = performance.now();
  await eventually(
    async () => {
      const [row] = await db.reads.query<{ on_hand: number }>(
        'SELECT on_hand::float8 AS on_hand FROM stock_levels WHERE location_id = $1 AND sku = $2',
        ['S1', `SLOW-${sku}`],
      );
      expect(row?.on_hand).toBe(quantity);
    },
    { timeoutMs: 30_000, intervalMs: 10 },
  );
  return performance.now() - appendedAt;
}

/** Every relayed message on the commands topic, counted per outbox id (and the log's total). */
async function relayedCounts(): Promise<{ total: number; perId: Map<string, number> }> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(config.kafka.topics.logisticsCommands);
  await admin.disconnect();
  const total = offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  const messages = total === 0 ? [] : await readTopic(kafka, config.kafka.topics.logisticsCommands, total);
  const perId = new Map<string, number>();
  for (const message of messages) perId.set(message.headers[OUTBOX_HEADERS.id]!, (perId.get(message.headers[OUTBOX_HEADERS.id]!) ?? 0) + 1);
  return { total, perId };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the outbox relay holds no transaction across a Kafka send', () => {
  it(
    'a send that takes 10 s does not hold back the stock view, no other relay takes over meanwhile, and every message arrives once',
    { timeout: 120_000 },
    async () => {
      relay = new OutboxRelay(db.transactions, db.reads, slowKafka, config, new CommitSignals());
      const other = new OutboxRelay(db.transactions, db.reads, otherKafka, config, new CommitSignals());
      await queueCommands('slow', 40);
      // Usual latency, with nothing in flight.
      const usualMs = await receiptShownAfterMs(5);

      slowKafka.slowSends = 1;
      const startedAt = performance.now();
      const sending = relay.publishNextBatch();
      await eventually(async () => expect(slowKafka.sendsStarted).toBe(1), { timeoutMs: 10_000, intervalMs: 10 });

      // While the batch is stuck on its way to Kafka: stock events keep flowing into the view, and
      // another instance keeps trying to relay (past the 5 s after which an unrenewed lease lapses).
      const latencies: number[] = [];
      while (performance.now() - startedAt < 8_500) {
        latencies.push(await receiptShownAfterMs(3));
        expect(await other.publishNextBatch()).toBe(0);
        await sleep(700);
      }
      expect(slowKafka.sendsStarted).toBe(1);
      expect(
        Math.max(...latencies),
        `usual ${usualMs.toFixed(0)} ms; during the send ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms`,
      ).toBeLessThan(1000);
      expect(latencies.length).toBeGreaterThanOrEqual(6);

      expect(await sending).toBe(40);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(10_000);
      expect(await relay.publishNextBatch()).toBe(0); // all marked published
      expect(await other.publishNextBatch()).toBe(0);

      const { total, perId } = await relayedCounts();
      expect(total).toBe(40);
      expect(perId.size).toBe(40);
      expect([...perId.values()].every((n) => n === 1)).toBe(true);
    },
  );

  it(
    'a relay that cannot renew its lease during a send gives the send up before the lease lapses; the next one finds nothing to repeat',
    { timeout: 120_000 },
    async () => {
      // The relay of the test above, which holds the lease.
      await queueCommands('fenced', 25);
      const before = (await relayedCounts()).total;
      const refusedBefore = slowKafka.lateSendsRefused;

      // Hold the lease row, as a database out of reach would: the relay's renewals wait.
      const blocker = new Client({ connectionString: TEST_DATABASE_URL });
      await blocker.connect();
      try {
        slowKafka.slowSends = 1;
        slowKafka.delayMs = 6_000;
        const startedAt = performance.now();
        const started = slowKafka.sendsStarted;
        const sending = relay.publishNextBatch();
        await eventually(async () => expect(slowKafka.sendsStarted).toBe(started + 1), { timeoutMs: 10_000, intervalMs: 10 });
        await blocker.query('BEGIN');
        await blocker.query(`SELECT 1 FROM "${db.schema}".outbox_relay_state WHERE id = 1 FOR UPDATE`);
        await expect(sending).rejects.toThrow(/not renewed for \d+ ms during a send/);
        const gaveUpAfterMs = performance.now() - startedAt;
        expect(gaveUpAfterMs).toBeGreaterThan(3000);
        expect(gaveUpAfterMs).toBeLessThan(5000); // before another instance could take the lease
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        await blocker.end();
      }
      // The abandoned send's producer is closed: when its delay is over it is refused, not sent.
      await eventually(async () => expect(slowKafka.lateSendsRefused).toBe(refusedBefore + 1), { timeoutMs: 10_000, intervalMs: 50 });
      expect(await relay.publishNextBatch()).toBe(25);
      const { total, perId } = await relayedCounts();
      expect(total - before).toBe(25);
      expect([...perId.values()].every((n) => n === 1)).toBe(true);
    },
  );
});
