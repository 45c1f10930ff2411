import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers requested and not yet shipped, with the moment they are called off if still not shipped
 * (TRANSFER_SHIP_HOURS after the request). The sweeper reads the due ones through the index on the
 * deadline, like pickup_holds. Transfers requested before this table existed have no row (they are
 * not called off by themselves).
 */
export class CreateTransfersAwaitingShipment1763800018000 implements MigrationInterface {
  name = 'CreateTransfersAwaitingShipment1763800018000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE transfers_awaiting_shipment (
        transfer_id text PRIMARY KEY,
        ship_by timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX transfers_awaiting_shipment_ship_by_idx ON transfers_awaiting_shipment (ship_by)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE transfers_awaiting_shipment`);
  }
}
