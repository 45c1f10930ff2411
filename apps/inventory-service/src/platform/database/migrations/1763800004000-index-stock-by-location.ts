import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Paged stock of one location reads stock_levels by (location_id, sku). */
export class IndexStockByLocation1763800004000 implements MigrationInterface {
  name = 'IndexStockByLocation1763800004000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX stock_levels_location_sku_idx ON stock_levels (location_id, sku)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX stock_levels_location_sku_idx`);
  }
}
