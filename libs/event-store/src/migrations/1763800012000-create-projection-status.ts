import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A row per projection whose processor cannot apply its next batch: since when, how often it tried,
 * the last error and the checkpoint it is stuck at. Written in a short transaction of its own when a
 * batch fails (the batch's own transaction rolled back), deleted when a batch succeeds. Other
 * processes (the CLI, another instance's health check) read it here.
 */
export class CreateProjectionStatus1763800012000 implements MigrationInterface {
  name = 'CreateProjectionStatus1763800012000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE projection_status (
        projection text PRIMARY KEY,
        stalled_since timestamptz NOT NULL,
        last_error text NOT NULL,
        checkpoint_transaction_id xid8 NOT NULL,
        checkpoint_global_position bigint NOT NULL,
        attempts integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE projection_status`);
  }
}
