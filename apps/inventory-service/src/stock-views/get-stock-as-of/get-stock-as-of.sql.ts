/**
 * The SKU's locations with their safety stock and online flag (as registered now), one row per
 * location the stock view knows the SKU at.
 */
export const SELECT_SKU_LOCATIONS = `
SELECT l.location_id, coalesce(p.safety_stock, loc.safety_stock, 0) AS safety_stock, coalesce(loc.ships_online, false) AS ships_online
FROM stock_levels l
LEFT JOIN locations loc ON loc.location_id = l.location_id
LEFT JOIN sku_policies p ON p.sku = l.sku AND p.location_id = l.location_id
WHERE l.sku = $1
ORDER BY l.location_id`;

/**
 * The events of these stock item streams that happened at or before $2 (business time) and that the
 * stock view has applied (at or below its checkpoint $3.$4), in the order each stream recorded them.
 * Walks events_stock_item_occurred_at_idx (the LIKE repeats the partial index's predicate so the
 * planner may use it): test/stock-as-of.int.spec.ts.
 */
export const SELECT_STOCK_EVENTS_AS_OF = `
SELECT stream_id, event_type AS type, data
FROM events
WHERE stream_id = ANY($1::text[]) AND stream_id LIKE 'stock-item|%'
  AND event_occurred_at(data) <= $2::timestamptz
  AND (transaction_id, global_position) <= ($3::xid8, $4::bigint)
ORDER BY stream_id, stream_version`;
