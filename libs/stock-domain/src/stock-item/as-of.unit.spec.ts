import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockItemAsOf } from './as-of';
import type { StockItemCommand } from './commands';
import { decideStockItem } from './decide';
import type { StockItemEvent } from './events';
import { evolveStockItem } from './evolve';
import { initialStockItemState } from './state';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 11, 0, minute)).toISOString();
const ms = (minute: number) => Date.parse(at(minute));
const provenance = (minute: number) => ({ occurredAt: at(minute), sourceEventId: `e${minute}` });

/** The events these commands record, decided in this order (the order they reached the service). */
function recorded(commands: StockItemCommand[]): StockItemEvent[] {
  let state = initialStockItemState();
  const events: StockItemEvent[] = [];
  for (const command of commands) {
    for (const event of decideStockItem(command, state)) {
      events.push(event);
      state = evolveStockItem(state, event);
    }
  }
  return events;
}

describe('stockItemAsOf', () => {
  it('counts each event by its occurredAt, and a count as of its own moment', () => {
    const events = recorded([
      { type: 'RecordReceipt', quantity: 10, ...provenance(0) },
      { type: 'RecordStoreSale', quantity: 2, receiptId: 'R1', ...provenance(10) },
      // reached us late: a count taken at minute 5, before the sale
      { type: 'RecordCount', countedQuantity: 7, ...provenance(5) },
      {
        type: 'ReserveStock',
        purpose: 'fulfillment',
        referenceId: 'F-1',
        quantity: 3,
        safetyStock: 0,
        ...provenance(20),
      },
      { type: 'ExpectTransfer', transferId: 'T-1', quantity: 4, ...provenance(30) },
    ]);
    expect(stockItemAsOf(events, ms(0) - 1)).toEqual({ onHand: 0, reserved: 0, inTransit: 0 });
    expect(stockItemAsOf(events, ms(0))).toEqual({ onHand: 10, reserved: 0, inTransit: 0 });
    expect(stockItemAsOf(events, ms(5))).toEqual({ onHand: 7, reserved: 0, inTransit: 0 });
    expect(stockItemAsOf(events, ms(10))).toEqual({ onHand: 5, reserved: 0, inTransit: 0 });
    expect(stockItemAsOf(events, ms(25))).toEqual({ onHand: 5, reserved: 3, inTransit: 0 });
    expect(stockItemAsOf(events, ms(60))).toEqual({ onHand: 5, reserved: 3, inTransit: 4 });
  });

  it('of two counts at one instant keeps the first recorded, as the live item does', () => {
    const events = recorded([
      { type: 'RecordCount', countedQuantity: 4, ...provenance(1) },
      { type: 'RecordCount', countedQuantity: 9, ...provenance(1) },
    ]);
    expect(stockItemAsOf(events, ms(2)).onHand).toBe(4);
  });

  it('after everything, equals the live item when events arrive in the order they happened', () => {
    const command = fc.oneof(
      fc.record({ type: fc.constant('RecordReceipt' as const), quantity: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ type: fc.constant('RecordStoreSale' as const), quantity: fc.integer({ min: 1, max: 20 }), receiptId: fc.constant('R') }),
      fc.record({ type: fc.constant('RecordCount' as const), countedQuantity: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ type: fc.constant('RecordAdjustment' as const), delta: fc.integer({ min: -5, max: 5 }), reason: fc.constant('damaged') }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (drawn) => {
        const commands = drawn.map((c, minute) => ({ ...c, ...provenance(minute) }) as StockItemCommand);
        const events = recorded(commands);
        const live = events.reduce(evolveStockItem, initialStockItemState());
        expect(stockItemAsOf(events, ms(1000))).toEqual({ onHand: live.onHand, reserved: live.reserved, inTransit: live.inTransit });
      }),
    );
  });
});
