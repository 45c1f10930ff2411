import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MINTED_ID_MAX_LENGTH,
  READABLE_ORDER_ID_MAX_LENGTH,
  cancelCommandIdFor,
  dispatchCommandIdFor,
  fulfillmentIdFor,
  orderIdDigest,
  orderOfFulfillment,
  orderTransferIdFor,
  replenishmentTransferIdFor,
  transferCommandIdFor,
} from './minted-ids';

/** Any inbound id the contract allows: 1 to 200 characters of any script, any but NUL; dashes and tildes likely. */
const inboundId = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !s.includes('\u0000')),
  fc.string({ unit: fc.constantFrom('-', '~', 'A', 'B', 'C', '1', ':', '%', '单', '🙂'), minLength: 1, maxLength: 200 }),
  fc.integer({ min: 1, max: 200 }).map((n) => 'x'.repeat(n)),
);
const sku = fc.oneof(
  fc.string({ unit: fc.constantFrom('-', '~', 'B', 'C', '7', '货'), minLength: 1, maxLength: 100 }),
  fc.constant('s'.repeat(100)),
);
const sequence = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(Number.MAX_SAFE_INTEGER));

/** Every id minted for a thing, and every command id naming it. */
function everyIdOf(kind: 'fulfillment' | 'order-transfer' | 'replenishment', parts: readonly (string | number)[]): string[] {
  if (kind === 'fulfillment') {
    const id = fulfillmentIdFor(parts[0] as string, parts[1] as number);
    return [id, dispatchCommandIdFor(id), cancelCommandIdFor(id)];
  }
  const id =
    kind === 'order-transfer'
      ? orderTransferIdFor(parts[0] as string, parts[1] as number)
      : replenishmentTransferIdFor(parts[0] as string, parts[1] as string, parts[2] as number);
  return [id, transferCommandIdFor(id)];
}

const thing = fc.oneof(
  fc.tuple(fc.constant('fulfillment' as const), fc.tuple(inboundId, sequence)),
  fc.tuple(fc.constant('order-transfer' as const), fc.tuple(inboundId, sequence)),
  fc.tuple(fc.constant('replenishment' as const), fc.tuple(inboundId, sku, sequence)),
);

describe('minted ids', () => {
  it("fit the contract's 1 to 200 characters, command ids included, for every allowed order id, location, SKU and sequence", () => {
    fc.assert(
      fc.property(thing, ([kind, parts]) => {
        for (const id of everyIdOf(kind, parts)) {
          expect(id.length).toBeGreaterThanOrEqual(1);
          expect(id.length).toBeLessThanOrEqual(MINTED_ID_MAX_LENGTH);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never give two different things one id (fulfillments, transfers and their commands all together)', () => {
    fc.assert(
      fc.property(thing, thing, ([kindA, partsA], [kindB, partsB]) => {
        const same = kindA === kindB && JSON.stringify(partsA) === JSON.stringify(partsB);
        const idsA = everyIdOf(kindA, partsA);
        const idsB = new Set(everyIdOf(kindB, partsB));
        if (same)
          expect(idsA.every((id) => idsB.has(id))).toBe(true); // deterministic
        else for (const id of idsA) expect(idsB.has(id), id).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('keep location A-B / SKU C apart from location A / SKU B-C', () => {
    expect(replenishmentTransferIdFor('A-B', 'C', 1)).not.toBe(replenishmentTransferIdFor('A', 'B-C', 1));
    expect(replenishmentTransferIdFor('A~B', 'C', 1)).not.toBe(replenishmentTransferIdFor('A', 'B~C', 1));
    expect(replenishmentTransferIdFor('A-B', 'C', 1)).toBe('T~R~A-B~C~v1');
  });

  it('lead back to the order: readable ids by their text, long ones by the digest of the order id', () => {
    fc.assert(
      fc.property(inboundId, sequence, (orderId, n) => {
        const order = orderOfFulfillment(fulfillmentIdFor(orderId, n));
        expect(order).toEqual(orderId.length <= READABLE_ORDER_ID_MAX_LENGTH ? { orderId } : { orderIdDigest: orderIdDigest(orderId) });
      }),
      { numRuns: 2000 },
    );
    expect(fulfillmentIdFor('O-1', 2)).toBe('F-O-1-2'); // the form ids already stored have
    expect(orderOfFulfillment('F-O\n1-2')).toEqual({ orderId: 'O\n1' });
    expect(orderOfFulfillment('T-1')).toBeNull();
  });
});
