import type { InboundEvent } from './inbound-events';

/**
 * Who sent an inbound event: the entity that keys its topic. An eventId is unique only per sender
 * (two stores' POS vendors may well use the same id), so repeats are recognised by sender and eventId.
 * `store:<storeId>` for offline sales, `order:<orderId>` for online orders, `location:<locationId>` for
 * stock movements, `fulfillment:<fulfillmentId>` or `transfer:<transferId>` for logistics events.
 */
export function senderOf(event: InboundEvent): string {
  switch (event.type) {
    case 'StoreSaleRecorded':
    case 'StoreReturnRecorded':
      return `store:${event.storeId}`;
    case 'OnlineOrderPlaced':
    case 'OnlineOrderCancelled':
      return `order:${event.orderId}`;
    case 'StockReceived':
    case 'StockAdjusted':
    case 'StockCounted':
      return `location:${event.locationId}`;
    case 'FulfillmentShipped':
    case 'FulfillmentFailed':
    case 'PickupCollected':
      return `fulfillment:${event.fulfillmentId}`;
    case 'TransferShipped':
    case 'TransferReceived':
      return `transfer:${event.transferId}`;
  }
}

/**
 * The inbound event's id made unique across senders, as the base of the ids of the events it causes in
 * the event store: `<kind>:<sender id>/<eventId>`, both ids percent-encoded (so neither a `/`, a `:` nor
 * the `#` that derived ids append can make two of them equal). Events applied before ids were scoped by
 * sender kept `<eventId>#...`; those inbound events are never applied again, so the two never meet.
 */
export function senderScopedEventId(event: InboundEvent): string {
  const sender = senderOf(event);
  const colon = sender.indexOf(':');
  return `${sender.slice(0, colon)}:${encodeURIComponent(sender.slice(colon + 1))}/${encodeURIComponent(event.eventId)}`;
}
