import type { InboundEvent } from '@app/contracts';
import {
  applyFulfillmentFeedback,
  applyTransferFeedback,
  cancelOnlineOrder,
  placeOnlineOrder,
  type Applying,
  type FulfillmentUnitOfWork,
  type InboundUseCase,
  type WorkNeeds,
} from '../fulfillment';
import { recordShopFloorEvent, shopFloorInstructionsFor, type ApplyOutcome, type ShopFloorEvent } from '../stock';

export type InboundEventType = InboundEvent['type'];
type InboundEventOf<T extends InboundEventType> = Extract<InboundEvent, { type: T }>;

/** A shop-floor event's lines on their stock items (no order, no transfer). */
const recordOnStockItems: InboundUseCase<ShopFloorEvent> = {
  needs(event, needs) {
    for (const { key } of shopFloorInstructionsFor(event)) needs.stockItem(key);
  },
  async apply(work, event, applying) {
    return recordShopFloorEvent(work.stockItems, event, applying, (locationId) => work.network.location(locationId) !== undefined);
  },
};

/**
 * Every contract event type, and the use case that applies it. The type asks for an entry per type
 * of InboundEvent, each taking events of its type: a contract type nothing handles does not compile.
 */
export const INBOUND_ROUTES: { [T in InboundEventType]: InboundUseCase<InboundEventOf<T>> } = {
  StoreSaleRecorded: recordOnStockItems,
  StoreReturnRecorded: recordOnStockItems,
  StockReceived: recordOnStockItems,
  StockAdjusted: recordOnStockItems,
  StockCounted: recordOnStockItems,
  OnlineOrderPlaced: placeOnlineOrder,
  OnlineOrderCancelled: cancelOnlineOrder,
  FulfillmentShipped: applyFulfillmentFeedback,
  FulfillmentFailed: applyFulfillmentFeedback,
  PickupCollected: applyFulfillmentFeedback,
  TransferShipped: applyTransferFeedback,
  TransferReceived: applyTransferFeedback,
};

/** The use case of an event's type (the table holds, under each type, one that takes events of that type). */
function routeOf(event: InboundEvent): InboundUseCase<InboundEvent> {
  return INBOUND_ROUTES[event.type] as InboundUseCase<InboundEvent>;
}

/** Add what applying this event will read to a batch's needs. */
export function addNeedsOf(event: InboundEvent, needs: WorkNeeds): void {
  routeOf(event).needs(event, needs);
}

/** Apply one inbound event in the batch's unit of work, by the use case its type routes to. */
export function applyInboundEvent(work: FulfillmentUnitOfWork, event: InboundEvent, applying: Applying): Promise<ApplyOutcome> {
  return work.causedBy(applying.scopedId, () => routeOf(event).apply(work, event, applying));
}
