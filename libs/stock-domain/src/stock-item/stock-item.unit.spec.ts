import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StockItemCommand } from './commands';
import { ReservationExceedsAvailable, StockQuantityOutOfRange, decideStockItem } from './decide';
import type { StockItemEvent } from './events';
import { evolveStockItem, foldStockItem } from './evolve';
import { initialStockItemState, type StockItemState } from './state';
import { stockItemKeyOf, stockItemStreamId } from './stock-item';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 11, 0, minute)).toISOString();

/** Given these commands were recorded in this order, when one more is decided, then… */
function record(
  commands: StockItemCommand[],
  from: StockItemState = initialStockItemState(),
): { state: StockItemState; events: StockItemEvent[] } {
  let state = from;
  const events: StockItemEvent[] = [];
  for (const command of commands) {
    for (const event of decideStockItem(command, state)) {
      events.push(event);
      state = evolveStockItem(state, event);
    }
  }
  return { state, events };
}

const receipt = (quantity: number, minute: number): StockItemCommand => ({
  type: 'RecordReceipt',
  quantity,
  occurredAt: at(minute),
  sourceEventId: `r${minute}`,
});
const sale = (quantity: number, minute: number): StockItemCommand => ({
  type: 'RecordStoreSale',
  quantity,
  receiptId: `R${minute}`,
  occurredAt: at(minute),
  sourceEventId: `s${minute}`,
});
const count = (countedQuantity: number, minute: number): StockItemCommand => ({
  type: 'RecordCount',
  countedQuantity,
  occurredAt: at(minute),
  sourceEventId: `c${minute}`,
});

describe('stock item', () => {
  it('records a receipt then a store sale: on hand 100 -> 98', () => {
    const { state, events } = record([receipt(100, 1), sale(2, 2)]);
    expect(state.onHand).toBe(98);
    expect(events.map((e) => [e.type, e.data.onHandChange])).toEqual([
      ['StockReceived', 100],
      ['StockSold', -2],
    ]);
  });

  it('records a store sale that drives stock below zero: a sale is a fact, never rejected', () => {
    const { state, events } = record([receipt(1, 1), sale(3, 2)]);
    expect(events).toHaveLength(2);
    expect(state.onHand).toBe(-2);
  });

  it('applies returns and signed adjustments', () => {
    const { state } = record([
      receipt(10, 1),
      { type: 'RecordStoreReturn', quantity: 2, receiptId: 'R', occurredAt: at(2), sourceEventId: 'x' },
      { type: 'RecordAdjustment', delta: -3, reason: 'damaged', occurredAt: at(3), sourceEventId: 'y' },
    ]);
    expect(state.onHand).toBe(9);
  });

  it('sets on hand to a count as of when it was taken: later movements still count on top', () => {
    // The 10:05 sale reached us before the 10:02 count did.
    const { state, events } = record([receipt(100, 1), sale(2, 5), count(50, 2)]);
    expect(state.onHand).toBe(48);
    expect(events[2]).toMatchObject({ type: 'StockCounted', data: { countedQuantity: 50, onHandChange: -50 } });
  });

  it('ignores a movement that happened before the latest count: the count already holds it', () => {
    const { state, events } = record([count(40, 10), sale(1, 5)]);
    expect(state.onHand).toBe(40);
    expect(events[1]!.data.onHandChange).toBe(0);
  });

  it('ignores a count older than the one already applied', () => {
    const { state } = record([count(40, 10), count(7, 5)]);
    expect(state.onHand).toBe(40);
  });

  it('round-trips stream ids, even with separators inside', () => {
    const key = { locationId: 'S|01', sku: 'SKU 1/α' };
    expect(stockItemKeyOf(stockItemStreamId(key))).toEqual(key);
    expect(stockItemKeyOf(stockItemStreamId({ locationId: 'S01', sku: 'SKU-1' }))).toEqual({ locationId: 'S01', sku: 'SKU-1' });
  });

  it('reads no key from another stream or a cut id', () => {
    for (const streamId of ['online-order|O-1', 'stock-item', 'stock-item|S01', 'stock-items|S01|SKU-1'])
      expect(stockItemKeyOf(streamId)).toBeNull();
    expect(stockItemKeyOf('stock-item|S01|SKU-1|more')).toEqual({ locationId: 'S01', sku: 'SKU-1' });
  });
});

