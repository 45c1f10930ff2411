import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fulfillments cancelled after dispatch whose units stay reserved until their location answers the
 * CancelFulfillment (shipped, collected or failed), with the moment they are released if it never
 * does (CANCEL_CONFIRM_HOURS after the cancel). The sweeper reads the due ones through the index on
 * the deadline, like pickup_holds and transfers_awaiting_shipment.
 */
export class CreateCancelsAwaitingConfirmation1763800019000 implements MigrationInterface {
  name = 'CreateCancelsAwaitingConfirmation1763800019000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cancels_awaiting_confirmation (
        fulfillment_id text PRIMARY KEY,
        order_id text NOT NULL,
        release_by timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX cancels_awaiting_confirmation_release_by_idx ON cancels_awaiting_confirmation (release_by)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE cancels_awaiting_confirmation`);
  }
}
