import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSourcing } from './plan-sourcing';
import { add, canShip, isExcluded, orderedBySku, requestArb, takenFromStock, usable } from './sourcing-arbitraries.fixtures';

describe('planSourcing: properties', () => {
  it('never takes more than max(0, available) of a SKU from a location, nor anything negative', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const plan = planSourcing(request);
        const byId = new Map(request.candidates.map((c) => [c.locationId, c]));
        for (const [key, quantity] of takenFromStock(plan)) {
          const [locationId, sku] = key.split('|') as [string, string];
          expect(quantity).toBeGreaterThanOrEqual(0);
          expect(quantity).toBeLessThanOrEqual(usable(byId.get(locationId)!, sku));
        }
        for (const line of [...plan.fulfillments, ...plan.transfers].flatMap((x) => x.lines)) expect(line.quantity).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('uses only locations with the capability, each at most once', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const plan = planSourcing(request);
        const byId = new Map(request.candidates.map((c) => [c.locationId, c]));
        const used = [...plan.fulfillments.map((f) => f.fromLocationId), ...plan.transfers.map((t) => t.fromLocationId)];
        expect(new Set(used).size).toBe(used.length);
        if (request.delivery.mode === 'ship') {
          expect(plan.transfers).toEqual([]);
          for (const f of plan.fulfillments) expect(canShip(request, byId.get(f.fromLocationId)!)).toBe(true);
        } else {
          const storeId = request.delivery.storeId;
          const store = byId.get(storeId);
          expect(plan.fulfillments.length).toBeLessThanOrEqual(1);
          for (const f of plan.fulfillments) {
            expect(f.fromLocationId).toBe(storeId);
            expect(f.distanceKm).toBe(0);
            expect(store).toMatchObject({ type: 'store', pickup: true });
            expect(store!.remainingCapacity).toBeGreaterThan(0);
            expect(isExcluded(request, storeId)).toBe(false);
          }
          for (const t of plan.transfers) {
            expect(t.toLocationId).toBe(storeId);
            expect(t.fromLocationId).not.toBe(storeId);
            expect(byId.has(t.fromLocationId)).toBe(true);
            expect(isExcluded(request, t.fromLocationId)).toBe(false);
          }
          if (plan.transfers.length > 0) expect(plan.fulfillments).toHaveLength(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('allocates plus backorders exactly what was ordered, per SKU, and backorders only what no usable location has left', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const plan = planSourcing(request);
        const ordered = orderedBySku(request.lines);
        const accounted = new Map<string, number>();
        for (const f of plan.fulfillments) for (const line of f.lines) add(accounted, line.sku, line.quantity);
        for (const line of plan.backordered) add(accounted, line.sku, line.quantity);
        expect(accounted).toEqual(ordered);
        for (const lines of [plan.backordered, ...plan.fulfillments.map((f) => f.lines), ...plan.transfers.map((t) => t.lines)]) {
          expect(lines.map((l) => l.sku)).toEqual([...new Set(lines.map((l) => l.sku))].sort());
        }
        if (plan.backordered.length > 0) expect(plan.reasons.length).toBeGreaterThan(0);

        // Maximal: a backordered SKU is exhausted at every location that could have given it.
        const taken = takenFromStock(plan);
        const delivery = request.delivery;
        const store = delivery.mode === 'pickup' ? request.candidates.find((c) => c.locationId === delivery.storeId) : undefined;
        const storeOk =
          store !== undefined &&
          store.type === 'store' &&
          store.pickup &&
          store.remainingCapacity > 0 &&
          !isExcluded(request, store.locationId);
        for (const line of plan.backordered) {
          for (const c of request.candidates) {
            const couldGive = delivery.mode === 'ship' ? canShip(request, c) : storeOk && !isExcluded(request, c.locationId);
            if (!couldGive) continue;
            const left = usable(c, line.sku) - (c === store ? 0 : (taken.get(`${c.locationId}|${line.sku}`) ?? 0));
            const ownShare =
              c === store
                ? (plan.fulfillments[0]?.lines.find((l) => l.sku === line.sku)?.quantity ?? 0) -
                  plan.transfers
                    .flatMap((t) => t.lines)
                    .filter((l) => l.sku === line.sku)
                    .reduce((s, l) => s + l.quantity, 0)
                : 0;
            expect(left - ownShare).toBe(0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same plan whatever the order of candidates and lines', () => {
    fc.assert(
      fc.property(
        requestArb.chain((request) =>
          fc.tuple(
            fc.constant(request),
            fc.shuffledSubarray([...request.candidates], { minLength: request.candidates.length }),
            fc.shuffledSubarray([...request.lines], { minLength: request.lines.length }),
          ),
        ),
        ([request, candidates, lines]) => {
          expect(planSourcing({ ...request, candidates, lines })).toEqual(planSourcing(request));
        },
      ),
      { numRuns: 500 },
    );
  });
});