/** What on hand physically is, from the whole history in time order: the latest count plus what moved after it. */
function physicalOnHand(commands: StockItemCommand[]): number {
  const byTime = [...commands].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  let onHand = 0;
  for (const command of byTime) {
    if (command.type === 'RecordCount') onHand = command.countedQuantity;
    else if (command.type === 'RecordStoreSale') onHand -= command.quantity;
    else if (command.type === 'RecordAdjustment') onHand += command.delta;
    else if ('quantity' in command) onHand += command.quantity;
  }
  return onHand;
}

const commandArbitrary = (minute: number): fc.Arbitrary<StockItemCommand> =>
  fc.oneof(
    fc.integer({ min: 1, max: 50 }).map((q) => receipt(q, minute)),
    fc.integer({ min: 1, max: 50 }).map((q) => sale(q, minute)),
    fc
      .integer({ min: -20, max: 20 })
      .filter((d) => d !== 0)
      .map((delta): StockItemCommand => ({
        type: 'RecordAdjustment',
        delta,
        reason: 'correction',
        occurredAt: at(minute),
        sourceEventId: `a${minute}`,
      })),
    fc.integer({ min: 0, max: 200 }).map((q) => count(q, minute)),
  );

/** Histories with one event per distinct minute, delivered in any order. */
const historyInAnyOrder = fc
  .uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 40 })
  .chain((minutes) => fc.tuple(...minutes.map(commandArbitrary)))
  .chain((commands) =>
    fc.tuple(fc.constant(commands), fc.shuffledSubarray(commands, { minLength: commands.length, maxLength: commands.length })),
  );

describe('stock item properties', () => {
  it('ends at the physical on hand whatever order the events arrive in', () => {
    fc.assert(
      fc.property(historyInAnyOrder, ([history, arrival]) => {
        expect(record(arrival).state.onHand).toBe(physicalOnHand(history));
      }),
    );
  });

  it('records on-hand changes that sum to on hand, so a view that sums them equals the fold', () => {
    fc.assert(
      fc.property(historyInAnyOrder, ([, arrival]) => {
        const { state, events } = record(arrival);
        expect(events.reduce((sum, e) => sum + e.data.onHandChange, 0)).toBe(state.onHand);
        expect(foldStockItem(events).onHand).toBe(state.onHand);
      }),
    );
  });
});

