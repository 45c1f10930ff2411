export const upsertSkuPolicy = (table: string) => `
INSERT INTO ${table} (location_id, sku, safety_stock, reorder_point, reorder_quantity, version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (sku, location_id) DO UPDATE SET
  safety_stock = EXCLUDED.safety_stock, reorder_point = EXCLUDED.reorder_point,
  reorder_quantity = EXCLUDED.reorder_quantity, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`;

export const SELECT_SKU_POLICY = `
SELECT location_id, sku, safety_stock, reorder_point, reorder_quantity, version, updated_at
FROM sku_policies WHERE location_id = $1 AND sku = $2`;

/** A row of `sku_policies`, as pg returns it. */
export interface SkuPolicyRow {
  location_id: string;
  sku: string;
  safety_stock: number;
  reorder_point: number | null;
  reorder_quantity: number | null;
  version: number;
  updated_at: Date;
}
