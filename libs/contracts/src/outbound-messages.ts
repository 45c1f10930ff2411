import { z } from 'zod';
import { skuStockSchema } from './http-responses';
import { deliverySchema, quantityLineSchema } from './inbound-events';

const issuedAt = z.iso.datetime({ offset: true });
const id = z.string().min(1);
const lines = z.array(quantityLineSchema).min(1);

// retail.logistics.commands (key = fromLocationId) --------------------------------------------

export const dispatchFulfillmentSchema = z.object({
  commandId: id,
  type: z.literal('DispatchFulfillment'),
  issuedAt,
  fulfillmentId: id,
  orderId: id,
  fromLocationId: id,
  lines,
  delivery: deliverySchema,
});
export const cancelFulfillmentSchema = z.object({
  commandId: id,
  type: z.literal('CancelFulfillment'),
  issuedAt,
  fulfillmentId: id,
  orderId: id,
  fromLocationId: id,
});
export const transferStockSchema = z.object({
  commandId: id,
  type: z.literal('TransferStock'),
  issuedAt,
  transferId: id,
  fromLocationId: id,
  toLocationId: id,
  lines,
});
/** v1.1: a transfer not shipped within TRANSFER_SHIP_HOURS (or whose pickup order was cancelled) is called off. */
export const cancelTransferSchema = z.object({
  commandId: id,
  type: z.literal('CancelTransfer'),
  issuedAt,
  transferId: id,
  fromLocationId: id,
  toLocationId: id,
});
export const logisticsCommandSchema = z.discriminatedUnion('type', [
  dispatchFulfillmentSchema,
  cancelFulfillmentSchema,
  transferStockSchema,
  cancelTransferSchema,
]);
export type CancelTransfer = z.infer<typeof cancelTransferSchema>;
export type DispatchFulfillment = z.infer<typeof dispatchFulfillmentSchema>;
export type CancelFulfillment = z.infer<typeof cancelFulfillmentSchema>;
export type TransferStock = z.infer<typeof transferStockSchema>;
export type LogisticsCommand = z.infer<typeof logisticsCommandSchema>;

// retail.orders.status (key = orderId) ----------------------------------------------------------

export const orderBackorderedSchema = z.object({
  eventId: id,
  type: z.literal('OrderBackordered'),
  occurredAt: issuedAt,
  orderId: id,
  lines,
});
export type OrderBackordered = z.infer<typeof orderBackorderedSchema>;

/** v1.1: where an order is sourced from, what is backordered, and why, in words a storefront can show. */
export const orderSourcedSchema = z.object({
  eventId: id,
  type: z.literal('OrderSourced'),
  occurredAt: issuedAt,
  orderId: id,
  fulfillments: z.array(z.object({ fulfillmentId: id, fromLocationId: id, lines })),
  backordered: z.array(quantityLineSchema),
  reason: z.string(),
});
/** A fulfillment's state as GET /v1/orders/{orderId}/fulfillment shows it ('awaiting-transfer': listed under awaitingTransfers). */
export const fulfillmentStateSchema = z.enum(['awaiting-transfer', 'dispatched', 'shipped', 'collected', 'failed', 'cancelled']);
/** v1.1: one message per state change of a fulfillment, the first when it is created. */
export const fulfillmentStateChangedSchema = z.object({
  eventId: id,
  type: z.literal('FulfillmentStateChanged'),
  occurredAt: issuedAt,
  orderId: id,
  fulfillmentId: id,
  state: fulfillmentStateSchema,
});
export const orderStatusMessageSchema = z.discriminatedUnion('type', [
  orderBackorderedSchema,
  orderSourcedSchema,
  fulfillmentStateChangedSchema,
]);
export type OrderSourced = z.infer<typeof orderSourcedSchema>;
export type FulfillmentStateChanged = z.infer<typeof fulfillmentStateChangedSchema>;
export type OrderStatusMessage = z.infer<typeof orderStatusMessageSchema>;

// retail.stock.changes (key = sku, compacted) ---------------------------------------------------

/** v1.1: after each change to a SKU's stock view, its `GET /v1/stock/{sku}` body, position included. */
export const stockChangeSchema = skuStockSchema;
export type StockChangeMessage = z.infer<typeof stockChangeSchema>;
