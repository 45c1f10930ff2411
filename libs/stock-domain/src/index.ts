export * from './stock-item/state';
export * from './stock-item/events';
export * from './stock-item/commands';
export { COUNT_LOOKBACK_MS } from './stock-item/count-journal';
export * from './stock-item/decide';
export * from './stock-item/evolve';
export * from './stock-item/stock-item';
export * from './stock-position';
export * from './location';
export * from './geo';
export * from './pickup/pickup';
export * from './profile';
export * from './sku-policy';
export * from './order-lines';
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
export * from './transfer/transfer';
export * from './transfer/stock-effects';
export * from './replenishment/replenishment';
export * from './sourcing/contract';
export * from './sourcing/plan-sourcing';
export * from './minted-ids';
