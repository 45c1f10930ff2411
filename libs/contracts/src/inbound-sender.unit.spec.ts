import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from './inbound-events';
import { senderOf, senderScopedEventId } from './inbound-sender';

const occurredAt = '2026-11-11T10:00:00Z';
const sale = (storeId: string, eventId: string): InboundEvent => ({
  eventId,
  type: 'StoreSaleRecorded',
  occurredAt,
  storeId,
  receiptId: 'R',
  lines: [{ sku: 'A', quantity: 1 }],
});
const receipt = (locationId: string, eventId: string): InboundEvent => ({
  eventId,
  type: 'StockReceived',
  occurredAt,
  locationId,
  lines: [{ sku: 'A', quantity: 1 }],
});

describe('senderOf', () => {
  it('names the entity that keys the topic', () => {
    expect(senderOf(sale('S1', 'e'))).toBe('store:S1');
    expect(senderOf(receipt('W1', 'e'))).toBe('location:W1');
    expect(senderOf({ eventId: 'e', type: 'OnlineOrderCancelled', occurredAt, orderId: 'O1' })).toBe('order:O1');
    expect(senderOf({ eventId: 'e', type: 'PickupCollected', occurredAt, fulfillmentId: 'F1' })).toBe('fulfillment:F1');
    expect(senderOf({ eventId: 'e', type: 'TransferShipped', occurredAt, transferId: 'T1' })).toBe('transfer:T1');
  });
});

describe('senderScopedEventId', () => {
  it('is readable for plain ids', () => {
    expect(senderScopedEventId(sale('S1', 'e-1'))).toBe('store:S1/e-1');
  });

  it('is equal for two events only when sender and eventId are equal (any strings; 200 runs)', () => {
    const text = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', '/', ':', '#', '%', '2', 'F', '杭') });
    fc.assert(
      fc.property(fc.boolean(), text, text, fc.boolean(), text, text, (aSale, aSender, aId, bSale, bSender, bId) => {
        const a = aSale ? sale(aSender, aId) : receipt(aSender, aId);
        const b = bSale ? sale(bSender, bId) : receipt(bSender, bId);
        const same = aSale === bSale && aSender === bSender && aId === bId;
        expect(senderScopedEventId(a) === senderScopedEventId(b)).toBe(same);
        // what derived ids append cannot make two of them equal either
        expect(`${senderScopedEventId(a)}#0` === `${senderScopedEventId(b)}#0`).toBe(same);
      }),
      { numRuns: 200 },
    );
  });
});
