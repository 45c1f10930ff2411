import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocationsInSchema } from './support/locations';
import { uniqueSchemaName } from './support/test-database';
import { TOPIC_ENV_VARS, type TopicRole } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedProducer, eventually, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

const kafka = testKafka();
let producer: Producer;
const running: RunningTestService[] = [];

beforeAll(async () => {
  producer = await connectedProducer(kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  for (const service of running) await service.stop().catch(() => undefined);
});

async function start(overrides: Record<string, string> = {}): Promise<RunningTestService> {
  // Its schema holds the registered warehouse before the service starts: what is on the topics already is at W1.
  const schema = overrides.DATABASE_SCHEMA ?? uniqueSchemaName('e2e');
  await registerLocationsInSchema(schema, { W1: { type: 'warehouse' } });
  const service = await startTestService({ ...overrides, DATABASE_SCHEMA: schema });
  running.push(service);
  return service;
}

/** The same topics and consumer group as `service`, so a second service reads where the first left Kafka's offsets. */
function sameKafkaAs(service: RunningTestService): Record<string, string> {
  const { topics, groupId } = service.config.kafka;
  return {
    KAFKA_GROUP_ID: groupId,
    ...Object.fromEntries((Object.keys(TOPIC_ENV_VARS) as TopicRole[]).map((role) => [TOPIC_ENV_VARS[role], topics[role]])),
  };
}

async function receive(service: RunningTestService, partition: number, sku: string, count: number, idPrefix: string): Promise<void> {
  await producer.send({
    topic: service.config.kafka.topics.stockMovements,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({
      partition,
      key: 'W1',
      value: JSON.stringify({
        eventId: `${idPrefix}-${i}`,
        type: 'StockReceived',
        occurredAt: new Date().toISOString(),
        locationId: 'W1',
        lines: [{ sku, quantity: 1 }],
      }),
    })),
  });
}