describe('stock item reservations and transfers', () => {
  const reserve = (quantity: number, minute: number, safetyStock = 0): StockItemCommand => ({
    type: 'ReserveStock',
    purpose: 'fulfillment',
    referenceId: `F-${minute}`,
    quantity,
    safetyStock,
    occurredAt: at(minute),
    sourceEventId: `o${minute}`,
  });

  it('reserves up to available (on hand − reserved − safety stock) and never more', () => {
    const { state } = record([receipt(10, 1), reserve(6, 2), reserve(2, 3, 2)]);
    expect(state).toMatchObject({ onHand: 10, reserved: 8 });
    expect(() => decideStockItem(reserve(1, 4, 2), state)).toThrow(ReservationExceedsAvailable);
    expect(decideStockItem(reserve(2, 4), state)).toHaveLength(1);
    // Stock that arrived for an order is held for it whatever available says.
    const { state: oversold } = record(
      [{ type: 'RecordStoreSale', quantity: 5, receiptId: 'R', occurredAt: at(5), sourceEventId: 's5' }],
      state,
    );
    expect(record([{ ...reserve(3, 6), safetyStock: null } as StockItemCommand], oversold).state).toMatchObject({
      onHand: 5,
      reserved: 11,
    });
  });

  it('ships reserved stock: on hand and reserved both go down; a release only frees the reservation', () => {
    const { state, events } = record([
      receipt(10, 1),
      reserve(3, 2),
      {
        type: 'ShipReservedStock',
        purpose: 'fulfillment',
        referenceId: 'F-2',
        quantity: 3,
        reservedQuantity: 3,
        occurredAt: at(3),
        sourceEventId: 'x',
      },
      reserve(2, 4),
      {
        type: 'ReleaseReservation',
        purpose: 'fulfillment',
        referenceId: 'F-4',
        quantity: 2,
        reason: 'order-cancelled',
        occurredAt: at(5),
        sourceEventId: 'y',
      },
    ]);
    expect(state).toMatchObject({ onHand: 7, reserved: 0 });
    expect(events.map((e) => [e.type, e.data.onHandChange, e.data.reservedChange ?? 0])).toEqual([
      ['StockReceived', 10, 0],
      ['StockReserved', 0, 3],
      ['ReservedStockShipped', -3, -3],
      ['StockReserved', 0, 2],
      ['ReservationReleased', 0, -2],
    ]);
  });

  it('counts a shipment that happened after a late count on top of it, like any movement', () => {
    const { state } = record([
      receipt(10, 1),
      reserve(3, 2),
      {
        type: 'ShipReservedStock',
        purpose: 'fulfillment',
        referenceId: 'F-2',
        quantity: 3,
        reservedQuantity: 3,
        occurredAt: at(5),
        sourceEventId: 'x',
      },
      count(9, 4), // counted before the truck left, reported after
    ]);
    expect(state.onHand).toBe(6);
  });

  it('keeps in-transit until the transfer arrives, and one open replenishment per SKU and location', () => {
    const request = (minute: number): StockItemCommand => ({
      type: 'RequestReplenishment',
      transferId: `T-${minute}`,
      quantity: 5,
      occurredAt: at(minute),
      sourceEventId: `t${minute}`,
    });
    const { state } = record([
      request(1),
      request(2), // a second request while T-1 is open records nothing
      { type: 'ExpectTransfer', transferId: 'T-1', quantity: 5, occurredAt: at(3), sourceEventId: 'a' },
    ]);
    expect(state).toMatchObject({ onHand: 0, inTransit: 5, openReplenishmentTransferId: 'T-1' });
    expect(decideStockItem(request(4), state)).toEqual([]);
    const { state: arrived } = record(
      [{ type: 'ReceiveTransfer', transferId: 'T-1', quantity: 4, inTransitQuantity: 5, occurredAt: at(5), sourceEventId: 'b' }],
      state,
    );
    expect(arrived).toMatchObject({ onHand: 4, inTransit: 0, openReplenishmentTransferId: null });
    expect(decideStockItem(request(6), arrived)).toHaveLength(1);
  });

  it('closes the open replenishment when its transfer is called off, so the store can be replenished again', () => {
    const at = { occurredAt: '2026-11-11T01:00:00Z', sourceEventId: 'e-1' };
    let state = initialStockItemState();
    for (const event of decideStockItem({ type: 'RequestReplenishment', transferId: 'T-1', quantity: 5, ...at }, state))
      state = evolveStockItem(state, event);
    expect(state.openReplenishmentTransferId).toBe('T-1');
    expect(decideStockItem({ type: 'CloseReplenishment', transferId: 'T-0', ...at }, state)).toEqual([]);
    for (const event of decideStockItem({ type: 'CloseReplenishment', transferId: 'T-1', ...at }, state))
      state = evolveStockItem(state, event);
    expect(state.openReplenishmentTransferId).toBeNull();
    expect(decideStockItem({ type: 'RequestReplenishment', transferId: 'T-2', quantity: 5, ...at }, state)).toHaveLength(1);
  });
});

describe('totals a stock item holds exactly', () => {
  it('refuses a movement that would take on-hand past 2^53 - 1, naming the field and the bound', () => {
    const nearTop = { ...initialStockItemState(), onHand: Number.MAX_SAFE_INTEGER - 5 };
    const receipt = { type: 'RecordReceipt' as const, quantity: 5, occurredAt: '2026-11-11T10:00:00Z', sourceEventId: 'e' };
    expect(decideStockItem(receipt, nearTop)).toHaveLength(1);
    expect(() => decideStockItem({ ...receipt, quantity: 6 }, nearTop)).toThrow(StockQuantityOutOfRange);
    expect(() => decideStockItem({ ...receipt, quantity: 6 }, nearTop)).toThrow(/onHand would reach .* past ±9007199254740991/);
  });
});
