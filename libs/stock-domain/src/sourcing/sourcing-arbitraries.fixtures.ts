/** Random networks and orders for the sourcing properties, and the facts the properties check plans against. */
import fc from 'fast-check';
import type { OrderLine } from '../order-lines';
import type { SourcingCandidate, SourcingPlan, SourcingRequest } from './contract';

export const SKUS = ['A', 'B', 'C', 'D'];
export const IDS = ['L0', 'L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'L8', 'L9'];

export const candidateArb = (locationId: string) =>
  fc.record({
    locationId: fc.constant(locationId),
    type: fc.constantFrom<'store' | 'warehouse'>('store', 'warehouse'),
    shipsOnline: fc.boolean(),
    pickup: fc.boolean(),
    remainingCapacity: fc.integer({ min: -1, max: 3 }),
    // A small grid, so equal distances (ties) happen.
    lat: fc.integer({ min: 0, max: 4 }).map((k) => 30.2 + k * 0.01),
    lng: fc.integer({ min: 0, max: 4 }).map((k) => 120.1 + k * 0.01),
    available: fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: -3, max: 6 })).map((stock) => new Map(Object.entries(stock))),
  });

const networkArb = fc.integer({ min: 0, max: IDS.length }).chain((n) => fc.tuple(...IDS.slice(0, n).map(candidateArb)));
const linesArb = fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 6 }) }), {
  minLength: 1,
  maxLength: 6,
});

export const requestArb: fc.Arbitrary<SourcingRequest> = networkArb.chain((candidates) =>
  fc.record({
    lines: linesArb,
    delivery: fc.oneof(
      fc.record({
        mode: fc.constant('ship' as const),
        lat: fc.double({ min: 30.18, max: 30.26, noNaN: true }),
        lng: fc.double({ min: 120.08, max: 120.16, noNaN: true }),
      }),
      fc.record({ mode: fc.constant('pickup' as const), storeId: fc.constantFrom('L0', 'L1', 'L2', 'NOWHERE') }),
    ),
    candidates: fc.constant(candidates),
    excludedLocationIds: fc.subarray(IDS, { maxLength: 3 }).map((ids) => new Set(ids)),
  }),
);

export const orderedBySku = (lines: readonly OrderLine[]) => {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return bySku;
};
export const add = (into: Map<string, number>, key: string, quantity: number) => into.set(key, (into.get(key) ?? 0) + quantity);
export const usable = (candidate: SourcingCandidate, sku: string) => Math.max(0, candidate.available.get(sku) ?? 0);
export const isExcluded = (request: SourcingRequest, locationId: string) => request.excludedLocationIds?.has(locationId) ?? false;
export const canShip = (request: SourcingRequest, c: SourcingCandidate) =>
  c.shipsOnline && c.remainingCapacity > 0 && !isExcluded(request, c.locationId);
export const servesWhole = (c: SourcingCandidate, ordered: Map<string, number>) =>
  [...ordered].every(([sku, quantity]) => usable(c, sku) >= quantity);

/** What the plan takes from each location's own stock, keyed "locationId|sku". */
export function takenFromStock(plan: SourcingPlan): Map<string, number> {
  const taken = new Map<string, number>();
  for (const f of plan.fulfillments) for (const line of f.lines) add(taken, `${f.fromLocationId}|${line.sku}`, line.quantity);
  for (const t of plan.transfers) {
    for (const line of t.lines) {
      add(taken, `${t.fromLocationId}|${line.sku}`, line.quantity);
      add(taken, `${t.toLocationId}|${line.sku}`, -line.quantity); // arrives at the store, handed over there
    }
  }
  return taken;
}
