import { z } from 'zod';

/** `PUT /v1/locations/{locationId}` body. */
export const locationProfileSchema = z
  .object({
    type: z.enum(['store', 'warehouse']),
    name: z.string().min(1).max(200),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    shipsOnline: z.boolean(),
    pickup: z.boolean(),
    dailyCapacity: z.number().int().nonnegative(),
    safetyStock: z.number().int().nonnegative().default(0),
  })
  .strict();
export type LocationProfileBody = z.infer<typeof locationProfileSchema>;

/** Location ids and SKUs in URLs: no spaces, commas or slashes. */
export const LOCATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** `PUT /v1/locations/{locationId}/skus/{sku}/policy` body. */
export const skuPolicySchema = z
  .object({
    safetyStock: z.number().int().nonnegative(),
    reorderPoint: z.number().int().nonnegative().nullable().default(null),
    reorderQuantity: z.number().int().positive().nullable().default(null),
  })
  .strict();
export type SkuPolicyBody = z.infer<typeof skuPolicySchema>;
