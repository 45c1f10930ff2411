import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Working tables of smart logistics, written by the transaction that dispatches (both derive from
 * the order events): fulfillments dispatched per location and day, against daily capacity (rows
 * locked while a batch decides, so two concurrent batches never both take a location's last slot);
 * and pickups waiting at a store, with when their hold expires.
 */
export class CreateSmartLogisticsTables1763800006000 implements MigrationInterface {
  name = 'CreateSmartLogisticsTables1763800006000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE location_dispatch_days (
        location_id text NOT NULL,
        day date NOT NULL,
        dispatched integer NOT NULL DEFAULT 0,
        PRIMARY KEY (day, location_id)
      )`);
    await db.query(`
      CREATE TABLE pickup_holds (
        fulfillment_id text PRIMARY KEY,
        order_id text NOT NULL,
        store_id text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX pickup_holds_expiry_idx ON pickup_holds (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE pickup_holds`);
    await db.query(`DROP TABLE location_dispatch_days`);
  }
}
