/** Every SKU the stock view holds at these locations (index stock_levels_location_sku_idx): a location's change can move them all. */
export const SELECT_SKUS_AT_LOCATIONS = `SELECT DISTINCT sku FROM stock_levels WHERE location_id = ANY($1::text[])`;
