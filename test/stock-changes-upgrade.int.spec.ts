import { stockItemStreamId } from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { KafkaConnection } from '../apps/inventory-service/src/platform/kafka/kafka-connection';
import { enqueueOutboxMessages } from '../apps/inventory-service/src/outbox/outbox';
import { StockChangesProjection } from '../apps/inventory-service/src/stock-views/publish-stock-changes/stock-changes.projection';
import { isolatedServiceEnv } from './support/isolated-env';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/test-database';
import { readTopic, testKafka } from './support/test-kafka';

// A rolling upgrade from the version that queued retail.stock.changes in the outbox: its queued
// values must reach the topic before any batch this version sends straight to Kafka.
let db: TestDatabase;
let connection: KafkaConnection;
let topic: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadServiceConfig(isolatedServiceEnv('upgrade', { DATABASE_SCHEMA: db.schema, DATABASE_URL: TEST_DATABASE_URL }).env);
  topic = config.kafka.topics.stockChanges;
  connection = new KafkaConnection(config);
  await connection.ensureTopics();
  await db.reads.query(
    `INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at) VALUES ('stock-levels', '5', 5, now())
     ON CONFLICT (processor_id) DO NOTHING`,
  );
});
afterAll(async () => {
  await connection?.onApplicationShutdown();
  await db?.drop();
});

describe('stock-changes during a rolling upgrade', () => {
  it('sends no batch while the outbox still holds values of the topic an earlier version queued; sends once they are published', async () => {
    const projection = new StockChangesProjection(topic, connection, null);
    const changes = [{ streamId: stockItemStreamId({ locationId: 'S001', sku: 'SKU-UP' }), transactionId: '4', globalPosition: 4 }];
    await db.transactions.inTransaction((sql) =>
      enqueueOutboxMessages(sql, [{ topic, key: Buffer.from('SKU-UP'), value: Buffer.from('{"queued":"earlier"}'), headers: {} }]),
    );

    await expect(db.transactions.inTransaction((sql) => projection.apply(sql, changes))).rejects.toThrow(/earlier version/);

    await db.reads.query(`UPDATE outbox SET published_at = now() WHERE topic = $1`, [topic]);
    await db.transactions.inTransaction((sql) => projection.apply(sql, changes));
    const [sent] = await readTopic(testKafka(), topic, 1);
    expect(sent!.key).toBe('SKU-UP');
    expect(JSON.parse(sent!.value!)).toMatchObject({ sku: 'SKU-UP', locations: [], position: '5.5' });
  }, 60_000);
});
