import { describe, expect, it } from 'vitest';
import { planSourcing } from './plan-sourcing';
import { location, north, ship, shippedFrom } from './sourcing.fixtures';

describe('planSourcing: ship', () => {
  it('ships the whole order from the nearest location that holds all of it', () => {
    const plan = planSourcing({
      lines: [
        { sku: 'SKU-2', quantity: 1 },
        { sku: 'SKU-1', quantity: 2 },
      ],
      delivery: ship(),
      candidates: [
        location('FAR', north(9), { 'SKU-1': 5, 'SKU-2': 5 }),
        location('NEAR-PARTIAL', north(1), { 'SKU-1': 5 }),
        location('NEAR', north(4), { 'SKU-1': 2, 'SKU-2': 1 }),
      ],
    });
    expect(shippedFrom(plan)).toEqual(['NEAR']);
    expect(plan.fulfillments[0]!.lines).toEqual([
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 1 },
    ]);
    expect(plan.fulfillments[0]!.distanceKm).toBeCloseTo(4, 1);
    expect(plan.fulfillments[0]!.reasons[0]).toMatch(/^nearest of 2 locations that can ship the whole order \(4\.\d\d km\)$/);
    expect(plan.transfers).toEqual([]);
    expect(plan.backordered).toEqual([]);
  });

  it('breaks a distance tie by locationId', () => {
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 1 }],
      delivery: ship(),
      candidates: [location('L2', north(3), { A: 1 }), location('L1', north(3), { A: 1 })],
    });
    expect(shippedFrom(plan)).toEqual(['L1']);
  });

  it('splits when no single location holds the whole order: fewest locations, nearest first', () => {
    const plan = planSourcing({
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 2 },
      ],
      delivery: ship(),
      candidates: [
        location('A-NEAR', north(1), { A: 3 }),
        location('A-FAR', north(5), { A: 3 }),
        location('B-SOME', north(2), { B: 1 }),
        location('B-ALL', north(8), { B: 2 }),
      ],
    });
    expect(shippedFrom(plan)).toEqual(['A-NEAR', 'B-ALL']);
    expect(plan.fulfillments[0]!.lines).toEqual([{ sku: 'A', quantity: 3 }]);
    expect(plan.fulfillments[0]!.reasons[0]).toMatch(/^split: covers 3 of 5 missing units/);
    expect(plan.fulfillments[1]!.lines).toEqual([{ sku: 'B', quantity: 2 }]);
    expect(plan.fulfillments[1]!.reasons[0]).toMatch(/^split: covers the last 2 units still missing, nearest of 1 that can/);
    expect(plan.backordered).toEqual([]);
    expect(plan.reasons[0]).toMatch(/no single eligible location can ship the whole order/);
  });

  it('backorders everything, with no fulfillment, when there is no stock anywhere', () => {
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 2 }],
      delivery: ship(),
      candidates: [location('L1', north(1), { A: 0 }), location('L2', north(2), { A: -4 }), location('L3', north(3), {})],
    });
    expect(plan.fulfillments).toEqual([]);
    expect(plan.transfers).toEqual([]);
    expect(plan.backordered).toEqual([{ sku: 'A', quantity: 2 }]);
    expect(plan.reasons.join('\n')).toMatch(/A: none of 2 available/);
  });

  it('never ships from a location with no capacity left, one that does not ship online, or an excluded one', () => {
    const candidates = [
      location('FULL', north(1), { A: 5 }, { remainingCapacity: 0 }),
      location('NO-SHIP', north(2), { A: 5 }, { shipsOnline: false }),
      location('EXCLUDED', north(3), { A: 5 }),
      location('WAREHOUSE', north(20), { A: 5 }, { type: 'warehouse', pickup: false }),
    ];
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 5 }],
      delivery: ship(),
      candidates,
      excludedLocationIds: new Set(['EXCLUDED']),
    });
    expect(shippedFrom(plan)).toEqual(['WAREHOUSE']);
    expect(plan.fulfillments[0]!.reasons[0]).toMatch(/^the only eligible location that can ship the whole order/);
    expect(plan.reasons.join('\n')).toMatch(/excluded for this order: EXCLUDED/);

    const nowhere = planSourcing({ lines: [{ sku: 'A', quantity: 1 }], delivery: ship(), candidates: candidates.slice(0, 2) });
    expect(nowhere.fulfillments).toEqual([]);
    expect(nowhere.backordered).toEqual([{ sku: 'A', quantity: 1 }]);
    expect(nowhere.reasons[0]).toMatch(/no location can ship online right now/);
  });

  it('merges lines of the same SKU before sourcing', () => {
    const plan = planSourcing({
      lines: [
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'A', quantity: 3 },
      ],
      delivery: ship(),
      candidates: [location('SMALL', north(1), { A: 3, B: 1 }), location('BIG', north(5), { A: 5, B: 1 })],
    });
    expect(shippedFrom(plan)).toEqual(['BIG']);
    expect(plan.fulfillments[0]!.lines).toEqual([
      { sku: 'A', quantity: 5 },
      { sku: 'B', quantity: 1 },
    ]);
  });

  it('rounds distances to 2 decimals', () => {
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 1 }],
      delivery: ship(),
      candidates: [location('L1', { lat: 30.2712345, lng: 120.1634567 }, { A: 1 })],
    });
    const d = plan.fulfillments[0]!.distanceKm;
    expect(Math.round(d * 100) / 100).toBe(d);
  });
});
