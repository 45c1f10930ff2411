import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArchiveRefusedError,
  ArchivedEventsNeededError,
  PostgresEventStore,
  RebuildNeedsArchivedEventsError,
  StreamUnitOfWork,
  StreamVersionConflictError,
  archiveEventsBefore,
  ensureEventPartitions,
  listEventPartitions,
  readArchiveFile,
  readManifest,
  rebuildReadModel,
  type AnyStreamKind,
} from '@app/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockLevelsReadModel } from '../apps/inventory-service/src/stock-views';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The log partitioned every 20 transactions, filled over several partitions, archived before a
 * moment between two fills: the service still loads every stream (from the snapshots the archiver
 * made) and appends to them, the files hold exactly the rows that left, a rebuild refuses naming
 * the range, and the guards that unique indexes gave before partitioning still refuse.
 */
type CounterEvent = { type: 'Added'; data: { n: number } };
const counterKind: AnyStreamKind = {
  name: 'counter',
  decider: {
    initialState: () => ({ total: 0, events: 0 }),
    decide: (n: number) => [{ type: 'Added', data: { n } }],
    evolve: (state: { total: number; events: number }, event: CounterEvent) => ({
      total: state.total + event.data.n,
      events: state.events + 1,
    }),
  },
  upcast: (stored) => stored as CounterEvent,
  snapshots: { everyEvents: 1000, stateVersion: 1 }, // never due here: the archiver must take them
  streamId: (key: string) => `counter|${key}`,
  keyOf: (id: string) => id.split('|')[1] ?? null,
};
const STREAMS = Array.from({ length: 12 }, (_, i) => `counter|s${i}`);
const PARTITION_XIDS = 20;

let db: TestDatabase;
let directory: string;
const store = new PostgresEventStore();
const expected = new Map<string, number>(STREAMS.map((id) => [id, 0]));
let cut: Date;
let before: Array<{ event_id: string; global_position: string }>;

/** One transaction adding `n` to each of a few streams (and, every few, the partitions kept ahead as the service does). */
async function addTo(streamIds: string[], n: number, tag: string): Promise<void> {
  await db.transactions.inTransaction(async (sql) => {
    const unit = StreamUnitOfWork.of(sql, store, counterKind);
    await unit.load(streamIds);
    for (const id of streamIds) unit.execute(id, n, { eventIdFor: () => `${tag}:${id}` });
    await unit.commit();
  });
  for (const id of streamIds) expected.set(id, expected.get(id)! + n);
}

