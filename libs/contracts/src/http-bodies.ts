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

/** Location ids and SKUs in URLs: no spaces, commas or slashes. */
export const LOCATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** `PUT /v1/locations/{locationId}/skus/{sku}/policy` body. */
export const skuPolicySchema = z
  .object({
    safetyStock: z.number().int().nonnegative().max(MAX_LINE_QUANTITY),
    reorderPoint: z.number().int().nonnegative().max(MAX_LINE_QUANTITY).nullable().default(null),
    reorderQuantity: z.number().int().positive().max(MAX_LINE_QUANTITY).nullable().default(null),
  })
  .strict();
export type SkuPolicyBody = z.infer<typeof skuPolicySchema>;
