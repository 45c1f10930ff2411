import { describe, expect, it } from 'vitest';
import { orderOfFulfillment } from '../minted-ids';
import type { OnlineOrderCommand } from './commands';
import { decideOnlineOrder } from './decide';
import { foldOnlineOrder } from './evolve';
import { given, placeShip, provenance, safetyStockOf } from './online-order.fixtures';
import { stockInstructionsOfOrderEvent } from './stock-effects';

describe('online order: decide', () => {
  it('places an order as the plan says: one dispatched fulfillment per location, the rest backordered', () => {
    const { state, events } = given([placeShip]);
    expect(events.map((e) => e.type)).toEqual([
      'OnlineOrderAccepted',
      'FulfillmentDispatched',
      'FulfillmentDispatched',
      'OrderLinesBackordered',
    ]);
    expect(state.fulfillments.map((f) => [f.fulfillmentId, f.fromLocationId, f.state, f.dispatchCommandId])).toEqual([
      ['F-O-1-1', 'S001', 'dispatched', 'F-O-1-1:dispatch'],
      ['F-O-1-2', 'W01', 'dispatched', 'F-O-1-2:dispatch'],
    ]);
    expect(state.backordered).toEqual([{ sku: 'C', quantity: 3 }]);
    expect(orderOfFulfillment('F-O-1-2')).toEqual({ orderId: 'O-1' });
    expect(orderOfFulfillment('F-1')).toBeNull();
  });

  it('places an order once: the same order again has no second effect', () => {
    const { events } = given([placeShip, { ...placeShip, ...provenance(2) }]);
    expect(events.filter((e) => e.type === 'OnlineOrderAccepted')).toHaveLength(1);
  });

  it('cancels: tells the locations that had open fulfillments dispatched, and holds their units until they answer or the wait runs out', () => {
    const { state } = given([placeShip, { type: 'ConfirmShipped', fulfillmentId: 'F-O-1-2', ...provenance(2) }]);
    const events = decideOnlineOrder({ type: 'CancelOrder', ...provenance(3) }, state);
    expect(events.map((e) => [e.type, 'fulfillmentId' in e.data ? e.data.fulfillmentId : null])).toEqual([
      ['FulfillmentCancelled', 'F-O-1-1'],
      ['OnlineOrderCancelled', null],
    ]);
    expect(events[0]!.data).toMatchObject({ commandId: 'F-O-1-1:cancel', reason: 'order-cancelled', holdUntilConfirmed: true });
    expect(stockInstructionsOfOrderEvent(events[0]!, state, safetyStockOf)).toEqual([]); // the truck may be leaving
    const cancelled = foldOnlineOrder(events, state);
    expect(cancelled.fulfillments[0]).toMatchObject({
      state: 'cancelled',
      awaitingCancelConfirmation: true,
      reservedLines: [{ sku: 'A', quantity: 2 }],
    });
    const released = decideOnlineOrder({ type: 'ReleaseUnconfirmedCancel', fulfillmentId: 'F-O-1-1', ...provenance(5) }, cancelled);
    expect(released).toMatchObject([{ type: 'CancelledHoldReleased', data: { fulfillmentId: 'F-O-1-1', reason: 'no-answer-in-time' } }]);
    expect(stockInstructionsOfOrderEvent(released[0]!, cancelled, safetyStockOf).map((i) => i.command)).toEqual([
      {
        type: 'ReleaseReservation',
        purpose: 'fulfillment',
        referenceId: 'F-O-1-1',
        quantity: 2,
        reason: 'cancelled: no-answer-in-time',
        ...provenance(5),
      },
    ]);
    expect(decideOnlineOrder({ type: 'CancelOrder', ...provenance(4) }, cancelled)).toEqual([]);
    const after = foldOnlineOrder(released, cancelled);
    expect(decideOnlineOrder({ type: 'ReleaseUnconfirmedCancel', fulfillmentId: 'F-O-1-1', ...provenance(6) }, after)).toEqual([]); // once
  });

  it('holds a pickup at the store until its transfer arrives, then dispatches from the store', () => {
    const place: OnlineOrderCommand = {
      type: 'PlaceOrder',
      orderId: 'O-2',
      lines: [{ sku: 'A', quantity: 3 }],
      delivery: { mode: 'pickup', storeId: 'S001' },
      plan: {
        fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 3 }], distanceKm: 0, reasons: ['pickup store'] }],
        transfers: [{ fromLocationId: 'W01', toLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 8, reasons: [] }],
        backordered: [],
        reasons: [],
      },
      ...provenance(1),
    };
    const { state, events } = given([place]);
    expect(events[1]).toMatchObject({
      type: 'PickupAwaitingTransfers',
      data: {
        fulfillmentId: 'F-O-2-1',
        reservedLines: [{ sku: 'A', quantity: 1 }],
        transfers: [{ transferId: 'T-O-2-1', fromLocationId: 'W01', lines: [{ sku: 'A', quantity: 2 }] }],
      },
    });
    expect(state.fulfillments[0]!.state).toBe('awaiting-transfer');

    const received = decideOnlineOrder(
      { type: 'ReceiveOrderTransfer', transferId: 'T-O-2-1', receivedLines: [{ sku: 'A', quantity: 2 }], ...provenance(5) },
      state,
    );
    expect(received.map((e) => e.type)).toEqual(['OrderTransferReceived', 'FulfillmentDispatched']);
    // What arrived is held for the order even inside the store's safety stock.
    expect(stockInstructionsOfOrderEvent(received[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ReserveStock', quantity: 2, safetyStock: null },
    ]);
    expect(received[1]!.data).toMatchObject({ lines: [{ sku: 'A', quantity: 3 }], reservedLines: [], commandId: 'F-O-2-1:dispatch' });
    const collected = foldOnlineOrder(received, state);
    expect(collected.fulfillments[0]).toMatchObject({ state: 'dispatched', reservedLines: [{ sku: 'A', quantity: 3 }] });
  });

  it('backorders what a short transfer did not bring', () => {
    const { state } = given([
      {
        type: 'PlaceOrder',
        orderId: 'O-3',
        lines: [{ sku: 'A', quantity: 4 }],
        delivery: { mode: 'pickup', storeId: 'S001' },
        plan: {
          fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 4 }], distanceKm: 0, reasons: [] }],
          transfers: [{ fromLocationId: 'W01', toLocationId: 'S001', lines: [{ sku: 'A', quantity: 4 }], distanceKm: 8, reasons: [] }],
          backordered: [],
          reasons: [],
        },
        ...provenance(1),
      },
    ]);
    const events = decideOnlineOrder(
      { type: 'ReceiveOrderTransfer', transferId: 'T-O-3-1', receivedLines: [{ sku: 'A', quantity: 3 }], ...provenance(2) },
      state,
    );
    expect(events.map((e) => e.type)).toEqual(['OrderTransferReceived', 'FulfillmentDispatched', 'OrderLinesBackordered']);
    expect(events[2]!.data).toMatchObject({ lines: [{ sku: 'A', quantity: 1 }] });
  });

  it('closes a pickup whose transfers brought none of it: cancelled (never dispatched, nobody told) and backordered', () => {
    const { state } = given([
      {
        type: 'PlaceOrder',
        orderId: 'O-5',
        lines: [{ sku: 'A', quantity: 2 }],
        delivery: { mode: 'pickup', storeId: 'S001' },
        plan: {
          fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 0, reasons: [] }],
          transfers: [{ fromLocationId: 'W01', toLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 8, reasons: [] }],
          backordered: [],
          reasons: [],
        },
        ...provenance(1),
      },
    ]);
    const events = decideOnlineOrder(
      { type: 'ReceiveOrderTransfer', transferId: 'T-O-5-1', receivedLines: [{ sku: 'Z', quantity: 2 }], ...provenance(2) },
      state,
    );
    expect(events).toMatchObject([
      { type: 'OrderTransferReceived', data: { reservedLines: [] } },
      { type: 'FulfillmentCancelled', data: { fulfillmentId: 'F-O-5-1', reason: 'transfers-brought-nothing', commandId: null } },
      { type: 'OrderLinesBackordered', data: { lines: [{ sku: 'A', quantity: 2 }] } },
    ]);
    const after = foldOnlineOrder(events, state);
    expect(after.fulfillments[0]!.state).toBe('cancelled');
    expect(after.backordered).toEqual([{ sku: 'A', quantity: 2 }]);
  });

  it('expires an uncollected pickup: cancelled, released, and the store is told', () => {
    const { state } = given([
      {
        type: 'PlaceOrder',
        orderId: 'O-4',
        lines: [{ sku: 'A', quantity: 1 }],
        delivery: { mode: 'pickup', storeId: 'S001' },
        plan: {
          fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 1 }], distanceKm: 0, reasons: [] }],
          transfers: [],
          backordered: [],
          reasons: [],
        },
        ...provenance(1),
      },
    ]);
    const events = decideOnlineOrder({ type: 'ExpirePickupHold', fulfillmentId: 'F-O-4-1', ...provenance(9) }, state);
    expect(events).toMatchObject([{ type: 'FulfillmentCancelled', data: { reason: 'pickup-hold-expired', commandId: 'F-O-4-1:cancel' } }]);
    expect(
      decideOnlineOrder({ type: 'ExpirePickupHold', fulfillmentId: 'F-O-4-1', ...provenance(10) }, foldOnlineOrder(events, state)),
    ).toEqual([]);
  });
});
