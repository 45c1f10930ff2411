import { describe, expect, it } from 'vitest';
import { decideOnlineOrder } from './decide';
import { foldOnlineOrder } from './evolve';
import { given, placeShip, provenance, safetyStockOf } from './online-order.fixtures';
import { initialOnlineOrderState } from './state';
import { stockInstructionsOfOrderEvent } from './stock-effects';

describe('online order: stock effects', () => {
  it('reserves what it dispatches, respecting safety stock, and ships what was reserved', () => {
    const { state, events } = given([placeShip]);
    const dispatched = events[1]!;
    expect(stockInstructionsOfOrderEvent(dispatched, initialOnlineOrderState(), safetyStockOf)).toEqual([
      {
        key: { locationId: 'S001', sku: 'A' },
        command: { type: 'ReserveStock', purpose: 'fulfillment', referenceId: 'F-O-1-1', quantity: 2, safetyStock: 1, ...provenance(1) },
      },
    ]);
    const shipped = decideOnlineOrder({ type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...provenance(3) }, state);
    expect(shipped.map((e) => e.type)).toEqual(['FulfillmentShipped']);
    expect(stockInstructionsOfOrderEvent(shipped[0]!, state, safetyStockOf).map((i) => i.command)).toEqual([
      { type: 'ShipReservedStock', purpose: 'fulfillment', referenceId: 'F-O-1-1', quantity: 2, reservedQuantity: 2, ...provenance(3) },
    ]);
    // A repeat of the shipment report changes nothing.
    const after = foldOnlineOrder(shipped, state);
    expect(decideOnlineOrder({ type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...provenance(4) }, after)).toEqual([]);
  });

  it('records a shipment that raced a cancel: the goods left with the units the cancel still held for them', () => {
    const { state } = given([placeShip, { type: 'CancelOrder', ...provenance(2) }]);
    const shipped = decideOnlineOrder({ type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...provenance(3) }, state);
    expect(stockInstructionsOfOrderEvent(shipped[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ShipReservedStock', quantity: 2, reservedQuantity: 2 },
    ]);
  });

  it('records a shipment reported after the cancel wait ran out: on-hand goes down with nothing left reserved', () => {
    const { state } = given([
      placeShip,
      { type: 'CancelOrder', ...provenance(2) },
      { type: 'ReleaseUnconfirmedCancel', fulfillmentId: 'F-O-1-1', ...provenance(3) },
    ]);
    const shipped = decideOnlineOrder({ type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...provenance(4) }, state);
    expect(stockInstructionsOfOrderEvent(shipped[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ShipReservedStock', quantity: 2, reservedQuantity: 0 },
    ]);
  });
});
