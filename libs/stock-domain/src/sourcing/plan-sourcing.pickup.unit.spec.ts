import { describe, expect, it } from 'vitest';
import { planSourcing } from './plan-sourcing';
import { location, north, pickupAt, ship } from './sourcing.fixtures';

describe('planSourcing: pickup', () => {
  it('hands over from the pickup store own stock', () => {
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 2 }],
      delivery: pickupAt('S1'),
      candidates: [location('S1', north(0), { A: 2 }), location('S2', north(1), { A: 9 })],
    });
    expect(plan.fulfillments).toEqual([
      {
        fromLocationId: 'S1',
        lines: [{ sku: 'A', quantity: 2 }],
        distanceKm: 0,
        reasons: ['pickup at S1: 2 of 2 units from its own stock'],
      },
    ]);
    expect(plan.transfers).toEqual([]);
    expect(plan.backordered).toEqual([]);
    expect(plan.reasons[0]).toBe('S1 holds the whole order');
  });

  it('plans a transfer into the pickup store for the shortfall, from the nearest location that has it all', () => {
    const plan = planSourcing({
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ],
      delivery: pickupAt('S1'),
      candidates: [
        location('S1', north(0), { A: 1, B: 1 }),
        location('FAR-WH', north(30), { A: 50 }, { type: 'warehouse', pickup: false, shipsOnline: false, remainingCapacity: 0 }),
        location('NEAR-WH', north(6), { A: 50 }, { type: 'warehouse', pickup: false, shipsOnline: false, remainingCapacity: 0 }),
        location('NEAR-SHORT', north(1), { A: 1 }),
      ],
    });
    expect(plan.transfers).toHaveLength(1);
    expect(plan.transfers[0]).toMatchObject({ fromLocationId: 'NEAR-WH', toLocationId: 'S1', lines: [{ sku: 'A', quantity: 2 }] });
    expect(plan.transfers[0]!.distanceKm).toBeCloseTo(6, 1);
    expect(plan.transfers[0]!.reasons[0]).toMatch(/^nearest of 2 locations that can supply all of S1's shortfall of 2 units/);
    expect(plan.fulfillments).toHaveLength(1);
    expect(plan.fulfillments[0]).toMatchObject({
      fromLocationId: 'S1',
      distanceKm: 0,
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ],
    });
    expect(plan.backordered).toEqual([]);
  });

  it('backorders what no one can supply and keeps it out of the fulfillment', () => {
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 4 }],
      delivery: pickupAt('S1'),
      candidates: [location('S1', north(0), { A: 1 }), location('L2', north(2), { A: 1 }), location('L3', north(3), { A: 5 })],
      excludedLocationIds: new Set(['L3']),
    });
    expect(plan.fulfillments[0]!.lines).toEqual([{ sku: 'A', quantity: 2 }]);
    expect(plan.transfers.map((t) => t.fromLocationId)).toEqual(['L2']);
    expect(plan.backordered).toEqual([{ sku: 'A', quantity: 2 }]);
    expect(plan.reasons).toContain('A: only 2 of 4 available in the network, 2 backordered');
  });

  it('has no fulfillment when nothing at all can be supplied', () => {
    const plan = planSourcing({
      lines: [{ sku: 'A', quantity: 1 }],
      delivery: pickupAt('S1'),
      candidates: [location('S1', north(0), {}), location('S2', north(1), { B: 3 })],
    });
    expect(plan.fulfillments).toEqual([]);
    expect(plan.transfers).toEqual([]);
    expect(plan.backordered).toEqual([{ sku: 'A', quantity: 1 }]);
  });
});

describe('planSourcing: contract', () => {
  it('plans nothing for an order without positive lines, and refuses duplicate locations', () => {
    expect(
      planSourcing({ lines: [{ sku: 'A', quantity: 0 }], delivery: ship(), candidates: [location('L1', north(1), { A: 1 })] }),
    ).toMatchObject({
      fulfillments: [],
      transfers: [],
      backordered: [],
    });
    const twice = [location('L1', north(1), { A: 1 }), location('L1', north(2), { A: 1 })];
    expect(() => planSourcing({ lines: [{ sku: 'A', quantity: 2 }], delivery: ship(), candidates: twice })).toThrow(/L1 is listed twice/);
    expect(() => planSourcing({ lines: [{ sku: 'A', quantity: 1 }], delivery: pickupAt('L1'), candidates: twice })).toThrow(
      /L1 is listed twice/,
    );
  });
});
