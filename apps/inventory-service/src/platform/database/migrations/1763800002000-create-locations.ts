import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The location registry's read model (kept inline, in the transaction of each location event). */
export class CreateLocations1763800002000 implements MigrationInterface {
  name = 'CreateLocations1763800002000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE locations (
        location_id text PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('store', 'warehouse')),
        name text NOT NULL,
        lat double precision NOT NULL,
        lng double precision NOT NULL,
        ships_online boolean NOT NULL,
        pickup boolean NOT NULL,
        daily_capacity integer NOT NULL,
        safety_stock integer NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE locations`);
  }
}
