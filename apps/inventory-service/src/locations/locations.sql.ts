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
