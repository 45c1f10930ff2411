import { describe, expect, it } from 'vitest';
import { planReplenishment, reorderPointOf, type ReplenishmentNeed } from './replenishment';

const settings = { leadTimeDays: 2, coverDays: 7 };
const need = (change: Partial<ReplenishmentNeed> = {}): ReplenishmentNeed => ({
  storeId: 'S001',
  sku: 'A',
  store: { lat: 30.25, lng: 120.16 },
  available: 3,
  unitsSoldPerDay: 0,
  policy: { reorderPoint: 5, reorderQuantity: 20, safetyStock: 1 },
  openTransferId: null,
  ...change,
});
const near = { locationId: 'W-NEAR', lat: 30.3, lng: 120.2, available: 50 };
const far = { locationId: 'W-FAR', lat: 31.2, lng: 121.4, available: 500 };

describe('replenishment', () => {
  it('asks the nearest warehouse with surplus for the configured quantity at the reorder point', () => {
    expect(planReplenishment(need({ available: 5 }), [far, near], settings)).toMatchObject({ fromLocationId: 'W-NEAR', quantity: 20 });
    expect(planReplenishment(need({ available: 6 }), [far, near], settings)).toBeNull();
  });

  it('skips warehouses without surplus above their own safety stock, and takes only what the chosen one has', () => {
    expect(planReplenishment(need(), [{ ...near, available: 0 }, far], settings)).toMatchObject({ fromLocationId: 'W-FAR', quantity: 20 });
    expect(planReplenishment(need(), [{ ...near, available: 7 }], settings)).toMatchObject({ fromLocationId: 'W-NEAR', quantity: 7 });
    expect(planReplenishment(need(), [{ ...near, available: -3 }], settings)).toBeNull();
  });

  it('never asks twice while a replenishment transfer is open', () => {
    expect(planReplenishment(need({ openTransferId: 'T-9' }), [near], settings)).toBeNull();
  });

  it('derives the reorder point from sales velocity × lead time + safety stock when none is configured', () => {
    const derived = need({ policy: { reorderPoint: null, reorderQuantity: null, safetyStock: 1 }, unitsSoldPerDay: 2.5, available: 6 });
    expect(reorderPointOf(derived, settings)).toBe(6);
    // Up to the reorder point plus a week of sales: 6 − 6 + 2.5 × 7 → 18.
    expect(planReplenishment(derived, [near], settings)).toMatchObject({ quantity: 18 });
    expect(reorderPointOf({ ...derived, unitsSoldPerDay: 0 }, settings)).toBeNull();
  });
});
