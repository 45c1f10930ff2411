import { z } from 'zod';
import { locationProfileSchema } from './http-bodies';
import { deliverySchema } from './inbound-events';

/**
 * Every HTTP response body by the name the OpenAPI document gives it (`#/components/schemas/<id>`).
 * The controllers return the types inferred below, the document is generated from these schemas,
 * and the end-to-end tests check real answers against that document. The contract lets the service
 * add fields, never rename or drop one.
 */
export const httpResponseSchemas = z.registry<{ id: string }>();

const count = z.number().int();
const timestamp = z.iso.datetime();
const position = z
  .string()
  .regex(/^\d+\.\d+$/)
  .describe('The stock view position the answer reflects (`<transaction>.<global position>`); ordered');
const nextPage = z.string().nullable().describe('The `after` of the next page; null on the last page');

// Stock reads ------------------------------------------------------------------------------------

export const locationStockSchema = z
  .object({
    locationId: z.string(),
    onHand: count,
    reserved: count,
    available: count.describe('onHand − reserved − safety stock; may be negative'),
    inTransit: count,
  })
  .register(httpResponseSchemas, { id: 'LocationStock' });
export type LocationStock = z.infer<typeof locationStockSchema>;

/** `GET /v1/stock/{sku}`: the contract's stock view of one SKU (also each value on retail.stock.changes). */
export const skuStockSchema = z
  .object({
    sku: z.string(),
    onHand: count,
    reserved: count,
    available: count,
    onlineAvailableToPromise: count.describe('Sum of max(0, available) over locations that ship online'),
    locations: z.array(locationStockSchema),
    position,
    asOf: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('With `?asOf=`: the moment of business time the stock is as of (the log as it is known at `position`)'),
  })
  .register(httpResponseSchemas, { id: 'SkuStock' });
export type SkuStock = z.infer<typeof skuStockSchema>;

/** `GET /v1/stock?skus=`. */
export const skuStockListSchema = z.object({ items: z.array(skuStockSchema) }).register(httpResponseSchemas, { id: 'SkuStockList' });
export type SkuStockList = z.infer<typeof skuStockListSchema>;

/** `GET /v1/stock/{sku}/pickup`: pickup stores with the SKU available, nearest first. */
export const pickupOptionsSchema = z
  .object({
    sku: z.string(),
    stores: z.array(z.object({ locationId: z.string(), available: count, distanceKm: z.number() })),
    position,
  })
  .register(httpResponseSchemas, { id: 'PickupOptions' });
export type PickupOptions = z.infer<typeof pickupOptionsSchema>;

/** `GET /v1/locations/{locationId}/stock`: one location's stock, a page of SKUs. */
export const locationStockPageSchema = z
  .object({
    locationId: z.string(),
    items: z.array(
      z.object({
        sku: z.string(),
        onHand: count,
        reserved: count,
        available: count,
        inTransit: count,
        lastChangedAt: timestamp,
        unitsSoldPerDay: z
          .number()
          .describe('Units sold per day over the last 7 days (store sales plus online orders shipped or collected here)'),
        daysOfCover: z.number().nullable().describe('available ÷ unitsSoldPerDay; null when nothing sells'),
      }),
    ),
    next: nextPage,
    position,
  })
  .register(httpResponseSchemas, { id: 'LocationStockPage' });
export type LocationStockPage = z.infer<typeof locationStockPageSchema>;

export const negativeStockItemSchema = z
  .object({ locationId: z.string(), sku: z.string(), onHand: count, lastChangedAt: timestamp })
  .register(httpResponseSchemas, { id: 'NegativeStockItem' });
export type NegativeStockItem = z.infer<typeof negativeStockItemSchema>;

export const lowStockItemSchema = z
  .object({ locationId: z.string(), sku: z.string(), available: count, reorderPoint: count, reorderQuantity: count.nullable() })
  .register(httpResponseSchemas, { id: 'LowStockItem' });
export type LowStockItem = z.infer<typeof lowStockItemSchema>;

/** `GET /v1/stock-alerts/negative`. */
export const negativeStockSchema = z
  .object({ items: z.array(negativeStockItemSchema), position })
  .register(httpResponseSchemas, { id: 'NegativeStock' });
export type NegativeStock = z.infer<typeof negativeStockSchema>;

/** `GET /v1/stock-alerts/low`. */
export const lowStockSchema = z.object({ items: z.array(lowStockItemSchema), position }).register(httpResponseSchemas, { id: 'LowStock' });
export type LowStock = z.infer<typeof lowStockSchema>;

// Locations and SKU policies -----------------------------------------------------------------------

