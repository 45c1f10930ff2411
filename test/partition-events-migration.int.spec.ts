import {
  PartitionEventsByTransaction1763800020000,
  PostgresEventStore,
  StreamVersionConflictError,
  TypeOrmTransactionRunner,
  listEventPartitions,
} from '@app/event-store';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../apps/inventory-service/src/platform/database/data-source';
import { ensureDatabaseAndSchema } from '../apps/inventory-service/src/platform/database/ensure-database';
import { TEST_DATABASE_URL, dataSourceWithMigrations, dropSchema, uniqueSchemaName } from './support/test-database';

/**
 * The migration that partitions the log, on a database that already has events (as the demo's and
 * every long-lived one has): nothing lost, the old table attached as the first partition, the old
 * ids still refused, appends going on into the new partitions.
 */
const schema = uniqueSchemaName('mig');
const EVENTS = 5000;
const PARTITIONING = MIGRATIONS.indexOf(PartitionEventsByTransaction1763800020000);

const dataSource = (migrations: typeof MIGRATIONS) => dataSourceWithMigrations(schema, migrations);

let before: DataSource;
let after: DataSource;
let rowsBefore: unknown[];

beforeAll(async () => {
  await ensureDatabaseAndSchema(TEST_DATABASE_URL, schema);
  before = dataSource(MIGRATIONS.slice(0, PARTITIONING));
  await before.initialize();
  await before.runMigrations({ transaction: 'each' });
  await before.query(
    `INSERT INTO events (stream_id, stream_version, event_id, event_type, data)
     SELECT 'stock-item|L' || (g % 5) || '|SKU-' || (g % 100), g / 100 + 1, 'old-' || g, 'StockReceived',
            jsonb_build_object('quantity', 1, 'occurredAt', '2026-11-11T00:00:00Z')
     FROM generate_series(0, ${EVENTS - 1}) AS g`,
  );
  await before.query(
    `INSERT INTO streams (stream_id, version) SELECT DISTINCT stream_id, max(stream_version) OVER (PARTITION BY stream_id) FROM events`,
  );
  rowsBefore = await before.query(`SELECT * FROM events ORDER BY global_position`);
  await before.destroy();
  after = dataSource(MIGRATIONS.slice(0, PARTITIONING + 1)); // the migration under test last: undone by undoLastMigration
  await after.initialize();
  await after.runMigrations({ transaction: 'each' });
}, 120_000);

afterAll(async () => {
  if (after?.isInitialized) await after.destroy();
  await dropSchema(schema);
});

describe('partitioning an event log that has events', () => {
  it('keeps every row as it was, in the first partition, with every id in event_ids', async () => {
    expect(await after.query(`SELECT * FROM events ORDER BY global_position`)).toEqual(rowsBefore);
    const [where] = await after.query(`SELECT array_agg(DISTINCT tableoid::regclass::text) AS partitions FROM events`);
    expect(where.partitions).toEqual(['events_x0']);
    const [ids] = await after.query(`SELECT count(*)::int AS n FROM event_ids WHERE event_id LIKE 'old-%'`);
    expect(ids.n).toBe(EVENTS);
    const partitions = await listEventPartitions({ query: (text, params) => after.query(text, params as unknown[]) });
    expect(partitions.map((p) => p.name)).toContain('events_default');
    expect(partitions.filter((p) => p.lower !== null && p.lower > 0n).length).toBeGreaterThanOrEqual(2);
    const [indexes] = await after.query(
      `SELECT array_agg(indexrelid::regclass::text ORDER BY 1) AS names FROM pg_index WHERE indrelid = 'events'::regclass`,
    );
    expect(indexes.names).toEqual(
      expect.arrayContaining(['events_pkey', 'events_stream_version_idx', 'events_stock_item_occurred_at_idx']),
    );
  });

  it('refuses an old id again and a stale version, and appends after the old events', async () => {
    const store = new PostgresEventStore();
    const transactions = new TypeOrmTransactionRunner(after);
    const streamId = 'stock-item|L0|SKU-0';
    const again = await transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [{ streamId, expectedVersion: 50, events: [{ eventId: 'old-0', type: 'StockReceived', data: {} }] }]),
    );
    expect(again.duplicateEventIds).toEqual(['old-0']);
    await expect(
      transactions.inTransaction((sql) =>
        store.appendToStreams(sql, [{ streamId, expectedVersion: 49, events: [{ eventId: 'new-1', type: 'StockReceived', data: {} }] }]),
      ),
    ).rejects.toThrow(StreamVersionConflictError);
    const appended = await transactions.inTransaction((sql) =>
      store.appendToStreams(sql, [{ streamId, expectedVersion: 50, events: [{ eventId: 'new-1', type: 'StockReceived', data: {} }] }]),
    );
    expect(appended.appended[0]!.globalPosition).toBe(EVENTS + 1);
    const [row] = await after.query(`SELECT tableoid::regclass::text AS partition FROM events WHERE event_id = 'new-1'`);
    expect(row.partition).toMatch(/^events_x[1-9]\d*$/);
  });

  it('undoes itself into one table with every row, the unique constraints and the indexes back', async () => {
    const rows = await after.query(`SELECT * FROM events ORDER BY global_position`);
    await after.undoLastMigration({ transaction: 'each' });
    expect(await after.query(`SELECT * FROM events ORDER BY global_position`)).toEqual(rows);
    const [table] = await after.query(`SELECT relkind::text AS kind FROM pg_class WHERE oid = 'events'::regclass`);
    expect(table.kind).toBe('r');
    const [indexes] = await after.query(
      `SELECT array_agg(indexrelid::regclass::text ORDER BY 1) AS names FROM pg_index WHERE indrelid = 'events'::regclass`,
    );
    expect([...indexes.names].sort()).toEqual([
      'events_event_id_key',
      'events_global_order_idx',
      'events_pkey',
      'events_stock_item_occurred_at_idx',
      'events_stream_version_key',
    ]);
    await after.runMigrations({ transaction: 'each' }); // and again forward
    expect(await after.query(`SELECT count(*)::int AS n FROM events`)).toEqual([{ n: rows.length }]);
  });
});
