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
    await db.query(`DROP INDEX stock_levels_negative_idx`);
    await db.query(`CREATE INDEX stock_levels_negative_idx ON stock_levels (location_id, sku) WHERE negative`);
    await db.query(`ALTER TABLE daily_sales SET (fillfactor = 80)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE daily_sales RESET (fillfactor)`);
    await db.query(`DROP INDEX stock_levels_negative_idx`);
    await db.query(`ALTER TABLE stock_levels DROP COLUMN negative`);
    await db.query(`CREATE INDEX stock_levels_negative_idx ON stock_levels (location_id, sku) WHERE on_hand < 0`);
    await db.query(`ALTER TABLE stock_levels RESET (fillfactor)`);
  }
}
