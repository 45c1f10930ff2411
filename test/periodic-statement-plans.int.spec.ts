import {
  BUMP_STREAM_VERSIONS,
  COUNT_EVENTS_AFTER_CHECKPOINT,
  EVENTS_PENDING_FOR_PROCESSOR,
  SELECT_CHECKPOINT,
  SELECT_EXISTING_EVENT_IDS,
  SELECT_HEAD_CHECKPOINT,
  SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT,
  SELECT_SNAPSHOTS,
  SELECT_STREAM_IDS_AFTER_CHECKPOINT,
  SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS,
  SELECT_STREAM_VERSIONS,
  SELECT_STREAMS_AFTER_VERSIONS,
} from '../libs/event-store/src/event-store.sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SELECT_RECENT_OUTBOX_MESSAGES } from '../apps/inventory-service/src/operations/dashboard/dashboard.sql';
import {
  COUNT_UNPUBLISHED,
  MARK_PUBLISHED,
  SELECT_UNPUBLISHED,
  SELECT_UNPUBLISHED_TOPICS,
  UNPUBLISHED_OF_TOPIC_WAITING,
  UNPUBLISHED_WAITING,
} from '../apps/inventory-service/src/outbox/outbox.sql';
import { SELECT_EXPIRED_PICKUP_HOLDS, SELECT_TRANSFERS_PAST_SHIP_BY } from '../apps/inventory-service/src/fulfillment/fulfillment.sql';
import { CLAIM_INBOUND_EVENT_IDS, UNCLAIM_INBOUND_EVENT_IDS } from '../apps/inventory-service/src/ingestion/ingestion.sql';
import {
  DEFAULT_PARTITION_LAST,
  ensureEventPartitions,
  listEventPartitions,
  type EventPartition,
} from '../libs/event-store/src/event-log-partitions';
import { SELECT_SKUS_AT_LOCATIONS } from '../apps/inventory-service/src/stock-views/publish-stock-changes/stock-changes.sql';
import { SELECT_STOCK_OF_SKUS } from '../apps/inventory-service/src/stock-views/stock-views.sql';
import {
  SELECT_LOCATION_PROFILES_PAGE,
  SELECT_STOCK_LEVELS_OF_SKUS,
  SELECT_STOCK_LEVELS_PAGE,
} from '../apps/inventory-service/src/stock-views/stock-read-model/stock-read-model.sql';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Every statement the service runs periodically (idle polls, health, the relay) or once per batch
 * (reads after a checkpoint, loading streams, claiming ids, publishing) must be bounded by an index
 * whatever the log's size. The planner's choice depends on the table's size and statistics, so the
 * plans are taken on a log of a million events (and as many inbound ids and outbox rows), analysed
 * as autovacuum would leave them: a sequential scan of a large table fails the test.
 */
const LOG_EVENTS = 1_000_000;
const EVENTS_PER_TRANSACTION = 20_000; // 50 transactions: the log's transaction ids vary as in life
const STREAMS = 100_000; // streams the log's events fall in
const STOCK_ITEMS = 1_000_000;
/** Transactions per partition of this log: its million events fall in several (as they would over months). */
const PARTITION_XIDS = 10;
const LARGE_TABLES = [
  'events',
  'snapshots',
  'streams',
  'inbound_events',
  'outbox',
  'transfers_awaiting_shipment',
  'stock_levels',
  'sku_policies',
];

let db: TestDatabase;
let lastTransactionId = '0';
let lastPosition = 0;

let partitions: EventPartition[] = [];

/** A partition of the log counts as the log (`events`): plans name partitions, not their parent. */
const tableOf = (relation: string) => (/^events_(x\d+|default)$/.test(relation) ? 'events' : relation);

