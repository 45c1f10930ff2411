/** What an online order knows, folded from its events: its lines, its fulfillments and the transfers they wait for. */
import type { OrderLine } from '../order-lines';
import type { OrderDelivery } from '../sourcing/contract';
import type { PlannedOrderTransfer } from './events';

export type FulfillmentState = 'awaiting-transfer' | 'dispatched' | 'shipped' | 'collected' | 'failed' | 'cancelled';

export interface OrderFulfillment {
  fulfillmentId: string;
  fromLocationId: string;
  mode: OrderDelivery['mode'];
  /** What the location is to ship or hand over. */
  lines: OrderLine[];
  /** What is held for it at `fromLocationId` right now. */
  reservedLines: OrderLine[];
  state: FulfillmentState;
  /** Pickup: transfers into the store this fulfillment waits for. */
  awaitingTransferIds: string[];
  dispatchCommandId: string | null;
  reasons: string[];
  /** A short pick reported after it was cancelled has been written off (absent in older snapshots: false). */
  shortPickRecorded?: boolean;
  /**
   * Cancelled after dispatch and still holding `reservedLines` until its location answers (shipped,
   * collected, failed) or CANCEL_CONFIRM_HOURS pass (absent in older snapshots: false).
   */
  awaitingCancelConfirmation?: boolean;
}

/** A transfer into a pickup store for one of the order's fulfillments. */
export interface OrderTransfer extends PlannedOrderTransfer {
  fulfillmentId: string;
  received: boolean;
}

export interface OnlineOrderState {
  orderId: string | null;
  lines: OrderLine[];
  delivery: OrderDelivery | null;
  cancelled: boolean;
  fulfillments: OrderFulfillment[];
  transfers: OrderTransfer[];
  backordered: OrderLine[];
  /** Locations whose pick failed for this order: not asked again. */
  failedLocationIds: string[];
}

export const initialOnlineOrderState = (): OnlineOrderState => ({
  orderId: null,
  lines: [],
  delivery: null,
  cancelled: false,
  fulfillments: [],
  transfers: [],
  backordered: [],
  failedLocationIds: [],
});

export function findFulfillment(state: OnlineOrderState, fulfillmentId: string): OrderFulfillment | undefined {
  return state.fulfillments.find((f) => f.fulfillmentId === fulfillmentId);
}

/** Bump when OnlineOrderState's shape changes: older snapshots are then ignored and rebuilt. */
export const ONLINE_ORDER_STATE_VERSION = 1;
