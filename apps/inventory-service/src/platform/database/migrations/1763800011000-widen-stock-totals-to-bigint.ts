import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stock totals are sums over many events: one event may move 1000 lines x 1,000,000 units of one SKU,
 * so three receipts took a stock_levels row past 32 bits ("integer out of range") and stopped the
 * stock-levels projection for every SKU. on_hand, reserved, in_transit and daily_sales.units become
 * bigint (exact in the service to 2^53 - 1, which the stock item's decider enforces). The generated
 * `negative` flag and its partial index depend on on_hand, so they are rebuilt around the change.
 */
export class WidenStockTotalsToBigint1763800011000 implements MigrationInterface {
  name = 'WidenStockTotalsToBigint1763800011000';

  async up(db: QueryRunner): Promise<void> {
    await this.retype(db, 'bigint');
    await db.query(`ALTER TABLE daily_sales ALTER COLUMN units TYPE bigint`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE daily_sales ALTER COLUMN units TYPE integer`);
    await this.retype(db, 'integer');
  }

  private async retype(db: QueryRunner, type: 'bigint' | 'integer'): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS stock_levels_negative_idx`);
    await db.query(`ALTER TABLE stock_levels DROP COLUMN negative`);
    await db.query(`
      ALTER TABLE stock_levels
        ALTER COLUMN on_hand TYPE ${type},
        ALTER COLUMN reserved TYPE ${type},
        ALTER COLUMN in_transit TYPE ${type},
        ADD COLUMN negative boolean NOT NULL GENERATED ALWAYS AS (on_hand < 0) STORED`);
    await db.query(`CREATE INDEX stock_levels_negative_idx ON stock_levels (location_id, sku) WHERE negative`);
  }
}
