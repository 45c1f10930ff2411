import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { KafkaConnection } from '../apps/inventory-service/src/platform/kafka/kafka-connection';
import { StockChangesSender } from '../apps/inventory-service/src/stock-views/publish-stock-changes/stock-changes-sender';
import { isolatedServiceEnv } from './support/isolated-env';
import { readTopic, testKafka } from './support/test-kafka';

// Two instances' senders of retail.stock.changes on one database: one transactional id, real Kafka.
const { env } = isolatedServiceEnv('sender');
const config = loadServiceConfig(env);
const topic = config.kafka.topics.stockChanges;
const transactionalId = `${topic}.test-origin-${Date.now()}`;
let connection: KafkaConnection;
let kafka: Kafka;

beforeAll(async () => {
  connection = new KafkaConnection(config);
  await connection.ensureTopics();
  kafka = testKafka();
});
afterAll(async () => {
  await connection.onApplicationShutdown();
});

const body = (sku: string, version: string) => ({ key: sku, value: JSON.stringify({ sku, version }) });

describe('StockChangesSender: one transactional id per database fences the sender of an earlier batch', () => {
  it('a sender opened later fences the one before: nothing the earlier sends after that lands, what it sent before stays first', async () => {
    const earlierBatch = await StockChangesSender.open(connection, transactionalId);
    await earlierBatch.send(topic, [body('SKU-1', 'first, before the takeover')]);
    await earlierBatch.close();

    // The first instance opens the sender of its next batch; another instance takes the feed's lock
    // (the first one's session ended) and opens its own. The first still believes it may send.
    const first = await StockChangesSender.open(connection, transactionalId);
    const second = await StockChangesSender.open(connection, transactionalId);
    await expect(first.send(topic, [body('SKU-1', 'first, after the takeover (stale)')])).rejects.toMatchObject({
      type: expect.stringMatching(/INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/),
    });
    await second.send(topic, [body('SKU-1', 'second')]);
    await Promise.all([first.close(), second.close()]);

    // A batch larger than one produce request goes in several, in one transaction.
    const third = await StockChangesSender.open(connection, transactionalId);
    const large = Array.from({ length: 400 }, (_, i) => body(`SKU-L${i}`, 'x'.repeat(4_000)));
    await third.send(topic, large);
    await third.close();

    const read = await readTopic(kafka, topic, 2 + large.length);
    const ofSku1 = read
      .filter((message) => message.key === 'SKU-1')
      .map((message) => (JSON.parse(message.value!) as { version: string }).version);
    expect(ofSku1).toEqual(['first, before the takeover', 'second']);
    expect(read.filter((message) => message.key!.startsWith('SKU-L'))).toHaveLength(large.length);
  }, 60_000);
});
