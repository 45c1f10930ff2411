import { CheckpointedProcessor, PostgresEventStore, START_OF_LOG, type ProjectedEvent, type Projection } from '@app/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The global order is (transaction id, position) as numbers. Transaction ids are read out as text
 * (xid8 has no JavaScript type); ordering by that text puts transaction 10 before transaction 9, so a
 * batch that ends in transaction 10 moves the checkpoint past transaction 9's events, which are then
 * never read. Real transaction ids cross such a boundary (9,999 to 10,000, 99,999 to 100,000, ...)
 * on every database that lives long enough; here the events are written with those ids directly.
 */
let db: TestDatabase;
const store = new PostgresEventStore();

beforeAll(async () => {
  db = await createTestDatabase();
  // Both ids are below any running transaction's, so every reader may see them.
  await db.reads.query(
    `INSERT INTO events (transaction_id, stream_id, stream_version, event_id, event_type, data)
     VALUES ('9'::xid8, 'a', 1, 'in-9', 'Seen', '{}'), ('10'::xid8, 'b', 1, 'in-10', 'Seen', '{}'), ('100'::xid8, 'c', 1, 'in-100', 'Seen', '{}')`,
  );
});
afterAll(async () => {
  await db?.drop();
});

describe('reading the log in global order across a change in the number of digits of transaction ids', () => {
  it('reads transaction 9 before 10 before 100, one by one from the start', async () => {
    const seen: string[] = [];
    let after = START_OF_LOG;
    for (;;) {
      const [event] = await db.transactions.inTransaction((sql) => store.readAfter(sql, after, 1));
      if (!event) break;
      seen.push(event.eventId);
      after = { transactionId: event.transactionId, globalPosition: event.globalPosition };
    }
    expect(seen).toEqual(['in-9', 'in-10', 'in-100']);
  });

  it('follows stream ids in the same order, and names transaction 100 as the head', async () => {
    const ids = await db.transactions.inTransaction((sql) => store.readStreamIdsAfter(sql, START_OF_LOG, 10));
    expect(ids.map((id) => id.streamId)).toEqual(['a', 'b', 'c']);
    const head = await db.transactions.inTransaction((sql) => store.head(sql));
    expect(head?.transactionId).toBe('100');
  });

  it('a projection fed one event a batch applies every one of them', async () => {
    const applied: string[] = [];
    const projection: Projection = {
      name: 'digits',
      apply: async (_sql, events: readonly ProjectedEvent[]) => {
        applied.push(...events.map((event) => event.eventId));
      },
    };
    const processor = new CheckpointedProcessor(projection, db.transactions, store, { batchSize: 1, idleDelayMs: 10 });
    await processor.catchUp();
    expect(applied).toEqual(['in-9', 'in-10', 'in-100']);
  });
});
