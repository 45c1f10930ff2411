/** What the customer, logistics and the service's sweepers ask of an online order. */
import type { OrderLine } from '../order-lines';
import type { Provenance } from '../provenance';
import type { OrderDelivery, SourcingPlan } from '../sourcing/contract';

export type OnlineOrderCommand =
  | ({ type: 'PlaceOrder'; orderId: string; lines: OrderLine[]; delivery: OrderDelivery; plan: SourcingPlan } & Provenance)
  | ({ type: 'CancelOrder' } & Provenance)
  | ({ type: 'ConfirmShipped'; fulfillmentId: string } & Provenance)
  | ({ type: 'ConfirmCollected'; fulfillmentId: string } & Provenance)
  /** The pick failed: release, adjust the short lines, then `SourceAgain` (see `resourcingRequestFor`). */
  | ({ type: 'RecordPickFailure'; fulfillmentId: string; shortLines: OrderLine[] } & Provenance)
  | ({ type: 'SourceAgain'; plan: SourcingPlan } & Provenance)
  | ({ type: 'ReceiveOrderTransfer'; transferId: string; receivedLines: OrderLine[] } & Provenance)
  | ({ type: 'ExpirePickupHold'; fulfillmentId: string } & Provenance)
  /** A cancelled fulfillment's location did not answer within CANCEL_CONFIRM_HOURS: release what it still holds. */
  | ({ type: 'ReleaseUnconfirmedCancel'; fulfillmentId: string } & Provenance);