const profile = locationProfileSchema.shape;

/** A registered location: its profile as last PUT, with its id and version. */
export const locationViewSchema = z
  .object({
    locationId: z.string(),
    type: profile.type,
    name: profile.name,
    lat: profile.lat,
    lng: profile.lng,
    shipsOnline: profile.shipsOnline,
    pickup: profile.pickup,
    dailyCapacity: profile.dailyCapacity,
    safetyStock: profile.safetyStock.unwrap(),
    version: count,
    updatedAt: timestamp,
  })
  .register(httpResponseSchemas, { id: 'Location' });
export type LocationView = z.infer<typeof locationViewSchema>;

/** `GET /v1/locations`: locations in id order, a page at a time. */
export const locationPageSchema = z
  .object({ items: z.array(locationViewSchema), next: nextPage })
  .register(httpResponseSchemas, { id: 'LocationPage' });
export type LocationPage = z.infer<typeof locationPageSchema>;

/** `PUT /v1/locations/{locationId}/skus/{sku}/policy`: the policy as set. */
export const skuPolicyViewSchema = z
  .object({
    locationId: z.string(),
    sku: z.string(),
    safetyStock: count,
    reorderPoint: count.nullable(),
    reorderQuantity: count.nullable(),
    version: count,
    updatedAt: timestamp,
  })
  .register(httpResponseSchemas, { id: 'SkuPolicy' });
export type SkuPolicyView = z.infer<typeof skuPolicyViewSchema>;

// Orders -------------------------------------------------------------------------------------------

const orderLinesSchema = z.array(z.object({ sku: z.string(), quantity: count.min(1) })).register(httpResponseSchemas, { id: 'OrderLines' });

/** `GET /v1/orders/{orderId}/fulfillment`: the contract's view of an order's fulfillment, plus what waits for transfers. */
export const orderFulfillmentViewSchema = z
  .object({
    orderId: z.string(),
    status: z.enum(['open', 'cancelled']),
    delivery: deliverySchema.describe('As placed: {"mode":"ship","lat","lng"} or {"mode":"pickup","storeId"}'),
    fulfillments: z.array(
      z.object({
        fulfillmentId: z.string(),
        fromLocationId: z.string(),
        lines: orderLinesSchema,
        state: z.enum(['dispatched', 'shipped', 'collected', 'failed', 'cancelled']),
        reasons: z.array(z.string()).describe('Why sourcing chose this location'),
        awaitingCancelConfirmation: z
          .boolean()
          .describe(
            'Cancelled after dispatch and still holding reservedLines at fromLocationId until the location answers the CancelFulfillment (FulfillmentShipped or PickupCollected: they leave; FulfillmentFailed: released) or CANCEL_CONFIRM_HOURS pass',
          ),
        reservedLines: z
          .array(z.object({ sku: z.string(), quantity: count.min(1) }))
          .describe(
            'What is reserved for it at fromLocationId now: its lines while dispatched or awaiting a cancel confirmation, else none',
          ),
      }),
    ),
    awaitingTransfers: z
      .array(z.object({ fulfillmentId: z.string(), fromLocationId: z.string(), lines: orderLinesSchema, transferIds: z.array(z.string()) }))
      .describe('Pickup fulfillments not dispatched yet: the store waits for these transfers'),
    transfers: z.array(
      z.object({
        transferId: z.string(),
        fromLocationId: z.string(),
        toLocationId: z.string(),
        lines: orderLinesSchema,
        received: z.boolean(),
      }),
    ),
    backordered: orderLinesSchema,
    version: count.describe("The order stream's version: grows with every change"),
  })
  .register(httpResponseSchemas, { id: 'OrderFulfillment' });
export type OrderFulfillmentView = z.infer<typeof orderFulfillmentViewSchema>;

// Gateways and errors ------------------------------------------------------------------------------

/** `202` of `POST /v1/pos/events` and `POST /v1/stock/movements`: durably written to this topic. */
export const acceptedEventSchema = z
  .object({ eventId: z.string(), topic: z.string() })
  .register(httpResponseSchemas, { id: 'AcceptedEvent' });
export type AcceptedEvent = z.infer<typeof acceptedEventSchema>;

/** Every 4xx and 5xx: what is wrong and what to do, a stable code, and the fields at fault. */
export const apiErrorBodySchema = z
  .object({
    error: z.string().describe('What is wrong and what to do'),
    code: z.string().describe('Stable code, e.g. STOCK.TOO_MANY_SKUS').optional(),
    details: z.array(z.object({ field: z.string(), problem: z.string() })),
  })
  .register(httpResponseSchemas, { id: 'Error' });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
