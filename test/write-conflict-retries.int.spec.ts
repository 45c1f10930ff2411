import { PostgresEventStore } from '@app/event-store';
import { stockItemStreamId } from '@app/stock-domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { RecordInboundBatch, type InboundMessage } from '../apps/inventory-service/src/ingestion/record-inbound-batch.command';
import { RecordInboundBatchHandler } from '../apps/inventory-service/src/ingestion/record-inbound-batch.handler';
import { registerLocationsInDatabase } from './support/locations';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;
const config = loadServiceConfig({});
const topic = config.kafka.topics.offlineSales;

beforeAll(async () => {
  db = await createTestDatabase();
  await registerLocationsInDatabase(db.transactions, ['S1']);
});
afterAll(async () => {
  await db?.drop();
});

function sale(partition: number, offset: number, round: number): InboundMessage {
  const eventId = `sale-${round}-${partition}-${offset}`;
  const value = {
    eventId,
    type: 'StoreSaleRecorded',
    occurredAt: new Date().toISOString(),
    storeId: 'S1',
    receiptId: eventId,
    lines: [{ sku: 'HOT', quantity: 1 }],
  };
  return {
    role: 'offlineSales',
    topic,
    partition,
    offset: String(offset),
    key: Buffer.from('S1'),
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
  };
}

it('counts the retries a batch needed because a concurrent batch changed one of its streams first, and none without one', async () => {
  // Handlers of their own (as on different instances), so no stock item cache hides the race.
  const handlers = Array.from({ length: 6 }, () => new RecordInboundBatchHandler(db.transactions, new PostgresEventStore(), config));
  const alone = await handlers[0]!.execute(new RecordInboundBatch('g', topic, 0, [sale(0, 0, 0)]));
  expect(alone.conflictRetries).toBe(0);

  // Six partitions' batches selling the same stock item at once: each but one finds it moved on.
  let retries = 0;
  let applied = 1;
  for (let round = 1; round <= 5 && retries === 0; round += 1) {
    const outcomes = await Promise.all(
      handlers.map((handler, partition) =>
        handler.execute(
          new RecordInboundBatch(
            'g',
            topic,
            partition,
            Array.from({ length: 20 }, (_, k) => sale(partition, round * 100 + k, round)),
          ),
        ),
      ),
    );
    retries += outcomes.reduce((sum, outcome) => sum + outcome.conflictRetries, 0);
    applied += outcomes.reduce((sum, outcome) => sum + outcome.applied, 0);
  }
  expect(retries).toBeGreaterThan(0);
  const [row] = await db.reads.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [
    stockItemStreamId({ locationId: 'S1', sku: 'HOT' }),
  ]);
  expect(row?.version).toBe(applied);
});
