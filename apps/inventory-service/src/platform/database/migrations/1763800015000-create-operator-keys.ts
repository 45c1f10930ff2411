import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operator keys (PUT /v1/locations..., order fulfillment, dashboard data, /metrics). Only a hash of each secret is kept. */
export class CreateOperatorKeys1763800015000 implements MigrationInterface {
  name = 'CreateOperatorKeys1763800015000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE operator_keys (
        key_id text PRIMARY KEY,
        name text NOT NULL,
        scopes text[],
        secret_sha256 bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    // One active key per name, so a key can be revoked by its name.
    await db.query(`CREATE UNIQUE INDEX operator_keys_active_name_idx ON operator_keys (name) WHERE revoked_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE operator_keys`);
  }
}