async function fill(transactions: number, tag: string): Promise<void> {
  for (let t = 0; t < transactions; t += 1) {
    await addTo([STREAMS[t % STREAMS.length]!, STREAMS[(t * 5 + 1) % STREAMS.length]!], t + 1, `${tag}-${t}`);
    if (t % 5 === 0) await db.transactions.inTransaction((sql) => ensureEventPartitions(sql, PARTITION_XIDS));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  directory = await mkdtemp(join(tmpdir(), 'event-archive-'));
  await db.transactions.inTransaction(async (sql) => {
    // The migration made partitions of the default width ahead; this log is cut every 20 transactions.
    for (const p of await listEventPartitions(sql)) if (p.lower !== null && p.lower > 0n) await sql.query(`DROP TABLE ${p.name}`);
    await ensureEventPartitions(sql, PARTITION_XIDS);
  });
  await fill(100, 'a');
  await new Promise((resolve) => setTimeout(resolve, 50));
  cut = new Date();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await fill(30, 'b');
  before = await db.reads.query(`SELECT event_id, global_position FROM events ORDER BY global_position`);
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('archiving the partitions of the log before a date', () => {
  it('spreads the log over several partitions, none of its events in the default one', async () => {
    const counts = await db.reads.query<{ partition: string; n: number }>(
      `SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM events GROUP BY 1 ORDER BY 1`,
    );
    expect(counts.length).toBeGreaterThan(4);
    expect(counts.map((c) => c.partition)).not.toContain('events_default');
  });

  it('refuses while a projection is still before the events it would remove, changing nothing', async () => {
    await db.reads.query(`INSERT INTO checkpoints (processor_id, transaction_id, global_position) VALUES ('behind', '1'::xid8, 1)`);
    await expect(archiveEventsBefore(db.transactions, store, { before: cut, directory, kinds: [counterKind] })).rejects.toThrow(
      ArchiveRefusedError,
    );
    await expect(archiveEventsBefore(db.transactions, store, { before: cut, directory, kinds: [counterKind] })).rejects.toThrow(
      /projection behind/,
    );
    const [{ n }] = (await db.reads.query<{ n: number }>(`SELECT count(*)::int AS n FROM events`)) as [{ n: number }];
    expect(n).toBe(before.length);
    await db.reads.query(
      `UPDATE checkpoints SET (transaction_id, global_position) = (SELECT transaction_id, global_position FROM events ORDER BY 1 DESC, 2 DESC LIMIT 1)`,
    );
  });

  it('archives the partitions wholly before the date: the files hold exactly the rows that left the log', async () => {
    const lines: string[] = [];
    const archived = await archiveEventsBefore(db.transactions, store, {
      before: cut,
      directory,
      kinds: [counterKind],
      onProgress: (line) => lines.push(line),
    });
    expect(archived.length).toBeGreaterThan(1);
    expect(lines.some((line) => line.startsWith('snapshotted 12 streams'))).toBe(true);
    const after = await db.reads.query<{ event_id: string }>(`SELECT event_id FROM events`);
    const kept = new Set(after.map((row) => row.event_id));
    const removed = before.filter((row) => !kept.has(row.event_id));
    expect(removed.length).toBeGreaterThan(0);
    const inFiles: Array<{ event_id: string; global_position: number; recorded_at: string }> = [];
    const manifest = await readManifest(directory);
    expect(manifest.map((entry) => entry.partition)).toEqual(archived.map((range) => range.partition));
    for (const entry of manifest) {
      const read = await readArchiveFile(entry.file, (line) => inFiles.push(JSON.parse(line)));
      expect(read).toEqual({ rows: entry.events, sha256: entry.sha256 });
    }
    expect(inFiles.map((row) => row.event_id).sort()).toEqual(removed.map((row) => row.event_id).sort());
    expect(inFiles.every((row) => new Date(row.recorded_at) < cut)).toBe(true);
    expect(after.length).toBeGreaterThan(0); // the partition across the date, and those after it, stay
  });

  it('still loads every stream to its full state, from the snapshots, and appends to it', async () => {
    await db.transactions.inTransaction(async (sql) => {
      const unit = StreamUnitOfWork.of(sql, store, counterKind);
      await unit.load(STREAMS);
      for (const id of STREAMS) expect(unit.stateOf(id).total).toBe(expected.get(id));
    });
    await addTo(STREAMS, 1000, 'c');
    await db.transactions.inTransaction(async (sql) => {
      const unit = StreamUnitOfWork.of(sql, store, counterKind);
      await unit.load(STREAMS);
      for (const id of STREAMS) expect(unit.stateOf(id).total).toBe(expected.get(id));
    });
  });

  it('still refuses a stale stream version and skips a repeated event id, archived or not', async () => {
    const streamId = STREAMS[0]!;
    await expect(
      db.transactions.inTransaction((sql) =>
        store.appendToStreams(sql, [{ streamId, expectedVersion: 1, events: [{ eventId: 'stale', type: 'Added', data: { n: 1 } }] }]),
      ),
    ).rejects.toThrow(StreamVersionConflictError);
    const [archivedId] = await readArchivedIds();
    const version = (await db.transactions.inTransaction((sql) => store.streamVersions(sql, [streamId]))).get(streamId)!;
    const outcome = await db.transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [
        { streamId, expectedVersion: version, events: [{ eventId: archivedId!, type: 'Added', data: { n: 1 } }] },
      ]),
    );
    expect(outcome.duplicateEventIds).toEqual([archivedId]);
    expect(outcome.appended).toEqual([]);
  });

  it('refuses the same event id appended concurrently to two streams: only event_ids can tell', async () => {
    const append = (streamId: string, holdMs: number) =>
      db.transactions.inTransaction(async (sql) => {
        await store.appendToStreams(sql, [{ streamId, expectedVersion: 0, events: [{ eventId: 'twice', type: 'Added', data: { n: 1 } }] }]);
        await new Promise((resolve) => setTimeout(resolve, holdMs));
      });
    const first = append('counter|x1', 300);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(append('counter|x2', 0)).rejects.toThrow(StreamVersionConflictError);
    await first;
    const rows = await db.reads.query(`SELECT stream_id FROM events WHERE event_id = 'twice'`);
    expect(rows).toEqual([{ stream_id: 'counter|x1' }]);
  });

  it('refuses to load a stream whose archived events no snapshot covers, rather than fold a wrong state', async () => {
    await db.reads.query(`DELETE FROM snapshots WHERE stream_id = $1`, [STREAMS[1]]);
    await expect(
      db.transactions.inTransaction(async (sql) => StreamUnitOfWork.of(sql, store, counterKind).load([STREAMS[1]!])),
    ).rejects.toThrow(ArchivedEventsNeededError);
  });

  it('refuses a rebuild, naming the archived range it would need', async () => {
    const [range] = await db.reads.query<{ from_transaction_id: string; to_transaction_id: string }>(
      `SELECT from_transaction_id::text, to_transaction_id::text FROM archived_event_ranges ORDER BY from_transaction_id LIMIT 1`,
    );
    const rebuild = rebuildReadModel(stockLevelsReadModel, db.transactions, store, { batchSize: 100 });
    await expect(rebuild).rejects.toThrow(RebuildNeedsArchivedEventsError);
    await expect(rebuildReadModel(stockLevelsReadModel, db.transactions, store, { batchSize: 100 })).rejects.toThrow(
      `[${range!.from_transaction_id}, ${range!.to_transaction_id})`,
    );
  });
});

async function readArchivedIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const entry of await readManifest(directory)) await readArchiveFile(entry.file, (line) => ids.push(JSON.parse(line).event_id));
  return ids;
}
