import type { SqlClient } from '@app/event-store';
import type { OnlineOrderEvent, OnlineOrderState, TransferEvent } from '@app/stock-domain';
import {
  DELETE_CANCELS_AWAITING_CONFIRMATION,
  DELETE_PICKUP_HOLDS,
  INSERT_CANCELS_AWAITING_CONFIRMATION,
  DELETE_TRANSFERS_AWAITING_SHIPMENT,
  INSERT_PICKUP_HOLDS,
  INSERT_TRANSFERS_AWAITING_SHIPMENT,
} from './fulfillment.sql';

interface PickupHold {
  orderId: string;
  storeId: string;
  expiresAt: string;
}

interface CancelAwaitingConfirmation {
  orderId: string;
  releaseBy: string;
}

/**
 * What the sweeper watches, as this unit of work changes it: pickups held at their store until
 * collected or expired (PICKUP_HOLD_HOURS), transfers waiting to be shipped by their ship-by time
 * (TRANSFER_SHIP_HOURS), cancelled fulfillments holding their units until their location answers or
 * the wait runs out (CANCEL_CONFIRM_HOURS). Each entry is set by the events that start the wait and cleared (null) by
 * those that end it; `save` writes the three tables.
 */
export class FulfillmentDeadlines {
  /** fulfillmentId → its hold while the pickup waits at its store, null once it is over. */
  private readonly pickupHolds = new Map<string, PickupHold | null>();
  /** transferId → its ship-by time while it waits to be shipped, null once it has left or ended. */
  private readonly transfersAwaitingShipment = new Map<string, string | null>();
  /** fulfillmentId → its release-by time while a cancelled fulfillment holds its units, null once answered or released. */
  private readonly cancelsAwaitingConfirmation = new Map<string, CancelAwaitingConfirmation | null>();

  constructor(
    private readonly issuedAt: string,
    private readonly durations: { pickupHoldMs: number; transferShipMs: number; cancelConfirmMs: number },
  ) {}

  private after(ms: number): string {
    return new Date(Date.parse(this.issuedAt) + ms).toISOString();
  }

  trackOrderEvent(event: OnlineOrderEvent, order: OnlineOrderState): void {
    switch (event.type) {
      case 'FulfillmentDispatched':
        if (event.data.mode === 'pickup') {
          const expiresAt = this.after(this.durations.pickupHoldMs);
          this.pickupHolds.set(event.data.fulfillmentId, { orderId: order.orderId!, storeId: event.data.fromLocationId, expiresAt });
        }
        return;
      case 'FulfillmentShipped':
      case 'PickupCollected':
      case 'FulfillmentFailed':
      case 'FulfillmentCancelled':
        if (order.delivery?.mode === 'pickup') this.pickupHolds.set(event.data.fulfillmentId, null);
        if (event.type === 'FulfillmentCancelled' && event.data.holdUntilConfirmed) {
          const releaseBy = this.after(this.durations.cancelConfirmMs);
          this.cancelsAwaitingConfirmation.set(event.data.fulfillmentId, { orderId: order.orderId!, releaseBy });
        } else if (event.type !== 'FulfillmentCancelled') {
          this.cancelsAwaitingConfirmation.set(event.data.fulfillmentId, null);
        }
        return;
      case 'CancelledHoldReleased':
        this.cancelsAwaitingConfirmation.set(event.data.fulfillmentId, null);
        return;
      default:
        return;
    }
  }

  trackTransferEvent(event: TransferEvent): void {
    if (event.type === 'TransferRequested') {
      this.transfersAwaitingShipment.set(
        event.data.transferId,
        new Date(Date.parse(this.issuedAt) + this.durations.transferShipMs).toISOString(),
      );
    } else if (event.type === 'TransferShipped' || event.type === 'TransferCancelled') {
      this.transfersAwaitingShipment.set(event.data.transferId, null);
    }
  }

  /** Whatever the order said, this pickup's hold is over. */
  pickupHoldOver(fulfillmentId: string): void {
    this.pickupHolds.set(fulfillmentId, null);
  }

  /** Whatever the order said, this cancel no longer waits for an answer. */
  noLongerAwaitingConfirmation(fulfillmentId: string): void {
    this.cancelsAwaitingConfirmation.set(fulfillmentId, null);
  }

  /** Whatever the transfer said, it no longer waits to be shipped. */
  noLongerAwaitingShipment(transferId: string): void {
    this.transfersAwaitingShipment.set(transferId, null);
  }

  async save(sql: SqlClient): Promise<void> {
    const held = [...this.pickupHolds].filter((entry): entry is [string, PickupHold] => entry[1] !== null);
    const over = [...this.pickupHolds].filter(([, hold]) => hold === null).map(([fulfillmentId]) => fulfillmentId);
    if (over.length > 0) await sql.query(DELETE_PICKUP_HOLDS, [over]);
    if (held.length > 0) {
      await sql.query(INSERT_PICKUP_HOLDS, [
        held.map(([fulfillmentId]) => fulfillmentId),
        held.map(([, hold]) => hold.orderId),
        held.map(([, hold]) => hold.storeId),
        held.map(([, hold]) => hold.expiresAt),
      ]);
    }
    const waiting = [...this.transfersAwaitingShipment].filter((entry): entry is [string, string] => entry[1] !== null);
    const left = [...this.transfersAwaitingShipment].filter(([, shipBy]) => shipBy === null).map(([transferId]) => transferId);
    if (left.length > 0) await sql.query(DELETE_TRANSFERS_AWAITING_SHIPMENT, [left]);
    if (waiting.length > 0)
      await sql.query(INSERT_TRANSFERS_AWAITING_SHIPMENT, [waiting.map(([id]) => id), waiting.map(([, shipBy]) => shipBy)]);
    const pending = [...this.cancelsAwaitingConfirmation].filter(
      (entry): entry is [string, CancelAwaitingConfirmation] => entry[1] !== null,
    );
    const answered = [...this.cancelsAwaitingConfirmation].filter(([, wait]) => wait === null).map(([fulfillmentId]) => fulfillmentId);
    if (answered.length > 0) await sql.query(DELETE_CANCELS_AWAITING_CONFIRMATION, [answered]);
    if (pending.length > 0) {
      await sql.query(INSERT_CANCELS_AWAITING_CONFIRMATION, [
        pending.map(([fulfillmentId]) => fulfillmentId),
        pending.map(([, wait]) => wait.orderId),
        pending.map(([, wait]) => wait.releaseBy),
      ]);
    }
  }
}
