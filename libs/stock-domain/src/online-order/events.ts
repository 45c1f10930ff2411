/** What happened to an online order: accepted, sourced (dispatched, awaiting transfers, backordered), and how each fulfillment ended. */
import type { OrderLine } from '../order-lines';
import type { Provenance } from '../provenance';
import type { OrderDelivery } from '../sourcing/contract';

export interface PlannedOrderTransfer {
  transferId: string;
  fromLocationId: string;
  toLocationId: string;
  lines: OrderLine[];
}

export type OnlineOrderEvent =
  | { type: 'OnlineOrderAccepted'; data: Provenance & { orderId: string; lines: OrderLine[]; delivery: OrderDelivery } }
  | {
      type: 'FulfillmentDispatched';
      data: Provenance & {
        fulfillmentId: string;
        fromLocationId: string;
        mode: OrderDelivery['mode'];
        lines: OrderLine[];
        /** Held at `fromLocationId` by this event (for a pickup after transfers: nothing more). */
        reservedLines: OrderLine[];
        commandId: string;
        reasons: string[];
      };
    }
  | {
      type: 'PickupAwaitingTransfers';
      data: Provenance & {
        fulfillmentId: string;
        fromLocationId: string;
        lines: OrderLine[];
        reservedLines: OrderLine[];
        transfers: PlannedOrderTransfer[];
        reasons: string[];
      };
    }
  | {
      type: 'OrderTransferReceived';
      data: Provenance & { transferId: string; fulfillmentId: string; locationId: string; reservedLines: OrderLine[] };
    }
  | { type: 'OrderLinesBackordered'; data: Provenance & { lines: OrderLine[]; reasons: string[] } }
  | { type: 'FulfillmentShipped'; data: Provenance & { fulfillmentId: string } }
  | { type: 'PickupCollected'; data: Provenance & { fulfillmentId: string } }
  | { type: 'FulfillmentFailed'; data: Provenance & { fulfillmentId: string; shortLines: OrderLine[] } }
  /** A pick cancelled meanwhile (order cancelled, pickup hold expired) still came up short: written off, nothing sourced again. */
  | { type: 'ShortPickRecorded'; data: Provenance & { fulfillmentId: string; shortLines: OrderLine[] } }
  | {
      type: 'FulfillmentCancelled';
      data: Provenance & {
        fulfillmentId: string;
        reason: 'order-cancelled' | 'pickup-hold-expired' | 'transfers-brought-nothing';
        commandId: string | null;
        /**
         * Dispatched before it was cancelled: its units stay reserved until its location answers the
         * CancelFulfillment or the wait runs out (`CancelledHoldReleased`). Absent in older events: released at once.
         */
        holdUntilConfirmed?: boolean;
      };
    }
  /** A cancelled fulfillment's held units go back on sale: its location stopped the pick, or did not answer in time. */
  | {
      type: 'CancelledHoldReleased';
      data: Provenance & { fulfillmentId: string; reason: 'pick-stopped' | 'no-answer-in-time' };
    }
  | { type: 'OnlineOrderCancelled'; data: Provenance & { orderId: string } };
