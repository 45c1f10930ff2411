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
 * The events of these stock item streams ($1) that happened at or before $2 (business time) and
 * that the stock view has applied (at or below its checkpoint $3.$4). Walks
 * events_stock_item_occurred_at_idx (the LIKE repeats the partial index's predicate so the planner
 * may use it): test/stock-as-of.int.spec.ts.
 */
const KNOWN_STOCK_EVENTS = `
FROM events e
WHERE e.stream_id = ANY($1::text[]) AND e.stream_id LIKE 'stock-item|%'
  AND event_occurred_at(e.data) <= $2::timestamptz
  AND (e.transaction_id, e.global_position) <= ($3::xid8, $4::bigint)`;

/**
 * Per stream with any such event: the plain sums of its reserved and in-transit changes, and its
 * latest count (of two at one instant, the first recorded), the base of stockItemAsOfFrom.
 */
export const SELECT_STOCK_ITEM_BASES_AS_OF = `
WITH sums AS (
  SELECT e.stream_id, sum(coalesce((e.data->>'reservedChange')::bigint, 0))::float8 AS reserved,
         sum(coalesce((e.data->>'inTransitChange')::bigint, 0))::float8 AS in_transit
  ${KNOWN_STOCK_EVENTS}
  GROUP BY e.stream_id
), counts AS (
  SELECT DISTINCT ON (e.stream_id) e.stream_id, e.data->>'occurredAt' AS counted_at, (e.data->>'countedQuantity')::float8 AS counted
  ${KNOWN_STOCK_EVENTS} AND e.event_type = 'StockCounted'
  ORDER BY e.stream_id, event_occurred_at(e.data) DESC, e.stream_version
)
SELECT s.stream_id, s.reserved, s.in_transit, c.counted_at, c.counted FROM sums s LEFT JOIN counts c USING (stream_id)`;

/** The events each stream recorded after its latest count ($5, parallel to $1; null: none) up to the moment, in stream order. */
export const SELECT_STOCK_EVENTS_AFTER_COUNTS = `
SELECT e.stream_id, e.event_type AS type, e.data
FROM unnest($1::text[], $5::timestamptz[]) AS s(stream_id, since)
JOIN events e ON e.stream_id = s.stream_id
WHERE e.stream_id LIKE 'stock-item|%'
  AND event_occurred_at(e.data) > coalesce(s.since, '-infinity'::timestamptz) AND event_occurred_at(e.data) <= $2::timestamptz
  AND (e.transaction_id, e.global_position) <= ($3::xid8, $4::bigint)
  AND e.event_type <> 'StockCounted'
ORDER BY e.stream_id, e.stream_version`;
