import { PostgresEventStore, START_OF_LOG, StreamVersionConflictError, type ProjectedEvent } from '@app/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const store = new PostgresEventStore();
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const event = (eventId: string, data: unknown = {}) => ({ eventId, type: 'Something', data });

describe('PostgresEventStore on PostgreSQL', () => {
  it('appends to a new stream and reads it back in order with metadata', async () => {
    const outcome = await db.transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [
        {
          streamId: 'a-1',
          expectedVersion: 0,
          events: [
            { ...event('a-1/1', { n: 1 }), metadata: { correlationId: 'c', source: { topic: 't', partition: 0, offset: '7' } } },
            event('a-1/2', { n: 2 }),
          ],
        },
      ]),
    );
    expect(outcome.streamVersions.get('a-1')).toBe(2);
    expect(outcome.appended).toHaveLength(2);
    const events = await db.transactions.inTransaction((sql) => store.readStream(sql, 'a-1'));
    expect(events.map((e) => [e.streamVersion, e.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
    ]);
    expect(events[0]!.metadata).toMatchObject({ correlationId: 'c', source: { offset: '7' } });
    expect(events[0]!.recordedAt).toBeInstanceOf(Date);
  });

  it('rejects an append at a stale expected version with a typed conflict, writing nothing', async () => {
    await db.transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [{ streamId: 'b-1', expectedVersion: 0, events: [event('b-1/1')] }]),
    );
    await expect(
      db.transactions.inTransaction((sql) =>
        store.appendToStreams(sql, [
          { streamId: 'b-2', expectedVersion: 0, events: [event('b-2/1')] },
          { streamId: 'b-1', expectedVersion: 0, events: [event('b-1/x')] },
        ]),
      ),
    ).rejects.toBeInstanceOf(StreamVersionConflictError);
    const versions = await db.transactions.inTransaction((sql) => store.streamVersions(sql, ['b-1', 'b-2']));
    expect(Object.fromEntries(versions)).toEqual({ 'b-1': 1, 'b-2': 0 }); // atomic: b-2 was not created either
  });

  it('is idempotent by event id: a repeated id is a no-op the caller can see', async () => {
    const first = await db.transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [{ streamId: 'c-1', expectedVersion: 0, events: [event('c-1/1'), event('c-1/2')] }]),
    );
    const again = await db.transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [{ streamId: 'c-1', expectedVersion: 2, events: [event('c-1/1'), event('c-1/2')] }]),
    );
    expect(first.duplicateEventIds).toEqual([]);
    expect(again.duplicateEventIds).toEqual(['c-1/1', 'c-1/2']);
    expect(again.appended).toEqual([]);
    expect(again.streamVersions.get('c-1')).toBe(2);
  });

  it('lets exactly one of two concurrent writers of a stream win', async () => {
    await db.transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [{ streamId: 'd-1', expectedVersion: 0, events: [event('d-1/1')] }]),
    );
    const results = await Promise.allSettled(
      ['x', 'y'].map((writer) =>
        db.transactions.inTransaction((sql) =>
          store.appendToStreams(sql, [{ streamId: 'd-1', expectedVersion: 1, events: [event(`d-1/${writer}`)] }]),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(StreamVersionConflictError);
  });

  it('gives a global-order reader every event exactly once, in order, while writers commit concurrently', async () => {
    const writers = 6;
    const perWriter = 60;
    const seen: ProjectedEvent[] = [];
    let checkpoint = START_OF_LOG;
    let writing = true;

    // Writers hold their transactions open for random times, so commits land out of position order.
    const writing$ = Promise.all(
      Array.from({ length: writers }, (_, w) =>
        (async () => {
          for (let i = 0; i < perWriter; i += 1) {
            await db.transactions.inTransaction(async (sql) => {
              await store.appendToStreams(sql, [
                { streamId: `g-${w}-${i % 5}`, expectedVersion: Math.floor(i / 5), events: [event(`g-${w}-${i}`, { w, i })] },
              ]);
              await sql.query('SELECT pg_sleep($1)', [Math.random() * 0.01]);
            });
          }
        })(),
      ),
    ).finally(() => {
      writing = false;
    });

    const read = async () => {
      const batch = await db.transactions.inTransaction((sql) => store.readAfter(sql, checkpoint, 50));
      for (const e of batch) seen.push(e);
      const last = batch[batch.length - 1];
      if (last) checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
      return batch.length;
    };
    while (writing) await read();
    await writing$;
    while ((await read()) > 0);

    const ours = seen.filter((e) => e.streamId.startsWith('g-'));
    expect(ours).toHaveLength(writers * perWriter);
    expect(new Set(ours.map((e) => e.eventId)).size).toBe(writers * perWriter);
    // Strictly increasing in (transaction id, position): the order subscribers rely on.
    for (let i = 1; i < seen.length; i += 1) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      const ordered =
        BigInt(a.transactionId) < BigInt(b.transactionId) || (a.transactionId === b.transactionId && a.globalPosition < b.globalPosition);
      expect(ordered).toBe(true);
    }
  });
});
