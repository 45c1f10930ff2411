import {
  CheckpointedProcessor,
  PostgresEventStore,
  StreamStateCache,
  StreamUnitOfWork,
  projectionBacklog,
  upcasterChain,
  type FollowingProjection,
  type Projection,
  type ProjectedEvent,
  type StreamChange,
  type SqlClient,
  type SqlReader,
  type TransactionRunner,
} from '@app/event-store';
import {
  foldStockItem,
  stockItemDecider,
  stockItemStreamId,
  type StockItemCommand,
  type StockItemEvent,
  type StockItemState,
} from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PENDING_FOR_PROCESSOR, TRY_LOCK_PROCESSOR } from '../libs/event-store/src/event-store.sql';
import { stockItemStateBytes } from '../apps/inventory-service/src/stock/stock-item-persistence';
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

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
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
      const items = StreamUnitOfWork.of(sql, store, {
        decider: stockItemDecider,
        snapshots: { everyEvents: snapshotEvery, stateVersion: 1 },
        upcast,
      });
      await items.load([streamId]);
      items.execute(streamId, receipt(1 + ((i + offset) % 3), i + offset), { eventIdFor: () => `${streamId}#${i + offset}` });
      await items.commit();
    });
  }
}

/**
 * Wait until every stored event is below the oldest transaction still running in the database:
 * global-order readers see nothing above it, and test files running beside this one (other schemas,
 * same database) may hold it back for a moment.
 */
