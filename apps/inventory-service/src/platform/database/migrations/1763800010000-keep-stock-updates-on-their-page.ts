import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every ingested line updates a stock_levels row, and every sale a daily_sales row. PostgreSQL can
 * update a row in place on its page (a HOT update: no new entry in any index) only when no indexed
 * column changes and the page has room. The negative-stock index used to be `WHERE on_hand < 0`,
 * which made on_hand an indexed column, so every update wrote three index entries. It now filters on
 * a stored `negative` flag, which changes only when on-hand crosses zero; and both tables leave room
 * on each page for the next version of its rows.
 */
export class KeepStockUpdatesOnTheirPage1763800010000 implements MigrationInterface {
  name = 'KeepStockUpdatesOnTheirPage1763800010000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE stock_levels SET (fillfactor = 80)`);
    // A stored generated column rewrites the table, which packs it to the new fill factor.
    await db.query(`ALTER TABLE stock_levels ADD COLUMN negative boolean NOT NULL GENERATED ALWAYS AS (on_hand < 0) STORED`);
    await dropPartialIndexOfStockLevels(db);
    await db.query(`CREATE INDEX stock_levels_negative_idx ON stock_levels (location_id, sku) WHERE negative`);
    await db.query(`ALTER TABLE daily_sales SET (fillfactor = 80)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE daily_sales RESET (fillfactor)`);
    await dropPartialIndexOfStockLevels(db);
    await db.query(`ALTER TABLE stock_levels DROP COLUMN negative`);
    await db.query(`CREATE INDEX stock_levels_negative_idx ON stock_levels (location_id, sku) WHERE on_hand < 0`);
    await db.query(`ALTER TABLE stock_levels RESET (fillfactor)`);
  }
}

/**
 * The negative-stock index is stock_levels' one partial index. Found by that, not by its name: a
 * rebuild before index names were carried over left the name PostgreSQL gave the shadow table's copy.
 */
async function dropPartialIndexOfStockLevels(db: QueryRunner): Promise<void> {
  const partial: Array<{ name: string }> = await db.query(
    `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'stock_levels'::regclass AND x.indpred IS NOT NULL`,
  );
  for (const { name } of partial) await db.query(`DROP INDEX "${name}"`);
}
