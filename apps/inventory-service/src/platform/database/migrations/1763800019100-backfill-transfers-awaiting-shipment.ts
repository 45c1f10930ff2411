import type { MigrationInterface, QueryRunner } from 'typeorm';

/** TRANSFER_SHIP_HOURS' default: a migration does not read the service's settings. */
const DEFAULT_TRANSFER_SHIP_HOURS = 24;

/**
 * Transfers requested before transfers_awaiting_shipment existed have no ship-by row, so the sweeper
 * would never call them off. This finds the open ones in the event log (a TransferRequested and
 * nothing after it: not shipped, received or called off) and gives each a ship-by time of its
 * request's recording plus the default 24 hours; those already past it are called off at the first
 * sweep. Rows that exist are left as they are.
 */
export class BackfillTransfersAwaitingShipment1763800019100 implements MigrationInterface {
  name = 'BackfillTransfersAwaitingShipment1763800019100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `
      INSERT INTO transfers_awaiting_shipment (transfer_id, ship_by)
      SELECT requested.data->>'transferId', requested.recorded_at + make_interval(hours => $1)
      FROM events requested
      WHERE requested.event_type = 'TransferRequested'
        AND requested.stream_id LIKE 'transfer|%'
        AND NOT EXISTS (
          SELECT 1 FROM events later
          WHERE later.stream_id = requested.stream_id
            AND later.event_type IN ('TransferShipped', 'TransferReceived', 'TransferCancelled')
        )
      ON CONFLICT (transfer_id) DO NOTHING`,
      [DEFAULT_TRANSFER_SHIP_HOURS],
    );
  }

  async down(): Promise<void> {
    // The rows are indistinguishable from those the service writes; they are left in place.
  }
}
