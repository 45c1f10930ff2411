import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-SKU safety stock and reorder policy at a location (kept inline, like the location registry). */
export class CreateSkuPolicies1763800005000 implements MigrationInterface {
  name = 'CreateSkuPolicies1763800005000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sku_policies (
        location_id text NOT NULL,
        sku text NOT NULL,
        safety_stock integer NOT NULL,
        reorder_point integer,
        reorder_quantity integer,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (sku, location_id)
      )`);
    await db.query(`CREATE INDEX sku_policies_reorder_idx ON sku_policies (location_id, sku) WHERE reorder_point IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sku_policies`);
  }
}
