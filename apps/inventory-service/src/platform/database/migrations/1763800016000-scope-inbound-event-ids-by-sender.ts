import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An eventId is unique per sender only (the store, location, order, fulfillment or transfer that keys
 * its topic): two stores' POS vendors may use the same id, and the second store's sale must not be
 * dropped as a repeat. inbound_events is keyed by (sender, event_id) from now on.
 *
 * Rows claimed before this migration do not say who sent them, and a message cannot be traced back
 * to its sender from them, so they keep sender '' and CLAIM_INBOUND_EVENT_IDS treats such a row as
 * claimed for every sender: a redelivery of an event applied before the upgrade is still a duplicate
 * (at the price that another sender reusing one of those old ids is still taken for it).
 */
export class ScopeInboundEventIdsBySender1763800016000 implements MigrationInterface {
  name = 'ScopeInboundEventIdsBySender1763800016000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inbound_events ADD COLUMN sender text NOT NULL DEFAULT ''`);
    await db.query(`ALTER TABLE inbound_events ALTER COLUMN sender DROP DEFAULT`);
    await db.query(`ALTER TABLE inbound_events DROP CONSTRAINT inbound_events_pkey`);
    await db.query(`ALTER TABLE inbound_events ADD PRIMARY KEY (sender, event_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    // The same eventId from two senders cannot be kept under the old key: keep the first claim.
    await db.query(`
      DELETE FROM inbound_events later USING inbound_events earlier
      WHERE later.event_id = earlier.event_id AND (later.applied_at, later.sender) > (earlier.applied_at, earlier.sender)`);
    await db.query(`ALTER TABLE inbound_events DROP CONSTRAINT inbound_events_pkey`);
    await db.query(`ALTER TABLE inbound_events DROP COLUMN sender`);
    await db.query(`ALTER TABLE inbound_events ADD PRIMARY KEY (event_id)`);
  }
}
