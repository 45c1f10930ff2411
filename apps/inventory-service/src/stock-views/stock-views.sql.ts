/*
 * Stock totals are bigint (a sum of events can leave 32 bits); reads cast them to float8, which pg
 * hands to JavaScript as a number (bigint would come as a string), exact because the stock item's
 * decider keeps every total within 2^53 - 1.
 */

/**
 * Add per-(SKU, location) changes of one projection batch in one statement. The batch's changes are
 * summed per row first (by the projection), so a hot SKU costs one row update per batch.
 */
export const applyStockLevelChanges = (table: string) => `
INSERT INTO ${table} AS levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::bigint[])
ON CONFLICT (sku, location_id) DO UPDATE SET
  on_hand = levels.on_hand + EXCLUDED.on_hand,
  reserved = levels.reserved + EXCLUDED.reserved,
  in_transit = levels.in_transit + EXCLUDED.in_transit,
  last_changed_at = GREATEST(levels.last_changed_at, EXCLUDED.last_changed_at),
  last_position = EXCLUDED.last_position`;

/**
 * Levels of many SKUs, with each location's safety stock and online flag, and the position the view
 * reflects, read in one statement (one snapshot), so the position never claims more than the levels
 * show: the view's checkpoint (a row with a null sku; none before the view's first batch), then the
 * levels in SKU and location order. The hottest read: the caller prepares it (planning it cost more
 * than running it), and a UNION ALL spares a join and a sort per request. Each row's policy is one probe
 * of the policies' key, so a window of the stock-change feed (a thousand SKUs) never hashes the
 * whole policies table (test/periodic-statement-plans.int.spec.ts).
 */
export const SELECT_STOCK_OF_SKUS = `
SELECT c.transaction_id::text AS transaction_id, c.global_position, NULL AS sku, NULL AS location_id, NULL::float8 AS on_hand,
       NULL::float8 AS reserved, NULL::float8 AS in_transit, NULL::int AS safety_stock, NULL::boolean AS ships_online
FROM checkpoints c WHERE c.processor_id = $2
UNION ALL
(SELECT NULL, NULL, l.sku, l.location_id, l.on_hand::float8, l.reserved::float8, l.in_transit::float8,
        coalesce((SELECT p.safety_stock FROM sku_policies p WHERE p.sku = l.sku AND p.location_id = l.location_id), loc.safety_stock, 0),
        coalesce(loc.ships_online, false)
 FROM stock_levels l
 LEFT JOIN locations loc ON loc.location_id = l.location_id
 WHERE l.sku = ANY($1::text[])
 ORDER BY l.sku, l.location_id)`;

/** A SKU at every store open for pickup, with what the pickup search needs. */
export const SELECT_PICKUP_CANDIDATES = `
SELECT loc.location_id, loc.lat, loc.lng, (l.on_hand - l.reserved - coalesce(p.safety_stock, loc.safety_stock))::float8 AS available
FROM stock_levels l
JOIN locations loc ON loc.location_id = l.location_id
LEFT JOIN sku_policies p ON p.sku = l.sku AND p.location_id = l.location_id
WHERE l.sku = $1 AND loc.pickup AND loc.type = 'store'`;

/** One location's stock, a page at a time in SKU order (index stock_levels_location_sku_idx). */
export const SELECT_LOCATION_STOCK_PAGE = `
SELECT l.sku, l.on_hand::float8 AS on_hand, l.reserved::float8 AS reserved, l.in_transit::float8 AS in_transit,
       (l.on_hand - l.reserved - coalesce(p.safety_stock, loc.safety_stock, 0))::float8 AS available, l.last_changed_at,
       (SELECT coalesce(sum(d.units), 0)::float / $4 FROM daily_sales d
        WHERE d.sku = l.sku AND d.location_id = l.location_id AND d.day > current_date - $4::int) AS units_sold_per_day
FROM stock_levels l
LEFT JOIN locations loc ON loc.location_id = l.location_id
LEFT JOIN sku_policies p ON p.sku = l.sku AND p.location_id = l.location_id
WHERE l.location_id = $1 AND l.sku > $2
ORDER BY l.sku
LIMIT $3`;

/**
 * Negative on-hand, the books' way of saying "sold what we did not know we had": worst first. Reads
 * the partial index on the stored `negative` flag (on_hand itself is in no index, so updates stay HOT).
 */
export const SELECT_NEGATIVE_STOCK = `
SELECT location_id, sku, on_hand::float8 AS on_hand, last_changed_at FROM stock_levels WHERE negative
ORDER BY on_hand, location_id, sku LIMIT $1`;

/** SKU-locations at or below their reorder point (only those with a policy that sets one). */
export const SELECT_LOW_STOCK = `
SELECT p.location_id, p.sku, p.reorder_point, p.reorder_quantity,
       (coalesce(l.on_hand, 0) - coalesce(l.reserved, 0) - p.safety_stock)::float8 AS available
FROM sku_policies p
LEFT JOIN stock_levels l ON l.sku = p.sku AND l.location_id = p.location_id
WHERE p.reorder_point IS NOT NULL
  AND coalesce(l.on_hand, 0) - coalesce(l.reserved, 0) - p.safety_stock <= p.reorder_point
ORDER BY coalesce(l.on_hand, 0) - coalesce(l.reserved, 0) - p.safety_stock - p.reorder_point, p.location_id, p.sku
LIMIT $1`;

export const addDailySales = (table: string) => `
INSERT INTO ${table} AS sales (sku, location_id, day, units)
SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[])
ON CONFLICT (sku, location_id, day) DO UPDATE SET units = sales.units + EXCLUDED.units`;

/** Average units sold per day over the last $3 days up to $4 (inclusive), for some (SKU, location) pairs. */
export const SELECT_UNITS_SOLD_PER_DAY = `
SELECT k.sku, k.location_id, coalesce(sum(d.units), 0)::float / $3 AS per_day
FROM unnest($1::text[], $2::text[]) AS k(sku, location_id)
LEFT JOIN daily_sales d ON d.sku = k.sku AND d.location_id = k.location_id AND d.day > $4::date - $3::int AND d.day <= $4::date
GROUP BY k.sku, k.location_id`;
