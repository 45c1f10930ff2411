import {
  CheckpointedProcessor,
  PostgresEventStore,
  StreamUnitOfWork,
  projectionBacklog,
  upcasterChain,
  type Projection,
  type RecordedEvent,
  type SqlClient,
} from '@app/event-store';
import { stockItemDecider, stockItemStreamId, type StockItemCommand, type StockItemEvent } from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;
const store = new PostgresEventStore();
const upcast = upcasterChain<StockItemEvent>({});

beforeAll(async () => {
  db = await createTestDatabase();
  await db.reads.query('CREATE TABLE projected_totals (stream_id text PRIMARY KEY, on_hand int NOT NULL, events int NOT NULL)');
});
afterAll(async () => {
  await db?.drop();
});

/** A read model that sums on-hand per stream, and can be told to crash after writing part of a batch. */
class TotalsProjection implements Projection {
  readonly name = 'totals';
  crashAfterWrites = Infinity;

  async apply(sql: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    let writes = 0;
    for (const event of events) {
      if (writes >= this.crashAfterWrites) throw new Error('simulated crash in the middle of a batch');
      await sql.query(
        `INSERT INTO projected_totals VALUES ($1, $2, 1)
         ON CONFLICT (stream_id) DO UPDATE SET on_hand = projected_totals.on_hand + $2, events = projected_totals.events + 1`,
        [event.streamId, (event.data as { onHandChange: number }).onHandChange],
      );
      writes += 1;
    }
  }
}

const receipt = (quantity: number, i: number): StockItemCommand => ({
  type: 'RecordReceipt',
  quantity,
  occurredAt: new Date(Date.UTC(2026, 10, 11, 0, 0, i)).toISOString(),
  sourceEventId: `r-${i}`,
});

async function recordReceipts(streamId: string, count: number, snapshotEvery: number, offset = 0): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await db.transactions.inTransaction(async (sql) => {
      const items = new StreamUnitOfWork(sql, store, stockItemDecider, { everyEvents: snapshotEvery, stateVersion: 1 }, upcast);
      await items.load([streamId]);
      items.execute(streamId, receipt(1 + ((i + offset) % 3), i + offset), { eventIdFor: () => `${streamId}#${i + offset}` });
      await items.commit();
    });
  }
}

async function loadState(streamId: string, stateVersion: number) {
  return db.transactions.inTransaction(async (sql) => {
    const items = new StreamUnitOfWork(sql, store, stockItemDecider, { everyEvents: 5, stateVersion }, upcast);
    await items.load([streamId]);
    return { state: items.stateOf(streamId), version: items.versionOf(streamId) };
  });
}

describe('snapshots', () => {
  it('are taken every N events, used on load, and never needed for correctness', async () => {
    const streamId = stockItemStreamId({ locationId: 'SNAP', sku: 'A' });
    await recordReceipts(streamId, 23, 5);
    const [snapshot] = await db.reads.query<{ stream_version: number }>('SELECT stream_version FROM snapshots WHERE stream_id = $1', [streamId]);
    expect(snapshot?.stream_version).toBe(20);

    const fromSnapshot = await loadState(streamId, 1);
    const fromEvents = await loadState(streamId, 999); // no snapshot of that shape: a full replay
    expect(fromSnapshot).toEqual(fromEvents);
    expect(fromSnapshot.version).toBe(23);

    await db.reads.query('DELETE FROM snapshots WHERE stream_id = $1', [streamId]);
    expect(await loadState(streamId, 1)).toEqual(fromEvents);
  });
});

describe('asynchronous projections', () => {
  it('resume after a crash in the middle of a batch, applying every event exactly once', async () => {
    const streams = ['P1', 'P2', 'P3'].map((locationId) => stockItemStreamId({ locationId, sku: 'CR' }));
    for (const streamId of streams) await recordReceipts(streamId, 40, 1000);

    const crashing = new TotalsProjection();
    const first = new CheckpointedProcessor(crashing, db.transactions, store, { batchSize: 25, idleDelayMs: 5 });
    await first.processNextBatch(); // 25 events applied and checkpointed
    crashing.crashAfterWrites = 7;
    await expect(first.processNextBatch()).rejects.toThrow(/simulated crash/); // 7 written, then rolled back

    const [partial] = await db.reads.query<{ events: number }>('SELECT coalesce(sum(events), 0)::int AS events FROM projected_totals');
    expect(partial!.events).toBe(25);

    // A new process picks up from the stored checkpoint.
    const restarted = new CheckpointedProcessor(new TotalsProjection(), db.transactions, store, { batchSize: 25, idleDelayMs: 5 });
    await restarted.catchUp();
    expect(await db.transactions.inTransaction((sql) => projectionBacklog(sql, 'totals'))).toBe(0);

    const totals = await db.reads.query<{ stream_id: string; on_hand: number; events: number }>('SELECT * FROM projected_totals');
    const folded = await db.reads.query<{ stream_id: string; on_hand: number; events: number }>(
      `SELECT stream_id, sum((data->>'onHandChange')::int)::int AS on_hand, count(*)::int AS events FROM events GROUP BY stream_id`,
    );
    expect(new Map(totals.map((t) => [t.stream_id, [t.on_hand, t.events]]))).toEqual(new Map(folded.map((f) => [f.stream_id, [f.on_hand, f.events]])));
  });
});
