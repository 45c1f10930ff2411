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

// retail.stock.changes (key = sku, compacted) ---------------------------------------------------

/** v1.1: after each change to a SKU's stock view, its `GET /v1/stock/{sku}` body, position included. */
export const stockChangeSchema = skuStockSchema;
export type StockChangeMessage = z.infer<typeof stockChangeSchema>;
