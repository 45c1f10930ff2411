import type { SqlClient } from '@app/event-store';
import { stockItemKeyOf } from '@app/stock-domain';
import {
  SELECT_REGISTERED_LOCATION_IDS,
  SELECT_STOCK_AT_UNREGISTERED_LOCATIONS,
  SELECT_STOCK_ITEM_STREAMS_OUTSIDE_REGISTRY,
} from '../locations.sql';

/** A location that holds stock, or has stock history, but was never registered (data from before registration was required). */
export interface UnregisteredLocation {
  locationId: string;
  /** SKUs with stock in the view or a stock-item stream there. */
  skus: number;
  onHand: number;
  reserved: number;
  inTransit: number;
}

/** Every unregistered location that holds stock or has a stock-item stream, by location id. */
export async function findUnregisteredLocations(sql: SqlClient): Promise<UnregisteredLocation[]> {
  const byLocation = new Map<string, UnregisteredLocation & { skuSet: Set<string> }>();
  const entry = (locationId: string) => {
    let found = byLocation.get(locationId);
    if (!found) byLocation.set(locationId, (found = { locationId, skus: 0, onHand: 0, reserved: 0, inTransit: 0, skuSet: new Set() }));
    return found;
  };
  const rows = await sql.query<{ location_id: string; sku: string; on_hand: number; reserved: number; in_transit: number }>(
    SELECT_STOCK_AT_UNREGISTERED_LOCATIONS,
  );
  for (const row of rows) {
    const location = entry(row.location_id);
    location.skuSet.add(row.sku);
    location.onHand += row.on_hand;
    location.reserved += row.reserved;
    location.inTransit += row.in_transit;
  }
  const streamKeys = (await sql.query<{ stream_id: string }>(SELECT_STOCK_ITEM_STREAMS_OUTSIDE_REGISTRY)).flatMap(
    ({ stream_id }) => stockItemKeyOf(stream_id) ?? [],
  );
  // An id that needed encoding in its stream id passed the SQL filter unchecked: check it decoded.
  const registered = new Set(
    (await sql.query<{ location_id: string }>(SELECT_REGISTERED_LOCATION_IDS, [[...new Set(streamKeys.map((key) => key.locationId))]])).map(
      (row) => row.location_id,
    ),
  );
  for (const key of streamKeys) if (!registered.has(key.locationId)) entry(key.locationId).skuSet.add(key.sku);
  return [...byLocation.values()]
    .sort((a, b) => (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0))
    .map(({ skuSet, ...location }) => ({ ...location, skus: skuSet.size }));
}
