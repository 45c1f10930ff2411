import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /v1/stock/{sku}?asOf=` reads a SKU's stock item events up to a moment of business time: an
 * index on (stream_id, occurredAt), for stock item streams only. `event_occurred_at` parses the
 * event's occurredAt; it is declared IMMUTABLE, which holds because every stock item event's
 * occurredAt is an ISO-8601 instant with its zone (the contract requires one), so the result never
 * depends on the session's TimeZone.
 */
export class IndexStockEventsByOccurredAt1763800019500 implements MigrationInterface {
  name = 'IndexStockEventsByOccurredAt1763800019500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION event_occurred_at(data jsonb) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (data->>'occurredAt')::timestamptz $$`);
    await db.query(`
      CREATE INDEX events_stock_item_occurred_at_idx ON events (stream_id, event_occurred_at(data))
      WHERE stream_id LIKE 'stock-item|%'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX events_stock_item_occurred_at_idx`);
    await db.query(`DROP FUNCTION event_occurred_at(jsonb)`);
  }
}
