import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-store API keys for POST /v1/pos/events. Only a hash of each secret is kept. */
export class CreatePosApiKeys1763800003000 implements MigrationInterface {
  name = 'CreatePosApiKeys1763800003000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE pos_api_keys (
        key_id text PRIMARY KEY,
        store_id text NOT NULL,
        secret_sha256 bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX pos_api_keys_store_idx ON pos_api_keys (store_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE pos_api_keys`);
  }
}