beforeAll(async () => {
  db = await createTestDatabase();
  await db.transactions.inTransaction(async (sql) => {
    for (const p of await listEventPartitions(sql)) if (p.lower !== null && p.lower > 0n) await sql.query(`DROP TABLE ${p.name}`);
  });
  for (let from = 0; from < LOG_EVENTS; from += EVENTS_PER_TRANSACTION) {
    // As the service does (every minute): partitions created ahead of the transaction ids.
    if ((from / EVENTS_PER_TRANSACTION) % 5 === 0) await db.transactions.inTransaction((sql) => ensureEventPartitions(sql, PARTITION_XIDS));
    // One statement per transaction (autocommit), so each block of the log has its own transaction id.
    await db.reads.query(
      `INSERT INTO events (stream_id, stream_version, event_id, event_type, data)
       SELECT 'stock-item|L' || (g % 50) || '|SKU-' || (g % ${STREAMS}), g / ${STREAMS} + 1, 'fill-' || g, 'StockReceived',
              jsonb_build_object('quantity', 1, 'onHandChange', 1)
       FROM generate_series($1::int, $2::int) AS g`,
      [from, from + EVENTS_PER_TRANSACTION - 1],
    );
  }
  // Every stock item of a large network has a stream (100,000 SKUs at 10 locations), most of them quiet.
  await db.reads.query(
    `INSERT INTO streams (stream_id, version) SELECT 'stock-item|L' || (g % 50) || '|SKU-' || g, CASE WHEN g < ${STREAMS} THEN ${LOG_EVENTS / STREAMS} ELSE 1 END
     FROM generate_series(0, ${STOCK_ITEMS - 1}) AS g`,
  );
  await db.reads.query(
    `INSERT INTO snapshots (stream_id, stream_version, state_version, state)
     SELECT 'stock-item|L' || (g % 50) || '|SKU-' || g, ${LOG_EVENTS / STREAMS}, 1, '{}'::jsonb FROM generate_series(0, ${STREAMS - 1}) AS g`,
  );
  await db.reads.query(
    `INSERT INTO inbound_events (sender, event_id, event_type, topic, partition, "offset")
     SELECT 'location:L' || (g % 50), 'fill-' || g, 'StockReceived', 'retail.stock.movements', g % 4, g / 4 FROM generate_series(0, ${LOG_EVENTS - 1}) AS g`,
  );
  // Published logistics commands and dead letters, and a few still waiting at the end.
  await db.reads.query(
    `INSERT INTO outbox (topic, message_key, message_value, headers, published_at)
     SELECT CASE WHEN g % 10 = 0 THEN 'retail.dlq' ELSE 'retail.logistics.commands' END, 'W01'::bytea, '{}'::bytea, '{}'::jsonb,
            CASE WHEN g < ${LOG_EVENTS - 20} THEN now() END
     FROM generate_series(0, ${LOG_EVENTS - 1}) AS g`,
  );
  await db.reads.query(
    `INSERT INTO pickup_holds (fulfillment_id, order_id, store_id, expires_at)
     SELECT 'F-' || g, 'O-' || g, 'S001', now() + (g || ' seconds')::interval FROM generate_series(0, 99999) AS g`,
  );
  await db.reads.query(
    `INSERT INTO transfers_awaiting_shipment (transfer_id, ship_by)
     SELECT 'T-' || g, now() + (g || ' seconds')::interval FROM generate_series(0, 99999) AS g`,
  );
  // The stock view of 100,000 SKUs at 10 locations, a policy for one SKU-location in ten (the feed's and the read model's reads).
  await db.reads.query(
    `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
     SELECT 'L' || (g % 10), 'SKU-' || (g / 10), g % 40, 0, 0, now(), 1 FROM generate_series(0, ${STOCK_ITEMS - 1}) AS g`,
  );
  await db.reads.query(
    `INSERT INTO sku_policies (location_id, sku, safety_stock, version, updated_at)
     SELECT 'L' || (g % 10), 'SKU-' || (g / 10), 2, 1, now() FROM generate_series(0, ${STOCK_ITEMS - 1}, 10) AS g`,
  );
  const [last] = await db.reads.query<{ transaction_id: string; global_position: string }>(
    `SELECT transaction_id::text AS transaction_id, global_position FROM events ORDER BY global_position DESC LIMIT 1`,
  );
  lastTransactionId = last!.transaction_id;
  lastPosition = Number(last!.global_position);
  // A caught-up projection, and one a little behind.
  await db.reads.query(
    `INSERT INTO checkpoints (processor_id, transaction_id, global_position) VALUES ('stock-levels', $1::xid8, $2), ('behind', $1::xid8, $3)`,
    [lastTransactionId, lastPosition, lastPosition - 1000],
  );
  await db.reads.query(`ANALYZE`);
  partitions = await db.transactions.inTransaction(listEventPartitions);
}, 600_000);

