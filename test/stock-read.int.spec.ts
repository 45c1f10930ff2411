import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOCK_LEVELS_PROJECTION } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../apps/inventory-service/src/stock-views/stock-views.sql';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.reads.query(
    `INSERT INTO locations (location_id, type, name, lat, lng, ships_online, pickup, daily_capacity, safety_stock, version, updated_at)
     SELECT 'L' || l, 'store', 'Location ' || l, 30, 120, l % 2 = 0, true, 100, 2, 1, now() FROM generate_series(1, 20) l`,
  );
  await db.reads.query(
    `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
     SELECT 'L' || l, 'SKU-' || s, s % 40, 1, 0, now(), 1 FROM generate_series(1, 5000) s, generate_series(1, 20) l`,
  );
  await db.reads.query(
    `INSERT INTO sku_policies (location_id, sku, safety_stock, reorder_point, reorder_quantity, version, updated_at) VALUES ('L3', 'SKU-7', 5, NULL, NULL, 1, now())`,
  );
  await db.reads.query('ANALYZE');
});
afterAll(async () => {
  await db?.drop();
});

type Row = Record<string, unknown>;

describe('the stock read (SELECT_STOCK_OF_SKUS)', () => {
  it('answers the start of the log before the view has a checkpoint, then its checkpoint, with levels in SKU and location order', async () => {
    const before = await db.reads.query<Row>(SELECT_STOCK_OF_SKUS, [['SKU-7'], STOCK_LEVELS_PROJECTION], { preparedAs: 'stock-read-test' });
    expect(before.filter((row) => row.sku === null)).toEqual([]);

    await db.reads.query(
      `INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at) VALUES ($1, '42', 4242, now())`,
      [STOCK_LEVELS_PROJECTION],
    );
    for (let run = 0; run < 7; run += 1) {
      // Prepared: parsed and planned once per connection; later runs (the generic plan among them) answer the same.
      const rows = await db.reads.query<Row>(SELECT_STOCK_OF_SKUS, [['SKU-8', 'SKU-7'], STOCK_LEVELS_PROJECTION], {
        preparedAs: 'stock-read-test',
      });
      expect(rows[0]).toMatchObject({ sku: null, transaction_id: '42', global_position: '4242' });
      const levels = rows.slice(1);
      expect(levels).toHaveLength(40);
      expect(levels.map((row) => `${row.sku}@${row.location_id}`)).toEqual(
        [...levels.map((row) => `${row.sku}@${row.location_id}`)].sort((a, b) => a.localeCompare(b, 'en', { numeric: false })),
      );
      expect(levels.find((row) => row.sku === 'SKU-7' && row.location_id === 'L3')).toMatchObject({ safety_stock: 5, ships_online: false }); // the SKU's own policy
      expect(levels.find((row) => row.sku === 'SKU-7' && row.location_id === 'L4')).toMatchObject({ safety_stock: 2, ships_online: true }); // the location's
    }
  });

  it('reads stock_levels through its primary key, never a scan of the table', async () => {
    const plan = (await db.reads.query<Row>(`EXPLAIN ${SELECT_STOCK_OF_SKUS}`, [['SKU-1', 'SKU-2'], STOCK_LEVELS_PROJECTION]))
      .map((row) => String(Object.values(row)[0]))
      .join('\n');
    expect(plan).toMatch(/stock_levels_pkey/);
    expect(plan).not.toMatch(/Seq Scan on stock_levels/);
  });
});
