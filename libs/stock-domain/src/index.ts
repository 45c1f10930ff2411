// The stock domain's one public file: apps import '@app/stock-domain', never a file under it.

// Shared vocabulary: where things are, order lines, provenance, the ids the service mints, stock positions.
export * from './geo';
export * from './order-lines';
export type { Provenance } from './provenance';
export * from './minted-ids';
export * from './stock-position';

// Locations and SKU policies: described profiles.
export * from './profile';
export * from './location';
export * from './sku-policy';

// A SKU at one location.
export * from './stock-item/state';
export * from './stock-item/events';
export * from './stock-item/commands';
export { COUNT_LOOKBACK_MS } from './stock-item/count-journal';
export * from './stock-item/decide';
export * from './stock-item/evolve';
export * from './stock-item/stock-item';
export * from './stock-item/as-of';

// An online order and its fulfillments.
export {
  initialOnlineOrderState,
  ONLINE_ORDER_STATE_VERSION,
  type FulfillmentState,
  type OnlineOrderState,
  type OrderFulfillment,
  type OrderTransfer,
} from './online-order/state';
export * from './online-order/events';
export * from './online-order/commands';
export * from './online-order/decide';
export * from './online-order/evolve';
export * from './online-order/feedback';
export * from './online-order/stock-effects';
export * from './online-order/online-order';

// A transfer between two locations.
export * from './transfer/transfer';
export * from './transfer/stock-effects';

// Where an online order comes from, when a store is replenished, where a customer can pick up.
export * from './sourcing/contract';
export * from './sourcing/plan-sourcing';
export * from './replenishment/replenishment';
export * from './pickup/pickup';
