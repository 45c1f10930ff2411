import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who relays the outbox, and this database's origin id. Every published message carries its outbox
 * id and this origin; a relay that cannot be sure what the previous one sent (it crashed between
 * the send and the commit, or another instance took over) reads the topics' tails for those headers
 * and marks what is already there as published, so nothing is sent twice.
 */
export class CreateOutboxRelayState1763800007000 implements MigrationInterface {
  name = 'CreateOutboxRelayState1763800007000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outbox_relay_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        origin uuid NOT NULL DEFAULT gen_random_uuid(),
        relay_instance text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`INSERT INTO outbox_relay_state (id) VALUES (1)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE outbox_relay_state`);
  }
}
