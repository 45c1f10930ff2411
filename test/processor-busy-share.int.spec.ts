import {
  CheckpointedProcessor,
  PostgresEventStore,
  StreamUnitOfWork,
  upcasterChain,
  type Projection,
  type ProjectedEvent,
  type SqlClient,
} from '@app/event-store';
import { stockItemDecider, type StockItemEvent } from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/test-kafka';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/*
 * busyShareMax on real PostgreSQL: a processor that keeps up waits after each batch so that its
 * batches take at most that share of the time; a poke still ends the wait; a full batch (a backlog)
 * is followed at once.
 */
let db: TestDatabase;
const store = new PostgresEventStore();
let run = 0;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const BATCH_MS = 200;

/** A projection whose every batch takes BATCH_MS; it notes when each batch started and how many events it had. */
class SlowProjection implements Projection {
  readonly batches: Array<{ startedAt: number; events: number }> = [];
  constructor(readonly name: string) {}

  async apply(_sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    this.batches.push({ startedAt: Date.now(), events: events.length });
    await new Promise((resolve) => setTimeout(resolve, BATCH_MS));
  }
}

async function appendReceipts(count: number): Promise<void> {
  await db.transactions.inTransaction(async (sql) => {
    const items = StreamUnitOfWork.of(sql, store, {
      decider: stockItemDecider,
      snapshots: { everyEvents: 100, stateVersion: 1 },
      upcast: upcasterChain<StockItemEvent>({}),
    });
    const ids = Array.from({ length: count }, () => `stock-item|B|${(run += 1)}`);
    await items.load(ids);
    for (const streamId of ids)
      items.execute(
        streamId,
        { type: 'RecordReceipt', quantity: 1, occurredAt: new Date().toISOString(), sourceEventId: `r-${streamId}` },
        { eventIdFor: () => `${streamId}#1` },
      );
    await items.commit();
  });
}

describe('CheckpointedProcessor busyShareMax', () => {
  it('waits d × (1 − share) / share after a batch that kept up, unless poked; follows a full batch at once', async () => {
    const projection = new SlowProjection('busy-probe');
    const processor = new CheckpointedProcessor(projection, db.transactions, store, {
      batchSize: 3,
      idleDelayMs: 10,
      busyShareMax: 0.25, // a wait of about 3 × 200 ms after a batch
    });
    processor.start();
    try {
      await appendReceipts(1);
      await eventually(async () => expect(projection.batches).toHaveLength(1), { timeoutMs: 10_000, intervalMs: 10 });
      await appendReceipts(7); // three batches: two full ones, then one of 1; no poke
      await eventually(async () => expect(projection.batches.map((b) => b.events)).toEqual([1, 3, 3, 1]), {
        timeoutMs: 10_000,
        intervalMs: 10,
      });
      const [first, full, second, last] = projection.batches.map((b) => b.startedAt) as [number, number, number, number];
      expect(full - first).toBeGreaterThanOrEqual(BATCH_MS * 4 - 20); // the batch, then a wait three times as long (not 10 ms)
      expect(second - full).toBeLessThan(BATCH_MS * 2); // after a full batch: at once
      expect(last - second).toBeLessThan(BATCH_MS * 2);

      // After the last batch (not full) a wait of ~600 ms began; a poke ends it.
      await new Promise((resolve) => setTimeout(resolve, BATCH_MS + 20));
      await appendReceipts(1);
      const pokedAt = Date.now();
      processor.poke();
      await eventually(async () => expect(projection.batches).toHaveLength(5), { timeoutMs: 10_000, intervalMs: 10 });
      expect(projection.batches[4]!.startedAt - pokedAt).toBeLessThan(BATCH_MS * 2); // the wait would have lasted ~550 ms more
    } finally {
      await processor.stop();
    }
  }, 30_000);
});
