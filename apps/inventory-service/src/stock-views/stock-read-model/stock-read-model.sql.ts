/*
 * The statements of the in-process stock read model. Each is bounded by an index (see
 * test/periodic-statement-plans.int.spec.ts): the load walks stock_levels' primary key a page at a
 * time, a change re-reads the changed SKUs by the same key, and the SKU's own safety stock comes
 * from a probe of sku_policies' primary key per row (a join could hash all of sku_policies).
 */

/** A page of the whole view after ($1 sku, $2 location) in key order, $3 rows at most: the background load. */
export const SELECT_STOCK_LEVELS_PAGE = `
SELECT l.sku, l.location_id, l.on_hand::float8 AS on_hand, l.reserved::float8 AS reserved, l.in_transit::float8 AS in_transit,
       (SELECT p.safety_stock FROM sku_policies p WHERE p.sku = l.sku AND p.location_id = l.location_id) AS policy_safety_stock
FROM stock_levels l
WHERE (l.sku, l.location_id) > ($1::text, $2::text)
ORDER BY l.sku, l.location_id
LIMIT $3`;

/**
 * The rows of some SKUs ($1) and the position they reflect, in one statement (one snapshot): the
 * view's checkpoint (a row with a null sku; none before the view's first batch), then the rows in
 * SKU and location order. What a change re-reads.
 */
export const SELECT_STOCK_LEVELS_OF_SKUS = `
SELECT c.transaction_id::text AS transaction_id, c.global_position, NULL AS sku, NULL AS location_id, NULL::float8 AS on_hand,
       NULL::float8 AS reserved, NULL::float8 AS in_transit, NULL::int AS policy_safety_stock
FROM checkpoints c WHERE c.processor_id = $2
UNION ALL
(SELECT NULL, NULL, l.sku, l.location_id, l.on_hand::float8, l.reserved::float8, l.in_transit::float8,
        (SELECT p.safety_stock FROM sku_policies p WHERE p.sku = l.sku AND p.location_id = l.location_id)
 FROM stock_levels l
 WHERE l.sku = ANY($1::text[])
 ORDER BY l.sku, l.location_id)`;

/** The location registry's profiles after $1 in id order, $2 at most: what a location change re-reads. */
export const SELECT_LOCATION_PROFILES_PAGE = `
SELECT location_id, safety_stock, ships_online FROM locations WHERE location_id > $1 ORDER BY location_id LIMIT $2`;

export interface StockLevelsPageRow {
  sku: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  in_transit: number;
  policy_safety_stock: number | null;
}

export type StockLevelsOfSkusRow =
  { sku: null; transaction_id: string; global_position: string } | (StockLevelsPageRow & { transaction_id: null; global_position: null });