afterAll(async () => {
  await db?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** The relations a statement's plan reads, and how. */
async function planScans(sql: string, params: unknown[]): Promise<Array<{ node: string; relation: string }>> {
  const [row] = await db.reads.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const scans: Array<{ node: string; relation: string }> = [];
  const visit = (node: PlanNode) => {
    if (node['Relation Name']) scans.push({ node: node['Node Type'], relation: node['Relation Name'] });
    node.Plans?.forEach(visit);
  };
  visit(row!['QUERY PLAN'][0]!.Plan);
  return scans;
}

/**
 * The tables a statement's plan reads by sequential scan (a partition of the log as `events`). The
 * partitions created ahead, the default one, and events_x0 here are empty, and the planner reads an
 * empty table sequentially; it sizes a table by its current number of pages, so it stops once the
 * partition fills. A sequential scan of a partition that holds events fails.
 */
async function sequentiallyScanned(sql: string, params: unknown[]): Promise<string[]> {
  const scans = (await planScans(sql, params)).filter((scan) => scan.node === 'Seq Scan');
  const empty = new Set(
    (
      await db.reads.query<{ relname: string }>(
        `SELECT relname FROM pg_class WHERE relname = ANY($1::text[]) AND relnamespace = current_schema()::regnamespace AND relpages = 0`,
        [scans.map((scan) => scan.relation)],
      )
    ).map((row) => row.relname),
  );
  return scans.filter((scan) => !(tableOf(scan.relation) === 'events' && empty.has(scan.relation))).map((scan) => tableOf(scan.relation));
}

const someStreams = () => Array.from({ length: 500 }, (_, i) => `stock-item|L${(i * 7) % 50}|SKU-${i * 7}`);

/** Each statement with parameters as the service passes them. */
const statements: Array<[name: string, sql: string, params: () => unknown[]]> = [
  ['EVENTS_PENDING_FOR_PROCESSOR (idle poll, caught up)', EVENTS_PENDING_FOR_PROCESSOR, () => ['stock-levels']],
  ['EVENTS_PENDING_FOR_PROCESSOR (idle poll, no checkpoint yet)', EVENTS_PENDING_FOR_PROCESSOR, () => ['a-new-projection']],
  ['SELECT_CHECKPOINT', SELECT_CHECKPOINT, () => ['stock-levels']],
  ['DEFAULT_PARTITION_LAST (partition upkeep, every minute)', DEFAULT_PARTITION_LAST, () => []],
  [
    'SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT (a batch)',
    SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT,
    () => [lastTransactionId, lastPosition - 1000, 2000],
  ],
  [
    'SELECT_STREAM_IDS_AFTER_CHECKPOINT (change feed)',
    SELECT_STREAM_IDS_AFTER_CHECKPOINT,
    () => [lastTransactionId, lastPosition - 1000, 2000],
  ],
  [
    'SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS (stock change feed, up to the view)',
    SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS,
    () => [lastTransactionId, lastPosition - 1000, 100_000, lastTransactionId, lastPosition],
  ],
  [
    'SELECT_STOCK_OF_SKUS (stock change feed, a window of 1,000 SKUs)',
    SELECT_STOCK_OF_SKUS,
    () => [Array.from({ length: 1000 }, (_, i) => `SKU-${i * 19}`), 'stock-levels'],
  ],
  ['SELECT_SKUS_AT_LOCATIONS (stock change feed, a location changed)', SELECT_SKUS_AT_LOCATIONS, () => [['L7']]],
  ['SELECT_HEAD_CHECKPOINT', SELECT_HEAD_CHECKPOINT, () => []],
  [
    'COUNT_EVENTS_AFTER_CHECKPOINT (health backlog)',
    COUNT_EVENTS_AFTER_CHECKPOINT,
    () => [lastTransactionId, lastPosition - 1000, 1_000_000],
  ],
  ['SELECT_EXISTING_EVENT_IDS (append)', SELECT_EXISTING_EVENT_IDS, () => [Array.from({ length: 2000 }, (_, i) => `new-${i}`)]],
  ['SELECT_STREAM_VERSIONS (stream state cache)', SELECT_STREAM_VERSIONS, () => [someStreams()]],
  ['SELECT_SNAPSHOTS (load streams)', SELECT_SNAPSHOTS, () => [someStreams(), 1]],
  ['SELECT_STREAMS_AFTER_VERSIONS (load streams)', SELECT_STREAMS_AFTER_VERSIONS, () => [someStreams(), someStreams().map(() => 9)]],
  ['BUMP_STREAM_VERSIONS (append)', BUMP_STREAM_VERSIONS, () => [someStreams(), someStreams().map(() => 9), someStreams().map(() => 10)]],
  [
    'CLAIM_INBOUND_EVENT_IDS (a batch of 2,000)',
    CLAIM_INBOUND_EVENT_IDS,
    () => {
      const ids = Array.from({ length: 2000 }, (_, i) => `new-${i}`);
      return [
        ids.map(() => 'location:L1'),
        ids,
        ids.map(() => 'StockReceived'),
        ids.map(() => 'retail.stock.movements'),
        ids.map(() => 0),
        ids.map((_, i) => i),
      ];
    },
  ],
  [
    'UNCLAIM_INBOUND_EVENT_IDS',
    UNCLAIM_INBOUND_EVENT_IDS,
    () => [
      ['location:L1', 'location:L2'],
      ['fill-1', 'fill-2'],
    ],
  ],
  ['UNPUBLISHED_WAITING (idle relay)', UNPUBLISHED_WAITING, () => []],
  ['SELECT_UNPUBLISHED (relay batch)', SELECT_UNPUBLISHED, () => [500]],
  ['SELECT_UNPUBLISHED_TOPICS (relay take-over)', SELECT_UNPUBLISHED_TOPICS, () => []],
  ['MARK_PUBLISHED', MARK_PUBLISHED, () => [['999990', '999991']]],
  ['COUNT_UNPUBLISHED (health)', COUNT_UNPUBLISHED, () => []],
  ['UNPUBLISHED_OF_TOPIC_WAITING (stock-changes batch)', UNPUBLISHED_OF_TOPIC_WAITING, () => ['retail.stock.changes']],
  ['SELECT_RECENT_OUTBOX_MESSAGES (dashboard)', SELECT_RECENT_OUTBOX_MESSAGES, () => ['retail.logistics.commands', 20]],
  ['SELECT_EXPIRED_PICKUP_HOLDS (sweeper)', SELECT_EXPIRED_PICKUP_HOLDS, () => [new Date().toISOString(), 100]],
  ['SELECT_TRANSFERS_PAST_SHIP_BY (sweeper)', SELECT_TRANSFERS_PAST_SHIP_BY, () => [new Date().toISOString(), 100]],
  ['SELECT_STOCK_LEVELS_PAGE (stock read model load, a page)', SELECT_STOCK_LEVELS_PAGE, () => ['SKU-5000', 'L3', 20_000]],
  [
    'SELECT_STOCK_LEVELS_OF_SKUS (stock read model, a change)',
    SELECT_STOCK_LEVELS_OF_SKUS,
    () => [Array.from({ length: 500 }, (_, i) => `SKU-${i * 7}`), 'stock-levels'],
  ],
  ['SELECT_LOCATION_PROFILES_PAGE (stock read model, a location change)', SELECT_LOCATION_PROFILES_PAGE, () => ['', 1000]],
];

describe(`periodic and per-batch statements on a log of ${LOG_EVENTS.toLocaleString('en')} events`, () => {
  it.each(statements)('%s reads no large table sequentially', async (_name, sql, params) => {
    const scanned = (await sequentiallyScanned(sql, params())).filter((table) => LARGE_TABLES.includes(table));
    expect(scanned).toEqual([]);
  });

  it('spreads the log over several partitions', () => {
    expect(partitions.filter((p) => p.lower !== null).length).toBeGreaterThan(5);
  });

  it.each([
    ['SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT', SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT],
    ['SELECT_STREAM_IDS_AFTER_CHECKPOINT', SELECT_STREAM_IDS_AFTER_CHECKPOINT],
    ['COUNT_EVENTS_AFTER_CHECKPOINT', COUNT_EVENTS_AFTER_CHECKPOINT],
    ['SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS', SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS],
  ])('%s reads only the partitions from its checkpoint on (pruning)', async (_name, sql) => {
    const params = [lastTransactionId, lastPosition - 1000, 2000, lastTransactionId, lastPosition];
    const read = new Set((await planScans(sql, params.slice(0, sql.includes('$4') ? 5 : 3))).map((scan) => scan.relation));
    const before = partitions.filter((p) => p.upper !== null && p.upper <= BigInt(lastTransactionId)).map((p) => p.name);
    expect(before.length).toBeGreaterThan(3);
    expect(before.filter((name) => read.has(name))).toEqual([]);
  });

  it('the idle poll takes a few milliseconds of server time at most, however long the log', async () => {
    const [row] = await db.reads.query<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${EVENTS_PENDING_FOR_PROCESSOR}`,
      ['stock-levels'],
    );
    // A sequential scan of a million events takes tens of milliseconds here; an index probe a few hundredths.
    expect(row!['QUERY PLAN'][0]!['Execution Time']).toBeLessThan(5);
  });
});