async function allEventsReadable(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await db.reads.query<{ unreadable: number }>(
      'SELECT count(*)::int AS unreadable FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())',
    );
    if (row!.unreadable === 0) return;
    if (Date.now() > deadline) throw new Error(`${row!.unreadable} events still above the oldest running transaction after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function loadState(streamId: string, stateVersion: number) {
  return db.transactions.inTransaction(async (sql) => {
    const items = StreamUnitOfWork.of(sql, store, {
      decider: stockItemDecider,
      snapshots: { everyEvents: 5, stateVersion },
      upcast,
    });
    await items.load([streamId]);
    return { state: items.stateOf(streamId), version: items.versionOf(streamId) };
  });
}

describe('snapshots', () => {
  it('are taken every N events, used on load, and never needed for correctness', async () => {
    const streamId = stockItemStreamId({ locationId: 'SNAP', sku: 'A' });
    await recordReceipts(streamId, 23, 5);
    const [snapshot] = await db.reads.query<{ stream_version: number }>('SELECT stream_version FROM snapshots WHERE stream_id = $1', [
      streamId,
    ]);
    expect(snapshot?.stream_version).toBe(20);

    const fromSnapshot = await loadState(streamId, 1);
    const fromEvents = await loadState(streamId, 999); // no snapshot of that shape: a full replay
    expect(fromSnapshot).toEqual(fromEvents);
    expect(fromSnapshot.version).toBe(23);

    await db.reads.query('DELETE FROM snapshots WHERE stream_id = $1', [streamId]);
    expect(await loadState(streamId, 1)).toEqual(fromEvents);
  });
});

describe('a stream state cache', () => {
  /** The statements a unit of work ran, by their first words. */
  function counting(sql: SqlClient, statements: string[]): SqlClient {
    return { query: (text, params) => (statements.push(text.trim().split(/\s+/).slice(0, 3).join(' ')), sql.query(text, params)) };
  }

  async function receiveThroughCache(cache: StreamStateCache<StockItemState>, streamId: string, i: number, statements: string[] = []) {
    return db.transactions.inTransaction(async (sql) => {
      const items = StreamUnitOfWork.of(
        counting(sql, statements),
        store,
        { decider: stockItemDecider, snapshots: { everyEvents: 1000, stateVersion: 1 }, upcast },
        cache,
      );
      await items.load([streamId]);
      items.execute(streamId, receipt(1, 500 + i), { eventIdFor: () => `${streamId}#cached-${i}` });
      await items.commit();
      return items;
    });
  }

  it('skips reading a stream still at its cached version, re-reads one written elsewhere, and keeps nothing of a rolled-back transaction', async () => {
    const streamId = stockItemStreamId({ locationId: 'CACHE', sku: 'A' });
    await recordReceipts(streamId, 4, 1000);
    const cache = new StreamStateCache<StockItemState>(1024 * 1024, stockItemStateBytes);

    (await receiveThroughCache(cache, streamId, 0)).rememberCommitted(); // read from PostgreSQL, then cached at version 5
    expect(cache.get(streamId)?.version).toBe(5);

    const statements: string[] = [];
    (await receiveThroughCache(cache, streamId, 1, statements)).rememberCommitted();
    expect(statements).toContain('SELECT stream_id, version'); // the version check
    expect(statements.filter((s) => s.startsWith('SELECT stream_id, stream_version') || s.startsWith('SELECT global_position'))).toEqual(
      [],
    ); // no snapshot, no events read
    expect(cache.get(streamId)?.version).toBe(6);

    await recordReceipts(streamId, 2, 1000, 100); // written by another writer: versions 7 and 8
    const reread: string[] = [];
    (await receiveThroughCache(cache, streamId, 2, reread)).rememberCommitted();
    expect(reread.some((s) => s.startsWith('SELECT stream_id, stream_version'))).toBe(true); // the snapshot query: read again
    const stored = await db.transactions.inTransaction((sql) => store.readStream(sql, streamId));
    expect(cache.get(streamId)).toEqual({ version: 9, state: foldStockItem(stored.map((e) => upcast(e))) });

    // A transaction that rolls back after its commit() leaves the cache at the last committed state.
    await expect(
      db.transactions.inTransaction(async (sql) => {
        const items = StreamUnitOfWork.of(
          sql,
          store,
          { decider: stockItemDecider, snapshots: { everyEvents: 1000, stateVersion: 1 }, upcast },
          cache,
        );
        await items.load([streamId]);
        items.execute(streamId, receipt(3, 900), { eventIdFor: () => `${streamId}#rolled-back` });
        await items.commit();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(cache.get(streamId)?.version).toBe(9);
    (await receiveThroughCache(cache, streamId, 3)).rememberCommitted();
    expect(cache.get(streamId)?.version).toBe(10);
    expect(cache.get(streamId)?.state.onHand).toBe(
      foldStockItem((await db.transactions.inTransaction((sql) => store.readStream(sql, streamId))).map((e) => upcast(e))).onHand,
    );
  });
});

describe('asynchronous projections', () => {
  it('resume after a crash in the middle of a batch, applying every event exactly once', async () => {
    const streams = ['P1', 'P2', 'P3'].map((locationId) => stockItemStreamId({ locationId, sku: 'CR' }));
    for (const streamId of streams) await recordReceipts(streamId, 40, 1000);
    await allEventsReadable();

    const crashing = new TotalsProjection();
    const first = new CheckpointedProcessor(crashing, db.transactions, store, { batchSize: 25, idleDelayMs: 5 });
    await first.processNextBatch(); // 25 events applied and checkpointed
    crashing.crashAfterWrites = 7;
    await expect(first.processNextBatch()).rejects.toThrow(/simulated crash/); // 7 written, then rolled back

    const [partial] = await db.reads.query<{ events: number }>('SELECT coalesce(sum(events), 0)::int AS events FROM projected_totals');
    expect(partial!.events).toBe(25);

    // A new process picks up from the stored checkpoint, and tells of each batch once it is committed.
    const toldOf: Array<{ told: number; storedElsewhere: number }> = [];
    const storedCheckpoints: Array<Promise<void>> = [];
    const restarted = new CheckpointedProcessor(new TotalsProjection(), db.transactions, store, {
      batchSize: 25,
      idleDelayMs: 5,
      onBatch: ({ checkpoint }) =>
        void storedCheckpoints.push(
          db.reads
            .query<{ global_position: string }>(`SELECT global_position FROM checkpoints WHERE processor_id = 'totals'`)
            .then(([row]) => void toldOf.push({ told: checkpoint.globalPosition, storedElsewhere: Number(row!.global_position) })),
        ),
    });
    await restarted.catchUp();
    await Promise.all(storedCheckpoints);
    expect(toldOf.length).toBeGreaterThan(0);
    for (const { told, storedElsewhere } of toldOf) expect(storedElsewhere).toBeGreaterThanOrEqual(told);
    expect(await db.transactions.inTransaction((sql) => projectionBacklog(sql, 'totals'))).toBe(0);

    const totals = await db.reads.query<{ stream_id: string; on_hand: number; events: number }>('SELECT * FROM projected_totals');
    const folded = await db.reads.query<{ stream_id: string; on_hand: number; events: number }>(
      `SELECT stream_id, sum((data->>'onHandChange')::int)::int AS on_hand, count(*)::int AS events FROM events GROUP BY stream_id`,
    );
    expect(new Map(totals.map((t) => [t.stream_id, [t.on_hand, t.events]]))).toEqual(
      new Map(folded.map((f) => [f.stream_id, [f.on_hand, f.events]])),
    );
  });

  it('poll an idle log with one statement and no transaction, and still pick up events appended elsewhere', async () => {
    const seen: string[] = [];
    const recorder: Projection = {
      name: 'idle-recorder',
      apply: async (_sql, events) => void seen.push(...events.map((event) => event.eventId)),
    };
    let transactionsOpened = 0;
    const counted: TransactionRunner = { inTransaction: (work) => ((transactionsOpened += 1), db.transactions.inTransaction(work)) };
    const processor = new CheckpointedProcessor(recorder, counted, store, { batchSize: 1000, idleDelayMs: 5, idleCheck: db.reads });
    await allEventsReadable();
    await processor.catchUp();
    const caughtUpAt = seen.length;

    transactionsOpened = 0;
    processor.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // about 60 idle polls
    expect(transactionsOpened).toBeLessThanOrEqual(2); // the first look on start; the rest asked without one (without the check: about 40)

    const streamId = stockItemStreamId({ locationId: 'IDLE', sku: 'A' });
    await recordReceipts(streamId, 3, 1000); // another writer appends
    const deadline = Date.now() + 5000;
    while (seen.length < caughtUpAt + 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await processor.stop();
    expect(seen.slice(caughtUpAt)).toEqual([0, 1, 2].map((i) => `${streamId}#${i}`));
  });

  it('look less and less often while idle, at once when poked, and soon again while an older transaction holds new events back', async () => {
    const seen: string[] = [];
    const recorder: Projection = {
      name: 'backoff-recorder',
      apply: async (_sql, events) => void seen.push(...events.map((event) => event.eventId)),
    };
    let looks = 0;
    const reads = {
      query: (text: string, params?: readonly unknown[]) => {
        if (text === EVENTS_PENDING_FOR_PROCESSOR) looks += 1;
        return db.reads.query(text, params);
      },
    } as SqlReader;
    const options = { batchSize: 1000, idleDelayMs: 5, idleMaxDelayMs: 5000, idleCheck: reads };
    const processor = new CheckpointedProcessor(recorder, db.transactions, store, options);
    await allEventsReadable();
    await processor.catchUp();
    processor.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(looks).toBeLessThanOrEqual(12); // 10, 20, 40, … 1280 ms: about 8 looks (a fixed 5 ms poll: about 300)

    // Appended by another process (nobody pokes): found by the next look, at most the grown wait later.
    const poked = stockItemStreamId({ locationId: 'BACKOFF', sku: 'POKED' });
    await recordReceipts(poked, 1, 1000);
    processor.poke(); // as this process's CommitSignals would after its own commit
    const pokedAt = Date.now();
    while (!seen.includes(`${poked}#0`) && Date.now() - pokedAt < 5000) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(Date.now() - pokedAt).toBeLessThan(1000);

    // An older transaction with an id holds the next append back, and its commit tells nobody.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const holds = new Promise<void>((resolve) => (holding = resolve));
    const holder = db.transactions.inTransaction(async (sql) => {
      await sql.query('SELECT pg_current_xact_id()');
      holding();
      await released;
    });
    await holds;
    const heldBack = stockItemStreamId({ locationId: 'BACKOFF', sku: 'HELD' });
    await recordReceipts(heldBack, 1, 1000);
    processor.poke(); // reads nothing yet: the event is above the holder's transaction
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a held-back look keeps the wait short, the holder runs on
    release();
    await holder;
    const releasedAt = Date.now();
    while (!seen.includes(`${heldBack}#0`) && Date.now() - releasedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 2));
    await processor.stop();
    expect(seen).toContain(`${heldBack}#0`);
    expect(Date.now() - releasedAt).toBeLessThan(1000); // not the grown idle wait (up to 5 s)
  });

  it('never apply a batch twice, even when two processors of one projection run at once', async () => {
    await db.reads.query('CREATE TABLE applied_log (event_id text NOT NULL)');
    await recordReceipts(stockItemStreamId({ locationId: 'TWICE', sku: 'A' }), 5, 1000);
    await allEventsReadable();
    let releaseSlow!: () => void;
    const slowMayFinish = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowStarted!: () => void;
    const slowHasApplied = new Promise<void>((resolve) => (slowStarted = resolve));
    const logging = (pause: boolean): Projection => ({
      name: 'twice',
      apply: async (sql, events) => {
        for (const event of events) await sql.query('INSERT INTO applied_log VALUES ($1)', [event.eventId]);
        if (pause) {
          slowStarted();
          await slowMayFinish;
        }
      },
    });
    // The slow one applies without the lock (as if it held another key), and waits before moving the checkpoint.
    const slow = new CheckpointedProcessor(logging(true), db.transactions, store, { batchSize: 10_000, idleDelayMs: 5 });
    const slowBatch = db.transactions.inTransaction((sql) => slow.applyNextBatch(sql));
    await slowHasApplied;
    const fast = new CheckpointedProcessor(logging(false), db.transactions, store, { batchSize: 10_000, idleDelayMs: 5 });
    expect(await fast.catchUp()).toBeGreaterThan(0);
    releaseSlow();
    await expect(slowBatch).rejects.toThrow(/checkpoint moved while this batch was applied/);

    const [twice] = await db.reads.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT event_id FROM applied_log GROUP BY event_id HAVING count(*) > 1) d',
    );
    const [applied] = await db.reads.query<{ n: number }>('SELECT count(DISTINCT event_id)::int AS n FROM applied_log');
    const [stored] = await db.reads.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(twice!.n).toBe(0);
    expect(applied!.n).toBe(stored!.n);
  });

  it('run beside a processor of the same name in another schema of the database, not in turns with it', async () => {
    const other = await createTestDatabase();
    try {
      await recordReceipts(stockItemStreamId({ locationId: 'BESIDE', sku: 'A' }), 2, 1000);
      await allEventsReadable();
      let otherHolds!: () => void;
      const held = new Promise<void>((resolve) => (otherHolds = resolve));
      let releaseOther!: () => void;
      const otherMayFinish = new Promise<void>((resolve) => (releaseOther = resolve));
      const otherBatch = other.transactions.inTransaction(async (sql) => {
        const [lock] = await sql.query<{ locked: boolean }>(TRY_LOCK_PROCESSOR, ['beside']);
        expect(lock!.locked).toBe(true);
        otherHolds();
        await otherMayFinish;
      });
      await held;
      const recorder: Projection = { name: 'beside', apply: async () => undefined };
      const here = new CheckpointedProcessor(recorder, db.transactions, store, { batchSize: 10_000, idleDelayMs: 5 });
      expect(await here.processNextBatch()).toBeGreaterThan(0); // not locked out by the other schema's processor
      releaseOther();
      await otherBatch;
    } finally {
      await other.drop();
    }
  });
  it('feed a following projection only which streams changed, never past the checkpoint of the projection it follows', async () => {
    for (const streamId of ['F1', 'F2'].map((locationId) => stockItemStreamId({ locationId, sku: 'FOL' })))
      await recordReceipts(streamId, 10, 1000);
    await allEventsReadable();
    const lead = new CheckpointedProcessor({ name: 'lead', apply: async () => undefined }, db.transactions, store, {
      batchSize: 7,
      idleDelayMs: 5,
    });
    const seen: StreamChange[] = [];
    const follower: FollowingProjection = {
      name: 'follower',
      follows: 'lead',
      apply: async (_sql, changes) => void seen.push(...changes),
    };
    const following = new CheckpointedProcessor(follower, db.transactions, store, { batchSize: 1000, idleDelayMs: 5 });
    expect(await following.catchUp()).toBe(0); // the lead has not started: nothing to follow
    await lead.processNextBatch();
    expect(await following.catchUp()).toBe(7);
    expect(seen.at(-1)).toMatchObject(lead.checkpoint);
    await lead.catchUp();
    await following.catchUp();
    expect(following.checkpoint).toEqual(lead.checkpoint);
    const log = await db.reads.query<{ stream_id: string; global_position: string }>(
      'SELECT stream_id, global_position FROM events ORDER BY transaction_id, global_position',
    );
    expect(seen.map(({ streamId, globalPosition }) => [streamId, globalPosition])).toEqual(
      log.map((row) => [row.stream_id, Number(row.global_position)]),
    );
  });
});
