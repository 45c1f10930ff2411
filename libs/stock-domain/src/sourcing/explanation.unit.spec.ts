import { describe, expect, it } from 'vitest';
import { planSourcing } from './plan-sourcing';
import { location, north, pickupAt, ship, shippedFrom } from './sourcing.fixtures';

describe('planSourcing: explanation', () => {
  it('backorders what no eligible location holds, and says why per SKU', () => {
    const plan = planSourcing({
      lines: [
        { sku: 'SKU-9', quantity: 5 },
        { sku: 'SKU-1', quantity: 1 },
      ],
      delivery: ship(),
      candidates: [
        location('L1', north(1), { 'SKU-9': 2, 'SKU-1': 1 }),
        location('NO-SHIP', north(1), { 'SKU-9': 9 }, { shipsOnline: false }),
      ],
    });
    expect(shippedFrom(plan)).toEqual(['L1']);
    expect(plan.fulfillments[0]!.lines).toEqual([
      { sku: 'SKU-1', quantity: 1 },
      { sku: 'SKU-9', quantity: 2 },
    ]);
    expect(plan.backordered).toEqual([{ sku: 'SKU-9', quantity: 3 }]);
    expect(plan.reasons).toContain('SKU-9: only 2 of 5 available at locations that can ship online, 3 backordered');
  });

  it('backorders everything, saying why, when the pickup store cannot take the order', () => {
    const candidates = [
      location('S009', north(0), { A: 5 }, { pickup: false }),
      location('S010', north(0), { A: 5 }, { remainingCapacity: 0 }),
      location('W1', north(0), { A: 5 }, { type: 'warehouse', pickup: true }),
      location('S011', north(0), { A: 5 }),
    ];
    const reasonFor = (storeId: string, excluded: string[] = []) => {
      const plan = planSourcing({
        lines: [{ sku: 'A', quantity: 1 }],
        delivery: pickupAt(storeId),
        candidates,
        excludedLocationIds: new Set(excluded),
      });
      expect(plan.fulfillments).toEqual([]);
      expect(plan.transfers).toEqual([]);
      expect(plan.backordered).toEqual([{ sku: 'A', quantity: 1 }]);
      return plan.reasons[0];
    };
    expect(reasonFor('S009')).toMatch(/^S009 is not open for pickup/);
    expect(reasonFor('S010')).toMatch(/^S010 has no capacity left today/);
    expect(reasonFor('W1')).toMatch(/^W1 is a warehouse/);
    expect(reasonFor('S404')).toMatch(/^S404 is not a known location/);
    expect(reasonFor('S011', ['S011'])).toMatch(/^S011 is excluded for this order/);
  });
});
