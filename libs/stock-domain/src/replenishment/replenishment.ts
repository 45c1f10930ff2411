/**
 * Store replenishment: when a store's available falls to its reorder point, ask the best warehouse
 * for a transfer. Pure, no framework.
 */
import { distanceKm, type GeoPoint } from '../geo';

export interface ReplenishmentPolicy {
  /** Configured for the SKU at the store; null: derived from sales velocity. */
  reorderPoint: number | null;
  /** Configured for the SKU at the store; null: enough to cover `coverDays` of sales above the reorder point. */
  reorderQuantity: number | null;
  safetyStock: number;
}

export interface ReplenishmentNeed {
  storeId: string;
  sku: string;
  store: GeoPoint;
  /** onHand − reserved − safety stock at the store. */
  available: number;
  /** Units sold per day lately (store sales and online orders shipped or collected there). */
  unitsSoldPerDay: number;
  policy: ReplenishmentPolicy;
  /** A replenishment transfer into the store for this SKU that has not arrived yet. */
  openTransferId: string | null;
}

export interface WarehouseStock extends GeoPoint {
  locationId: string;
  /** onHand − reserved − the warehouse's own safety stock: the surplus it can give. */
  available: number;
}

export interface ReplenishmentSettings {
  leadTimeDays: number;
  coverDays: number;
}

export interface ReplenishmentDecision {
  fromLocationId: string;
  quantity: number;
  reasons: string[];
}

/** The reorder point the need is judged against: configured, or velocity × lead time + safety stock. */
export function reorderPointOf(
  need: Pick<ReplenishmentNeed, 'unitsSoldPerDay' | 'policy'>,
  settings: ReplenishmentSettings,
): number | null {
  if (need.policy.reorderPoint !== null) return need.policy.reorderPoint;
  if (need.unitsSoldPerDay <= 0) return null; // nothing sells: no reason to move stock
  return Math.ceil(need.unitsSoldPerDay * settings.leadTimeDays) + need.policy.safetyStock;
}

/** Null when no transfer is due (above the reorder point, one already open, or no warehouse has surplus). */
export function planReplenishment(
  need: ReplenishmentNeed,
  warehouses: readonly WarehouseStock[],
  settings: ReplenishmentSettings,
): ReplenishmentDecision | null {
  if (need.openTransferId !== null) return null;
  const reorderPoint = reorderPointOf(need, settings);
  if (reorderPoint === null || need.available > reorderPoint) return null;
  const wanted =
    need.policy.reorderQuantity ?? Math.max(1, Math.ceil(reorderPoint - need.available + need.unitsSoldPerDay * settings.coverDays));
  let best: { warehouse: WarehouseStock; distance: number } | null = null;
  for (const warehouse of warehouses) {
    if (warehouse.available <= 0) continue;
    const distance = distanceKm(need.store, warehouse);
    if (!best || distance < best.distance || (distance === best.distance && warehouse.locationId < best.warehouse.locationId))
      best = { warehouse, distance };
  }
  if (!best) return null;
  const quantity = Math.min(wanted, best.warehouse.available);
  return {
    fromLocationId: best.warehouse.locationId,
    quantity,
    reasons: [
      `${need.sku} at ${need.storeId}: available ${need.available} is at or below the reorder point ${reorderPoint}` +
        (need.policy.reorderPoint === null
          ? ` (${need.unitsSoldPerDay.toFixed(2)}/day × ${settings.leadTimeDays} days lead time + safety stock ${need.policy.safetyStock})`
          : ' (configured)'),
      `${best.warehouse.locationId} is the nearest warehouse with surplus (${best.distance.toFixed(2)} km, ${best.warehouse.available} above its safety stock)`,
      quantity < wanted ? `asked for ${quantity} of the ${wanted} wanted: all the surplus it has` : `asked for ${quantity}`,
    ],
  };
}
