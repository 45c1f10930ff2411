import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Units sold per SKU, location and day (store sales plus online orders shipped or collected there). */
export class CreateDailySales1763800008000 implements MigrationInterface {
  name = 'CreateDailySales1763800008000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE daily_sales (
        sku text NOT NULL,
        location_id text NOT NULL,
        day date NOT NULL,
        units integer NOT NULL,
        PRIMARY KEY (sku, location_id, day)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE daily_sales`);
  }
}
