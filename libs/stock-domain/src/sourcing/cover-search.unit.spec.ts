import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceKm } from '../geo';
import type { SourcingRequest } from './contract';
import { planSourcing } from './plan-sourcing';
import { IDS, SKUS, candidateArb, canShip, orderedBySku, requestArb, servesWhole, usable } from './sourcing-arbitraries.fixtures';
import { location, north, pickupAt, ship, shippedFrom, westLake } from './sourcing.fixtures';

describe('planSourcing: cover search', () => {
  it('finds the fewest locations where covering the most units first would take more', () => {
    // Greedy would take MIXED (4 units, nearest) and then still need both A-ONLY and B-ONLY.
    const plan = planSourcing({
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 3 },
      ],
      delivery: ship(),
      candidates: [
        location('MIXED', north(1), { A: 2, B: 2 }),
        location('A-ONLY', north(3), { A: 3 }),
        location('B-ONLY', north(5), { B: 3 }),
      ],
    });
    expect(shippedFrom(plan)).toEqual(['A-ONLY', 'B-ONLY']);
    expect(plan.fulfillments.map((f) => f.lines)).toEqual([[{ sku: 'A', quantity: 3 }], [{ sku: 'B', quantity: 3 }]]);
    expect(plan.fulfillments[0]!.reasons[0]).toMatch(
      /^split: covers 3 of 6 missing units, one of the 2 nearest eligible locations that together can/,
    );
    expect(plan.reasons[0]).toMatch(/split across 2 locations, the fewest that can \(no smaller set holds it\), nearest first/);

    // The same for a pickup store's shortfall: two transfers, not three.
    const pickup = planSourcing({
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 3 },
      ],
      delivery: pickupAt('STORE'),
      candidates: [
        location('STORE', westLake, {}),
        location('MIXED', north(1), { A: 2, B: 2 }),
        location('A-ONLY', north(3), { A: 3 }),
        location('B-ONLY', north(5), { B: 3 }),
      ],
    });
    expect(pickup.transfers.map((t) => t.fromLocationId)).toEqual(['A-ONLY', 'B-ONLY']);
  });

  it('ships whole from the nearest location that can serve the whole order, and splits only when none can', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const delivery = request.delivery;
        fc.pre(delivery.mode === 'ship');
        if (delivery.mode !== 'ship') return;
        const plan = planSourcing(request);
        const ordered = orderedBySku(request.lines);
        const whole = request.candidates
          .filter((c) => canShip(request, c) && servesWhole(c, ordered))
          .sort((a, b) => distanceKm(delivery, a) - distanceKm(delivery, b) || (a.locationId < b.locationId ? -1 : 1));
        if (whole.length > 0) {
          expect(shippedFrom(plan)).toEqual([whole[0]!.locationId]);
          expect(plan.backordered).toEqual([]);
        }
        if (plan.fulfillments.length > 1) expect(whole).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('splits across the fewest locations that can ship all that can be shipped', () => {
    // Besides the general networks, ones where every location holds a little of each SKU: splits are
    // the rule there, and covering the most units first is often not the fewest.
    const scatteredArb: fc.Arbitrary<SourcingRequest> = fc.record({
      lines: fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 3, max: 8 }) }), {
        minLength: 2,
        maxLength: 4,
      }),
      delivery: fc.constant(ship()),
      candidates: fc.tuple(
        ...IDS.slice(0, 8).map((locationId) =>
          candidateArb(locationId).chain((candidate) =>
            fc
              .dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 0, max: 4 }))
              .map((stock) => ({ ...candidate, shipsOnline: true, remainingCapacity: 1, available: new Map(Object.entries(stock)) })),
          ),
        ),
      ),
    });
    fc.assert(
      fc.property(fc.oneof(requestArb, scatteredArb), (request) => {
        fc.pre(request.delivery.mode === 'ship');
        const plan = planSourcing(request);
        const ordered = orderedBySku(request.lines);
        const eligible = request.candidates.filter((c) => canShip(request, c));
        // What can be shipped at all, per SKU, and the smallest set of eligible locations that holds it.
        const shippable = new Map(
          [...ordered].map(([sku, quantity]) => [
            sku,
            Math.min(
              quantity,
              eligible.reduce((sum, c) => sum + usable(c, sku), 0),
            ),
          ]),
        );
        let fewest = 0;
        if ([...shippable.values()].some((quantity) => quantity > 0)) {
          fewest = Infinity;
          for (let subset = 1; subset < 1 << eligible.length; subset += 1) {
            const members = eligible.filter((_, i) => subset & (1 << i));
            if (members.length >= fewest) continue;
            if ([...shippable].every(([sku, quantity]) => members.reduce((sum, c) => sum + usable(c, sku), 0) >= quantity))
              fewest = members.length;
          }
        }
        expect(plan.fulfillments.length).toBe(fewest);
      }),
      { numRuns: 1000 },
    );
  });
});
