export const upsertLocation = (table: string) => `
INSERT INTO ${table} (location_id, type, name, lat, lng, ships_online, pickup, daily_capacity, safety_stock, version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (location_id) DO UPDATE SET
  type = EXCLUDED.type, name = EXCLUDED.name, lat = EXCLUDED.lat, lng = EXCLUDED.lng,
  ships_online = EXCLUDED.ships_online, pickup = EXCLUDED.pickup, daily_capacity = EXCLUDED.daily_capacity,
  safety_stock = EXCLUDED.safety_stock, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`;

const LOCATION_COLUMNS = `location_id, type, name, lat, lng, ships_online, pickup, daily_capacity, safety_stock, version, updated_at`;

export const SELECT_LOCATION = `SELECT ${LOCATION_COLUMNS} FROM locations WHERE location_id = $1`;

export const SELECT_LOCATIONS_PAGE = `
SELECT ${LOCATION_COLUMNS} FROM locations WHERE location_id > $1 ORDER BY location_id LIMIT $2`;

/** Stock-view rows holding stock (on hand, reserved or in transit not 0) at locations not in the registry (bigint totals read as numbers, exact to 2^53). */
export const SELECT_STOCK_AT_UNREGISTERED_LOCATIONS = `
SELECT l.location_id, l.sku, l.on_hand::float8 AS on_hand, l.reserved::float8 AS reserved, l.in_transit::float8 AS in_transit
FROM stock_levels l
WHERE (l.on_hand <> 0 OR l.reserved <> 0 OR l.in_transit <> 0)
  AND NOT EXISTS (SELECT 1 FROM locations loc WHERE loc.location_id = l.location_id)`;

/**
 * Stock-item streams (`stock-item|<location>|<sku>`, both parts URI-encoded) whose encoded location
 * is not a registered id as it stands; the caller decodes and checks again (an id that needs
 * encoding never matches here).
 */
export const SELECT_STOCK_ITEM_STREAMS_OUTSIDE_REGISTRY = `
SELECT s.stream_id
FROM streams s
WHERE s.stream_id LIKE 'stock-item|%'
  AND NOT EXISTS (SELECT 1 FROM locations loc WHERE loc.location_id = split_part(s.stream_id, '|', 2))`;

export const SELECT_REGISTERED_LOCATION_IDS = `SELECT location_id FROM locations WHERE location_id = ANY($1::text[])`;
