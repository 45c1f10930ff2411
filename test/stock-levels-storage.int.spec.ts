import type { ProjectedEvent } from '@app/event-store';
import { decideStockItem, initialStockItemState, stockItemStreamId, type StockItemEvent } from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StockLevelsProjection } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { SELECT_NEGATIVE_STOCK } from '../apps/inventory-service/src/stock-views/stock-views.sql';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;
let position = 0;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** The log's events for adjustments of stock items by the given deltas, as the projection reads them. */
function adjustments(changes: ReadonlyArray<readonly [locationId: string, sku: string, delta: number]>): ProjectedEvent[] {
  return changes.flatMap(([locationId, sku, delta]) =>
    (
      decideStockItem(
        { type: 'RecordAdjustment', delta, reason: 'correction', occurredAt: '2026-11-11T10:00:00.000Z', sourceEventId: `adj-${position}` },
        initialStockItemState(),
      ) as StockItemEvent[]
    ).map((event) => {
      position += 1;
      return {
        globalPosition: position,
        transactionId: String(position),
        streamId: stockItemStreamId({ locationId, sku }),
        streamVersion: position,
        eventId: `adj-${position}`,
        type: event.type,
        schemaVersion: 1,
        data: event.data,
      };
    }),
  );
}

type Row = Record<string, unknown>;

describe('stock_levels storage', () => {
  const projection = new StockLevelsProjection();
  const items = Array.from({ length: 200 }, (_, i) => ['S1', `HOT-${i}`] as const);

  it('updates a level in place (HOT: no new index entries) when on-hand does not cross zero', async () => {
    await db.transactions.inTransaction((sql) => projection.apply(sql, adjustments(items.map(([location, sku]) => [location, sku, 10]))));

    // A batch touches a few levels of each page (a page holds some 70 levels and room for 20 more versions).
    const updates = await db.transactions.inTransaction(async (sql) => {
      await projection.apply(sql, adjustments(items.filter((_, i) => i % 10 === 0).map(([location, sku]) => [location, sku, -3])));
      // This transaction's own counts, before the statistics collector sees them.
      const [counts] = await sql.query<{ n_tup_upd: string; n_tup_hot_upd: string }>(
        `SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = 'stock_levels'::regclass`,
      );
      return counts!;
    });
    expect(Number(updates.n_tup_upd)).toBe(20);
    // With on_hand in an index (the old `WHERE on_hand < 0`), or pages filled to the brim, none would be.
    expect(Number(updates.n_tup_hot_upd)).toBe(20);
  });

  it('lists negative on-hand from its partial index, worst first, and forgets a level once it is back at zero or above', async () => {
    await db.transactions.inTransaction((sql) =>
      projection.apply(
        sql,
        adjustments([
          ['S1', 'HOT-1', -12],
          ['S1', 'HOT-2', -15],
          ['S2', 'NEG-1', -1],
          ['S1', 'HOT-3', -10],
        ]),
      ),
    );
    const negative = async () =>
      (await db.reads.query<Row>(SELECT_NEGATIVE_STOCK, [10])).map((row) => [row.location_id, row.sku, row.on_hand]);
    expect(await negative()).toEqual([
      ['S1', 'HOT-2', -5],
      ['S1', 'HOT-1', -2],
      ['S2', 'NEG-1', -1],
    ]); // HOT-3 went from 10 to 0: not negative

    await db.transactions.inTransaction((sql) =>
      projection.apply(
        sql,
        adjustments([
          ['S1', 'HOT-2', 5],
          ['S2', 'NEG-1', 3],
        ]),
      ),
    );
    expect(await negative()).toEqual([['S1', 'HOT-1', -2]]);

    // At a realistic size (most levels not negative), the list is read from the partial index.
    await db.reads.query(
      `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
       SELECT 'S' || l, 'FILL-' || s, 5, 0, 0, now(), 1 FROM generate_series(1, 2000) s, generate_series(1, 10) l`,
    );
    await db.reads.query('ANALYZE stock_levels');
    const plan = (await db.reads.query<Row>(`EXPLAIN ${SELECT_NEGATIVE_STOCK}`, [10]))
      .map((row) => String(Object.values(row)[0]))
      .join('\n');
    expect(plan).toMatch(/stock_levels_negative_idx/);
  });

  it('migrates a database whose negative-stock index was renamed by an earlier rebuild, both ways', async () => {
    // Back to before KeepStockUpdatesOnTheirPage (the migrations after it undone first), as an older database was.
    for (;;) {
      const [last] = await db.reads.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      await db.dataSource.undoLastMigration({ transaction: 'each' });
      if (last!.name === 'KeepStockUpdatesOnTheirPage1763800010000') break;
    }
    await db.reads.query(`ALTER INDEX stock_levels_negative_idx RENAME TO stock_levels_rebuild_location_id_sku_idx1`);
    await db.dataSource.runMigrations({ transaction: 'each' });
    const partial = await db.reads.query<Row>(
      `SELECT i.relname AS name, pg_get_expr(x.indpred, x.indrelid) AS predicate FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'stock_levels'::regclass AND x.indpred IS NOT NULL`,
    );
    expect(partial).toEqual([{ name: 'stock_levels_negative_idx', predicate: 'negative' }]);
    expect((await db.reads.query<Row>(SELECT_NEGATIVE_STOCK, [10])).map((row) => row.sku)).toEqual(['HOT-1']);
  });
});
