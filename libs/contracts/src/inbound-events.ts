import { z } from 'zod';

/** ISO-8601 timestamp that carries a zone (Z or ±hh:mm), as the contract requires. */
const occurredAt = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(200);
/**
 * A SKU, wherever it appears (events, URLs, lookups): 1 to 100 characters, none of them whitespace or a
 * comma (lookups and live streams take comma-separated lists).
 */
export const SKU_PATTERN = /^[^\s,]{1,100}$/;
export const SKU_RULE = 'a SKU is 1 to 100 characters with no spaces or commas';
const sku = z.string().regex(SKU_PATTERN, SKU_RULE);
/**
 * The most units one line may move, count or adjust. Stock views keep 32-bit integers; without a bound,
 * one line of 3 billion units would overflow a view's row and stop that projection for everyone.
 */
export const MAX_LINE_QUANTITY = 1_000_000;
const quantity = z.number().int().positive().max(MAX_LINE_QUANTITY);

export const quantityLineSchema = z.object({ sku, quantity });
export type QuantityLine = z.infer<typeof quantityLineSchema>;
const quantityLines = z.array(quantityLineSchema).min(1).max(1000);

const envelope = { eventId: id, occurredAt };

// retail.sales.offline ------------------------------------------------------------------------

export const storeSaleRecordedSchema = z.object({
  ...envelope,
  type: z.literal('StoreSaleRecorded'),
  storeId: id,
  receiptId: id,
  lines: quantityLines,
});
export const storeReturnRecordedSchema = z.object({
  ...envelope,
  type: z.literal('StoreReturnRecorded'),
  storeId: id,
  receiptId: id,
  lines: quantityLines,
});
export const offlineSalesEventSchema = z.discriminatedUnion('type', [storeSaleRecordedSchema, storeReturnRecordedSchema]);
export type StoreSaleRecorded = z.infer<typeof storeSaleRecordedSchema>;
export type StoreReturnRecorded = z.infer<typeof storeReturnRecordedSchema>;
export type OfflineSalesEvent = z.infer<typeof offlineSalesEventSchema>;

// retail.orders.online ------------------------------------------------------------------------

export const deliverySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('ship'), lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
  z.object({ mode: z.literal('pickup'), storeId: id }),
]);
export type Delivery = z.infer<typeof deliverySchema>;

export const onlineOrderPlacedSchema = z.object({
  ...envelope,
  type: z.literal('OnlineOrderPlaced'),
  orderId: id,
  lines: quantityLines,
  delivery: deliverySchema,
});
export const onlineOrderCancelledSchema = z.object({
  ...envelope,
  type: z.literal('OnlineOrderCancelled'),
  orderId: id,
});
export const onlineOrderEventSchema = z.discriminatedUnion('type', [onlineOrderPlacedSchema, onlineOrderCancelledSchema]);
export type OnlineOrderPlaced = z.infer<typeof onlineOrderPlacedSchema>;
export type OnlineOrderCancelled = z.infer<typeof onlineOrderCancelledSchema>;
export type OnlineOrderEvent = z.infer<typeof onlineOrderEventSchema>;

// retail.stock.movements ----------------------------------------------------------------------

export const ADJUSTMENT_REASONS = ['damaged', 'shrinkage', 'found', 'correction'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const stockReceivedSchema = z.object({
  ...envelope,
  type: z.literal('StockReceived'),
  locationId: id,
  lines: quantityLines,
});
export const stockAdjustedSchema = z.object({
  ...envelope,
  type: z.literal('StockAdjusted'),
  locationId: id,
  reason: z.enum(ADJUSTMENT_REASONS),
  lines: z
    .array(
      z.object({
        sku,
        delta: z
          .number()
          .int()
          .min(-MAX_LINE_QUANTITY)
          .max(MAX_LINE_QUANTITY)
          .refine((d) => d !== 0, 'delta must not be 0'),
      }),
    )
    .min(1)
    .max(1000),
});
export const stockCountedSchema = z.object({
  ...envelope,
  type: z.literal('StockCounted'),
  locationId: id,
  lines: z
    .array(z.object({ sku, countedQuantity: z.number().int().nonnegative().max(MAX_LINE_QUANTITY) }))
    .min(1)
    .max(1000),
});
export const stockMovementEventSchema = z.discriminatedUnion('type', [stockReceivedSchema, stockAdjustedSchema, stockCountedSchema]);
export type StockReceived = z.infer<typeof stockReceivedSchema>;
export type StockAdjusted = z.infer<typeof stockAdjustedSchema>;
export type StockCounted = z.infer<typeof stockCountedSchema>;
export type StockMovementEvent = z.infer<typeof stockMovementEventSchema>;

// retail.logistics.events ---------------------------------------------------------------------

export const fulfillmentShippedSchema = z.object({ ...envelope, type: z.literal('FulfillmentShipped'), fulfillmentId: id });
export const fulfillmentFailedSchema = z.object({
  ...envelope,
  type: z.literal('FulfillmentFailed'),
  fulfillmentId: id,
  shortLines: z.array(quantityLineSchema).max(1000),
});
export const pickupCollectedSchema = z.object({ ...envelope, type: z.literal('PickupCollected'), fulfillmentId: id });
export const transferShippedSchema = z.object({ ...envelope, type: z.literal('TransferShipped'), transferId: id });
export const transferReceivedSchema = z.object({
  ...envelope,
  type: z.literal('TransferReceived'),
  transferId: id,
  lines: quantityLines,
});
export const logisticsEventSchema = z.discriminatedUnion('type', [
  fulfillmentShippedSchema,
  fulfillmentFailedSchema,
  pickupCollectedSchema,
  transferShippedSchema,
  transferReceivedSchema,
]);
export type LogisticsEvent = z.infer<typeof logisticsEventSchema>;

export type InboundEvent = OfflineSalesEvent | OnlineOrderEvent | StockMovementEvent | LogisticsEvent;
