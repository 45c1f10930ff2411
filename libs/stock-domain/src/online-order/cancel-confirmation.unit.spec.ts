import { describe, expect, it } from 'vitest';
import type { OnlineOrderCommand } from './commands';
import { decideOnlineOrder } from './decide';
import { foldOnlineOrder } from './evolve';
import { given, placeShip, provenance, safetyStockOf } from './online-order.fixtures';
import type { OnlineOrderState } from './state';
import { stockInstructionsOfOrderEvent } from './stock-effects';

/** What each step does to the stock it touches, as [command type, quantity, reserved quantity]. */
function stockSteps(commands: OnlineOrderCommand[], from: OnlineOrderState): Array<[string, number, number?]> {
  let state = from;
  const steps: Array<[string, number, number?]> = [];
  for (const command of commands) {
    for (const event of decideOnlineOrder(command, state)) {
      for (const { command: stock } of stockInstructionsOfOrderEvent(event, state, safetyStockOf)) {
        if (stock.type === 'ShipReservedStock') steps.push([stock.type, stock.quantity, stock.reservedQuantity]);
        else if ('quantity' in stock) steps.push([stock.type, stock.quantity]);
        else if (stock.type === 'RecordAdjustment') steps.push([stock.type, stock.delta]);
      }
      state = foldOnlineOrder([event], state);
    }
  }
  return steps;
}

const cancelledAt2 = () => given([placeShip, { type: 'CancelOrder', ...provenance(2) }]).state;
const onF1 = (type: 'ConfirmShipped' | 'ReleaseUnconfirmedCancel', n: number): OnlineOrderCommand => ({
  type,
  fulfillmentId: 'F-O-1-1',
  ...provenance(n),
});
const failedF1 = (n: number, shortQuantity = 0): OnlineOrderCommand => ({
  type: 'RecordPickFailure',
  fulfillmentId: 'F-O-1-1',
  shortLines: shortQuantity > 0 ? [{ sku: 'A', quantity: shortQuantity }] : [],
  ...provenance(n),
});

describe('online order: a cancel racing the shipment never promises the same units twice', () => {
  it('cancel, then shipped: the held units leave with it (shipped despite the cancel), and the wait has nothing left to release', () => {
    expect(stockSteps([onF1('ConfirmShipped', 3), onF1('ReleaseUnconfirmedCancel', 4)], cancelledAt2())).toEqual([
      ['ShipReservedStock', 2, 2],
    ]);
    const state = given([placeShip, { type: 'CancelOrder', ...provenance(2) }, onF1('ConfirmShipped', 3)]).state;
    expect(state).toMatchObject({
      cancelled: true,
      fulfillments: [{ state: 'shipped', awaitingCancelConfirmation: false, reservedLines: [] }, {}],
    });
  });

  it('shipped, then cancel: nothing is open, nothing is released, no CancelFulfillment', () => {
    const shipped = given([
      placeShip,
      onF1('ConfirmShipped', 2),
      { type: 'ConfirmShipped', fulfillmentId: 'F-O-1-2', ...provenance(2) },
    ]).state;
    const events = decideOnlineOrder({ type: 'CancelOrder', ...provenance(3) }, shipped);
    expect(events.map((e) => e.type)).toEqual(['OnlineOrderCancelled']);
  });

  it('cancel, then the pick stopped (failed, nothing short): released at once, once; a later shipment takes nothing reserved', () => {
    expect(stockSteps([failedF1(3), failedF1(4), onF1('ReleaseUnconfirmedCancel', 5), onF1('ConfirmShipped', 6)], cancelledAt2())).toEqual([
      ['ReleaseReservation', 2],
      ['ShipReservedStock', 2, 0],
    ]);
  });

  it('cancel, then failed with a short line: released and written off; a repeat writes off nothing more', () => {
    expect(stockSteps([failedF1(3, 1), failedF1(4, 1)], cancelledAt2())).toEqual([
      ['ReleaseReservation', 2],
      ['RecordAdjustment', -1],
    ]);
  });

  it('a pickup hold that expires keeps its units until collected, or until the wait runs out', () => {
    const pickup: OnlineOrderCommand = {
      type: 'PlaceOrder',
      orderId: 'O-3',
      lines: [{ sku: 'A', quantity: 2 }],
      delivery: { mode: 'pickup', storeId: 'S001' },
      plan: {
        fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 0, reasons: [] }],
        transfers: [],
        backordered: [],
        reasons: [],
      },
      ...provenance(1),
    };
    const { state, events } = given([pickup, { type: 'ExpirePickupHold', fulfillmentId: 'F-O-3-1', ...provenance(2) }]);
    expect(events[2]).toMatchObject({ type: 'FulfillmentCancelled', data: { reason: 'pickup-hold-expired', holdUntilConfirmed: true } });
    expect(stockInstructionsOfOrderEvent(events[2]!, given([pickup]).state, safetyStockOf)).toEqual([]);
    const collect: OnlineOrderCommand = { type: 'ConfirmCollected', fulfillmentId: 'F-O-3-1', ...provenance(3) };
    expect(stockSteps([collect], state)).toEqual([['ShipReservedStock', 2, 2]]);
    expect(stockSteps([{ type: 'ReleaseUnconfirmedCancel', fulfillmentId: 'F-O-3-1', ...provenance(3) }, collect], state)).toEqual([
      ['ReleaseReservation', 2],
      ['ShipReservedStock', 2, 0],
    ]);
  });

  it('an order cancelled while its pickup waits for transfers releases at once: never dispatched, nobody to ask', () => {
    const pickup: OnlineOrderCommand = {
      type: 'PlaceOrder',
      orderId: 'O-4',
      lines: [{ sku: 'A', quantity: 3 }],
      delivery: { mode: 'pickup', storeId: 'S001' },
      plan: {
        fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 3 }], distanceKm: 0, reasons: [] }],
        transfers: [{ fromLocationId: 'W01', toLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 8, reasons: [] }],
        backordered: [],
        reasons: [],
      },
      ...provenance(1),
    };
    const { state } = given([pickup]);
    const events = decideOnlineOrder({ type: 'CancelOrder', ...provenance(2) }, state);
    expect(events[0]).toMatchObject({ type: 'FulfillmentCancelled', data: { commandId: null } });
    expect(events[0]!.data).not.toHaveProperty('holdUntilConfirmed');
    expect(stockSteps([{ type: 'CancelOrder', ...provenance(2) }], state)).toEqual([['ReleaseReservation', 1]]);
  });

  it('an older FulfillmentCancelled (before the wait existed) released at once, and its fulfillment is not waiting', () => {
    const { state, events } = given([placeShip]);
    const old = {
      type: 'FulfillmentCancelled' as const,
      data: { ...provenance(2), fulfillmentId: 'F-O-1-1', reason: 'order-cancelled' as const, commandId: 'F-O-1-1:cancel' },
    };
    expect(stockInstructionsOfOrderEvent(old, state, safetyStockOf).map((i) => i.command.type)).toEqual(['ReleaseReservation']);
    const after = foldOnlineOrder([...events, old]);
    expect(after.fulfillments[0]).toMatchObject({ state: 'cancelled', reservedLines: [] });
    expect(decideOnlineOrder(onF1('ReleaseUnconfirmedCancel', 3), after)).toEqual([]);
  });
});
