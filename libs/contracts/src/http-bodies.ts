import { z } from 'zod';
import { MAX_LINE_QUANTITY } from './inbound-events';

/** `PUT /v1/locations/{locationId}` body. */
export const locationProfileSchema = z
  .object({
    type: z.enum(['store', 'warehouse']),
    name: z.string().min(1).max(200),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    shipsOnline: z.boolean(),
    pickup: z.boolean(),
    dailyCapacity: z.number().int().nonnegative().max(MAX_LINE_QUANTITY),
    safetyStock: z.number().int().nonnegative().max(MAX_LINE_QUANTITY).default(0),
  })
  .strict();
export type LocationProfileBody = z.infer<typeof locationProfileSchema>;

/**
 * A location id, in URLs as in events (whose storeId, locationId, fromLocationId and toLocationId
 * take any 1 to 200 characters): anything but NUL, which PostgreSQL cannot store. One rule, so a
 * store that sells through Kafka ("杭州西湖店", "S 001") can also be registered.
 */
// eslint-disable-next-line no-control-regex -- NUL is the one character excluded, on purpose.
export const LOCATION_ID_PATTERN = /^[^\u0000]{1,200}$/;
export const LOCATION_ID_RULE = 'a location id is 1 to 200 characters, none of them NUL (U+0000)';

/** `PUT /v1/locations/{locationId}/skus/{sku}/policy` body. */
export const skuPolicySchema = z
  .object({
    safetyStock: z.number().int().nonnegative().max(MAX_LINE_QUANTITY),
    reorderPoint: z.number().int().nonnegative().max(MAX_LINE_QUANTITY).nullable().default(null),
    reorderQuantity: z.number().int().positive().max(MAX_LINE_QUANTITY).nullable().default(null),
  })
  .strict();
export type SkuPolicyBody = z.infer<typeof skuPolicySchema>;
