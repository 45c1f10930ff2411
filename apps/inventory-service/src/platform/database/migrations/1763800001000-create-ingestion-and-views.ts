import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables of the Kafka ingestion (offsets, processed ids, outbox) and the first stock view. */
export class CreateIngestionAndViews1763800001000 implements MigrationInterface {
  name = 'CreateIngestionAndViews1763800001000';

  async up(db: QueryRunner): Promise<void> {
    // The next offset to apply per consumer group and partition, written in the batch's transaction.
    await db.query(`
      CREATE TABLE kafka_offsets (
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, topic, partition)
      )`);
    // Every inbound eventId applied (or dead-lettered once): a repeat has no second effect.
    await db.query(`
      CREATE TABLE inbound_events (
        event_id text PRIMARY KEY,
        event_type text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Messages to publish, written in the transaction that decided them; a relay sends them.
    await db.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        message_key bytea,
        message_value bytea,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await db.query(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);
    await db.query(`
      CREATE TABLE stock_levels (
        location_id text NOT NULL,
        sku text NOT NULL,
        on_hand integer NOT NULL DEFAULT 0,
        reserved integer NOT NULL DEFAULT 0,
        in_transit integer NOT NULL DEFAULT 0,
        last_changed_at timestamptz NOT NULL,
        last_position bigint NOT NULL,
        PRIMARY KEY (sku, location_id)
      )`);
    await db.query(`CREATE INDEX stock_levels_negative_idx ON stock_levels (location_id, sku) WHERE on_hand < 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE stock_levels`);
    await db.query(`DROP TABLE outbox`);
    await db.query(`DROP TABLE inbound_events`);
    await db.query(`DROP TABLE kafka_offsets`);
  }
}
