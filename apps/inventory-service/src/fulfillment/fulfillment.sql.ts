/** Every registered location, with what sourcing needs of it (the inline `locations` view). */
export const SELECT_NETWORK_LOCATIONS = `
SELECT location_id, type, name, lat, lng, ships_online, pickup, daily_capacity, safety_stock, version, updated_at
FROM locations ORDER BY location_id`;

/** Per-SKU policies (safety stock, reorder point and quantity) of some SKUs at every location. */
export const SELECT_SKU_POLICIES_OF_SKUS = `
SELECT location_id, sku, safety_stock, reorder_point, reorder_quantity
FROM sku_policies WHERE sku = ANY($1::text[])`;

/** Make sure each location has its row for the day, in location order (so concurrent batches queue, never deadlock). */
export const ENSURE_DISPATCH_DAY_ROWS = `
INSERT INTO location_dispatch_days (location_id, day, dispatched)
SELECT location_id, $2::date, 0 FROM unnest($1::text[]) AS l(location_id) ORDER BY location_id
ON CONFLICT DO NOTHING`;

/** The day's dispatch counts, locked until commit: capacity is decided by one batch at a time. */
export const LOCK_DISPATCH_DAY_ROWS = `
SELECT location_id, dispatched FROM location_dispatch_days
WHERE day = $2::date AND location_id = ANY($1::text[])
ORDER BY location_id FOR UPDATE`;

export const ADD_DISPATCHES = `
UPDATE location_dispatch_days d SET dispatched = d.dispatched + x.added
FROM unnest($1::text[], $3::int[]) AS x(location_id, added)
WHERE d.day = $2::date AND d.location_id = x.location_id`;

/** A pickup now waits at its store until collected or its hold expires. */
export const INSERT_PICKUP_HOLDS = `
INSERT INTO pickup_holds (fulfillment_id, order_id, store_id, expires_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
ON CONFLICT (fulfillment_id) DO NOTHING`;

export const DELETE_PICKUP_HOLDS = `DELETE FROM pickup_holds WHERE fulfillment_id = ANY($1::text[])`;

/** A transfer now waits to be shipped until its ship-by time (TRANSFER_SHIP_HOURS after the request). */
export const INSERT_TRANSFERS_AWAITING_SHIPMENT = `
INSERT INTO transfers_awaiting_shipment (transfer_id, ship_by)
SELECT * FROM unnest($1::text[], $2::timestamptz[])
ON CONFLICT (transfer_id) DO NOTHING`;

export const DELETE_TRANSFERS_AWAITING_SHIPMENT = `DELETE FROM transfers_awaiting_shipment WHERE transfer_id = ANY($1::text[])`;

/** Transfers past their ship-by time, oldest first; SKIP LOCKED lets several instances sweep side by side. */
export const SELECT_TRANSFERS_PAST_SHIP_BY = `
SELECT transfer_id FROM transfers_awaiting_shipment WHERE ship_by <= $1::timestamptz
ORDER BY ship_by LIMIT $2 FOR UPDATE SKIP LOCKED`;

/** Holds past their expiry, oldest first; SKIP LOCKED lets several instances sweep side by side. */
export const SELECT_EXPIRED_PICKUP_HOLDS = `
SELECT fulfillment_id, order_id FROM pickup_holds WHERE expires_at <= $1::timestamptz
ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`;

/** A cancelled fulfillment now holds its units until its location answers, or until its release-by time. */
export const INSERT_CANCELS_AWAITING_CONFIRMATION = `
INSERT INTO cancels_awaiting_confirmation (fulfillment_id, order_id, release_by)
SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
ON CONFLICT (fulfillment_id) DO NOTHING`;

export const DELETE_CANCELS_AWAITING_CONFIRMATION = `DELETE FROM cancels_awaiting_confirmation WHERE fulfillment_id = ANY($1::text[])`;

/** Cancels nobody answered by their release-by time, oldest first; SKIP LOCKED lets several instances sweep side by side. */
export const SELECT_CANCELS_PAST_RELEASE_BY = `
SELECT fulfillment_id, order_id FROM cancels_awaiting_confirmation WHERE release_by <= $1::timestamptz
ORDER BY release_by LIMIT $2 FOR UPDATE SKIP LOCKED`;

/** Remember which order a digest in fulfillment ids stands for (the same digest always names the same order). */
export const INSERT_ORDER_ID_DIGESTS = `
INSERT INTO order_id_digests (digest, order_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (digest) DO NOTHING`;

/** The orders some digests in fulfillment ids stand for. */
export const SELECT_ORDER_IDS_BY_DIGEST = `SELECT digest, order_id FROM order_id_digests WHERE digest = ANY($1::text[])`;