const onHand = async (service: RunningTestService, sku: string) =>
  ((await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as { onHand: number }).onHand;

async function inSchema(service: RunningTestService, text: string, values: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: service.config.database.url });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${service.config.database.schema}"`);
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe("PostgreSQL's offsets are the truth, on real Kafka", () => {
  it("a new database (say, a restore) is filled from PostgreSQL's offsets, not from Kafka's committed ones", async () => {
    const first = await start();
    await receive(first, 0, 'SO-1', 30, 'so-a');
    await eventually(async () => expect(await onHand(first, 'SO-1')).toBe(30));
    await first.stop(); // its schema is dropped: the database is gone
    running.splice(running.indexOf(first), 1);
    // Kafka's committed offset for the group is at the end of what the first database applied (set
    // here, since kafkajs commits on an interval and may not have committed the last batch on stop).
    const admin = kafka.admin();
    await admin.connect();
    const { groupId, topics } = first.config.kafka;
    await admin.setOffsets({ groupId, topic: topics.stockMovements, partitions: [{ partition: 0, offset: '30' }] });
    const committed = await admin.fetchOffsets({ groupId, topics: [topics.stockMovements] });
    await admin.disconnect();
    expect(committed[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('30');
    // More arrive while the service is down: Kafka would resume from offset 30 with them.
    await receive(first, 0, 'SO-1', 5, 'so-b');

    const second = await start(sameKafkaAs(first));
    // Everything on the log is applied, from its start: 30 + 5.
    await eventually(async () => expect(await onHand(second, 'SO-1')).toBe(35));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await onHand(second, 'SO-1')).toBe(35);
  });

  it("goes back to PostgreSQL's offset when Kafka reads from above it (a database restored while the service runs)", async () => {
    const service = await start();
    const topic = service.config.kafka.topics.stockMovements;
    await receive(service, 0, 'SO-3', 10, 'so-e');
    await eventually(async () => expect(await onHand(service, 'SO-3')).toBe(10));
    // Long after the assignment's own seek (which, late, could read the offset set below and go back by itself).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    // PostgreSQL now says only offsets 0 to 3 were applied; Kafka's position is 10.
    await inSchema(service, 'UPDATE kafka_offsets SET next_offset = 4 WHERE topic = $1 AND partition = 0', [topic]);
    await receive(service, 0, 'SO-3', 2, 'so-f');
    await eventually(async () => expect(await onHand(service, 'SO-3')).toBe(12));
    // Offsets 4 to 9 were read again from Kafka (their eventIds already applied: duplicates, no second effect).
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${service.baseUrl}/metrics`, { headers: service.operatorHeaders })).text();
      expect(text).toContain(`inventory_inbound_duplicates_total{topic="${topic}"} 6`);
      return text;
    });
    expect(metrics).toContain(`inventory_inbound_events_applied_total{topic="${topic}",type="StockReceived"} 12`);
  });

  it('applies from the log start when retention deleted messages after the stored offset, counting them as lost', async () => {
    const service = await start();
    const topic = service.config.kafka.topics.stockMovements;
    await receive(service, 0, 'SO-4', 5, 'so-g');
    await eventually(async () => expect(await onHand(service, 'SO-4')).toBe(5));
    await service.stop({ dropSchema: false });
    running.splice(running.indexOf(service), 1);
    // While it is down, five more arrive and the log drops everything before offset 8.
    await receive(service, 0, 'SO-4', 5, 'so-h');
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs deletes records only of topics it has metadata for
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '8' }] });
    await admin.disconnect();
    const again = await start({ ...sameKafkaAs(service), DATABASE_SCHEMA: service.config.database.schema });
    await eventually(async () => expect(await onHand(again, 'SO-4')).toBe(7));
    const metrics = await (await fetch(`${again.baseUrl}/metrics`, { headers: again.operatorHeaders })).text();
    expect(metrics).toContain(`inventory_inbound_messages_lost_to_retention_total{topic="${topic}",partition="0"} 3`);
    expect((await fetch(`${again.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('reports a stored offset past the end of the log in /health/ready and a metric, and takes nothing after it as applied', async () => {
    const service = await start();
    await receive(service, 0, 'SO-2', 3, 'so-c');
    await eventually(async () => expect(await onHand(service, 'SO-2')).toBe(3));
    // As after the topic was deleted and created again: PostgreSQL's offset is far past Kafka's log.
    const topic = service.config.kafka.topics.stockMovements;
    await inSchema(service, 'UPDATE kafka_offsets SET next_offset = 1000 WHERE topic = $1 AND partition = 0', [topic]);
    await receive(service, 0, 'SO-2', 2, 'so-d');
    const ready = await eventually(async () => {
      const response = await fetch(`${service.baseUrl}/health/ready`);
      expect(response.status).toBe(503);
      return (await response.json()) as { error: Record<string, { message: string; partitions: unknown[] }> };
    });
    expect(ready.error.storedOffsets!.partitions).toEqual([{ topic, partition: 0, storedNextOffset: '1000', logEndOffset: '5' }]);
    expect(ready.error.storedOffsets!.message).toContain(`${topic}[0] stored next 1000, log ends at 5`);
    const metrics = await (await fetch(`${service.baseUrl}/metrics`, { headers: service.operatorHeaders })).text();
    expect(metrics).toContain(`inventory_stored_offset_ahead_of_log{topic="${topic}",partition="0"} 995`);
    // The two receipts after the offset were neither applied nor passed over.
    expect(await onHand(service, 'SO-2')).toBe(3);

    // A restart finds it on the seek too.
    await service.stop({ dropSchema: false });
    running.splice(running.indexOf(service), 1);
    const again = await start({ ...sameKafkaAs(service), DATABASE_SCHEMA: service.config.database.schema });
    const afterRestart = await eventually(async () => {
      const response = await fetch(`${again.baseUrl}/health/ready`);
      expect(response.status).toBe(503);
      return (await response.json()) as { error: Record<string, { partitions: unknown[] }> };
    });
    expect(afterRestart.error.storedOffsets!.partitions).toEqual([{ topic, partition: 0, storedNextOffset: '1000', logEndOffset: '5' }]);
    expect(await onHand(again, 'SO-2')).toBe(3);
  });
});
