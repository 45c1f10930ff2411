import type { ProjectedEvent } from '@app/event-store';
import { stockItemStreamId } from '@app/stock-domain';
import { describe, expect, it } from 'vitest';
import { dailySalesOf, utcDayOf } from './daily-sales.projection';

let position = 0;
function stockEvent(locationId: string, sku: string, type: string, data: Record<string, unknown>): ProjectedEvent {
  position += 1;
  return {
    globalPosition: position,
    transactionId: '1',
    streamId: stockItemStreamId({ locationId, sku }),
    streamVersion: position,
    eventId: `e-${position}`,
    type,
    schemaVersion: 1,
    data,
  };
}

describe('daily sales', () => {
  it('sums units sold per SKU, location and UTC day: store sales and shipped fulfillments, not returns, receipts or transfers', () => {
    const events = [
      stockEvent('S1', 'A', 'StockSold', { quantity: 2, onHandChange: -2, occurredAt: '2026-11-11T23:30:00.000Z', sourceEventId: 'x' }),
      stockEvent('S1', 'A', 'StockSold', { quantity: 1, onHandChange: -1, occurredAt: '2026-11-12T07:30:00+08:00', sourceEventId: 'x' }), // 11 Nov in UTC
      stockEvent('S1', 'A', 'StockSold', { quantity: 5, onHandChange: -5, occurredAt: '2026-11-12T00:00:01Z', sourceEventId: 'x' }),
      stockEvent('S1', 'A', 'StockReturned', { quantity: 1, onHandChange: 1, occurredAt: '2026-11-11T10:00:00Z', sourceEventId: 'x' }),
      stockEvent('S2', 'A', 'ReservedStockShipped', {
        quantity: 3,
        onHandChange: -3,
        reservedChange: -3,
        purpose: 'fulfillment',
        occurredAt: '2026-11-11T10:00:00Z',
        sourceEventId: 'x',
      }),
      stockEvent('S2', 'A', 'ReservedStockShipped', {
        quantity: 4,
        onHandChange: -4,
        reservedChange: -4,
        purpose: 'transfer',
        occurredAt: '2026-11-11T10:00:00Z',
        sourceEventId: 'x',
      }),
      stockEvent('S1', 'B|odd', 'StockSold', { quantity: 1, onHandChange: -1, occurredAt: '2026-11-11T10:00:00Z', sourceEventId: 'x' }),
    ];
    expect(dailySalesOf(events)).toEqual([
      { locationId: 'S1', sku: 'A', day: '2026-11-11', units: 3 },
      { locationId: 'S1', sku: 'A', day: '2026-11-12', units: 5 },
      { locationId: 'S2', sku: 'A', day: '2026-11-11', units: 3 },
      { locationId: 'S1', sku: 'B|odd', day: '2026-11-11', units: 1 },
    ]);
  });

  it('reads the UTC day of an instant with or without an offset', () => {
    expect(utcDayOf('2026-11-11T23:59:59.999Z')).toBe('2026-11-11');
    expect(utcDayOf('2026-11-12T01:00:00+02:00')).toBe('2026-11-11');
    expect(utcDayOf('2026-11-11T22:00:00-02:00')).toBe('2026-11-12');
  });
});
