import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The event log, stream versions, snapshots and subscriber checkpoints. */
export class CreateEventStore1763800000000 implements MigrationInterface {
  name = 'CreateEventStore1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE events (
        global_position bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_version integer NOT NULL CHECK (stream_version > 0),
        event_id text NOT NULL,
        event_type text NOT NULL,
        schema_version smallint NOT NULL DEFAULT 1,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
        CONSTRAINT events_event_id_key UNIQUE (event_id)
      )`);
    await db.query(`CREATE INDEX events_global_order_idx ON events (transaction_id, global_position)`);
    await db.query(`
      CREATE TABLE streams (
        stream_id text PRIMARY KEY,
        version integer NOT NULL CHECK (version >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE snapshots (
        stream_id text PRIMARY KEY,
        stream_version integer NOT NULL,
        state_version smallint NOT NULL,
        state jsonb NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE checkpoints (
        processor_id text PRIMARY KEY,
        transaction_id xid8 NOT NULL,
        global_position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE checkpoints`);
    await db.query(`DROP TABLE snapshots`);
    await db.query(`DROP TABLE streams`);
    await db.query(`DROP TABLE events`);
  }
}
