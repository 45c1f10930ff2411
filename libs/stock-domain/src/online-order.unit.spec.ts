import { describe, expect, it } from 'vitest';
import {
  decideOnlineOrder,
  evolveOnlineOrder,
  feedbackRefusal,
  foldOnlineOrder,
  initialOnlineOrderState,
  resourcingRequestFor,
  stockInstructionsOfOrderEvent,
  type OnlineOrderCommand,
  type OnlineOrderEvent,
  type OnlineOrderState,
} from './online-order';
import { orderOfFulfillment } from './minted-ids';
import type { SourcingPlan } from './sourcing';

const provenance = (n: number) => ({ occurredAt: new Date(Date.UTC(2026, 10, 11, 0, n)).toISOString(), sourceEventId: `e-${n}` });
const safetyStockOf = () => 1;

/** Given these commands were decided in order, the state and every event recorded. */
function given(commands: OnlineOrderCommand[]): { state: OnlineOrderState; events: OnlineOrderEvent[] } {
  let state = initialOnlineOrderState();
  const events: OnlineOrderEvent[] = [];
  for (const command of commands) {
    for (const event of decideOnlineOrder(command, state)) {
      events.push(event);
      state = evolveOnlineOrder(state, event);
    }
  }
  return { state, events };
}

const shipPlan: SourcingPlan = {
  fulfillments: [
    { fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 1, reasons: ['nearest'] },
    { fromLocationId: 'W01', lines: [{ sku: 'B', quantity: 1 }], distanceKm: 9, reasons: ['split'] },
  ],
  transfers: [],
  backordered: [{ sku: 'C', quantity: 3 }],
  reasons: ['C: none in the network'],
};
const placeShip: OnlineOrderCommand = {
  type: 'PlaceOrder',
  orderId: 'O-1',
  lines: [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
    { sku: 'C', quantity: 3 },
  ],
  delivery: { mode: 'ship', lat: 30.27, lng: 120.15 },
  plan: shipPlan,
  ...provenance(1),
};

describe('online order', () => {
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

  it('cancels: releases open fulfillments and tells the locations that had them dispatched', () => {
    const { state } = given([placeShip, { type: 'ConfirmShipped', fulfillmentId: 'F-O-1-2', ...provenance(2) }]);
    const events = decideOnlineOrder({ type: 'CancelOrder', ...provenance(3) }, state);
    expect(events.map((e) => [e.type, 'fulfillmentId' in e.data ? e.data.fulfillmentId : null])).toEqual([
      ['FulfillmentCancelled', 'F-O-1-1'],
      ['OnlineOrderCancelled', null],
    ]);
    expect(events[0]!.data).toMatchObject({ commandId: 'F-O-1-1:cancel', reason: 'order-cancelled' });
    expect(stockInstructionsOfOrderEvent(events[0]!, state, safetyStockOf).map((i) => i.command)).toEqual([
      {
        type: 'ReleaseReservation',
        purpose: 'fulfillment',
        referenceId: 'F-O-1-1',
        quantity: 2,
        reason: 'order-cancelled',
        ...provenance(3),
      },
    ]);
    expect(decideOnlineOrder({ type: 'CancelOrder', ...provenance(4) }, foldOnlineOrder(events, state))).toEqual([]);
  });

  it('records a shipment that raced a cancel: the goods left, so on-hand goes down with nothing left reserved', () => {
    const { state } = given([placeShip, { type: 'CancelOrder', ...provenance(2) }]);
    const shipped = decideOnlineOrder({ type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...provenance(3) }, state);
    expect(stockInstructionsOfOrderEvent(shipped[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ShipReservedStock', quantity: 2, reservedQuantity: 0 },
    ]);
  });

  it('on a failed pick: releases, writes off the short lines, and re-sources away from that location', () => {
    const { state } = given([placeShip]);
    const failed = decideOnlineOrder(
      { type: 'RecordPickFailure', fulfillmentId: 'F-O-1-1', shortLines: [{ sku: 'A', quantity: 1 }], ...provenance(2) },
      state,
    );
    expect(stockInstructionsOfOrderEvent(failed[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ReleaseReservation', quantity: 2, reason: 'pick failed' },
      { type: 'RecordAdjustment', delta: -1, reason: 'short-pick' },
    ]);
    const afterFailure = foldOnlineOrder(failed, state);
    expect(resourcingRequestFor(afterFailure, 'F-O-1-1')).toEqual({
      lines: [{ sku: 'A', quantity: 2 }],
      excludedLocationIds: new Set(['S001']),
    });
    const again = decideOnlineOrder(
      {
        type: 'SourceAgain',
        plan: {
          fulfillments: [{ fromLocationId: 'S002', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 3, reasons: [] }],
          transfers: [],
          backordered: [],
          reasons: [],
        },
        ...provenance(2),
      },
      afterFailure,
    );
    expect(again).toMatchObject([{ type: 'FulfillmentDispatched', data: { fulfillmentId: 'F-O-1-3', fromLocationId: 'S002' } }]);
  });

  it('writes off no more than a failed fulfillment asked for, and nothing of SKUs it did not ask for', () => {
    const { state } = given([placeShip]); // F-O-1-1: 2 A from S001
    const failed = decideOnlineOrder(
      {
        type: 'RecordPickFailure',
        fulfillmentId: 'F-O-1-1',
        shortLines: [
          { sku: 'A', quantity: 9 },
          { sku: 'B', quantity: 10 },
        ],
        ...provenance(2),
      },
      state,
    );
    expect(failed[0]!.data).toMatchObject({ shortLines: [{ sku: 'A', quantity: 2 }] });
    expect(stockInstructionsOfOrderEvent(failed[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ReleaseReservation', quantity: 2 },
      { type: 'RecordAdjustment', delta: -2, reason: 'short-pick' },
    ]);
  });

  it('writes off a short pick reported after a cancel, once, and sources nothing again', () => {
    const { state } = given([placeShip, { type: 'CancelOrder', ...provenance(2) }]);
    const short: OnlineOrderCommand = {
      type: 'RecordPickFailure',
      fulfillmentId: 'F-O-1-1',
      shortLines: [{ sku: 'A', quantity: 5 }],
      ...provenance(3),
    };
    const recorded = decideOnlineOrder(short, state);
    expect(recorded).toMatchObject([
      { type: 'ShortPickRecorded', data: { fulfillmentId: 'F-O-1-1', shortLines: [{ sku: 'A', quantity: 2 }] } },
    ]);
    expect(stockInstructionsOfOrderEvent(recorded[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'RecordAdjustment', delta: -2, reason: 'short-pick' }, // nothing released: the cancel did that
    ]);
    const after = foldOnlineOrder(recorded, state);
    expect(after.fulfillments[0]!.state).toBe('cancelled');
    expect(resourcingRequestFor(after, 'F-O-1-1')).toBeNull();
    expect(decideOnlineOrder({ ...short, sourceEventId: 'again' }, after)).toEqual([]);
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

  it('refuses feedback that cannot be true of a fulfillment, and takes news, repeats and a shipment that raced a cancel', () => {
    const dispatched = given([placeShip]).state;
    const folded = (commands: OnlineOrderCommand[]) => given([placeShip, ...commands]).state;
    const shipped = folded([{ type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...provenance(2) }]);
    const failed = folded([
      { type: 'RecordPickFailure', fulfillmentId: 'F-O-1-1', shortLines: [{ sku: 'A', quantity: 1 }], ...provenance(2) },
    ]);
    const cancelled = folded([{ type: 'CancelOrder', ...provenance(2) }]);
    expect(feedbackRefusal(dispatched, 'shipped', 'F-O-1-1')).toBeNull();
    expect(feedbackRefusal(dispatched, 'failed', 'F-O-1-1')).toBeNull();
    expect(feedbackRefusal(shipped, 'shipped', 'F-O-1-1')).toBeNull(); // a repeat
    expect(feedbackRefusal(cancelled, 'shipped', 'F-O-1-1')).toBeNull(); // the truck left before the cancel reached it
    expect(feedbackRefusal(dispatched, 'collected', 'F-O-1-1')).toMatch(/^feedback does not fit: collected for F-O-1-1, a shipment/);
    expect(feedbackRefusal(failed, 'shipped', 'F-O-1-1')).toMatch(/after its pick failed/);
    expect(feedbackRefusal(shipped, 'failed', 'F-O-1-1')).toMatch(/already shipped/);
    expect(feedbackRefusal(dispatched, 'shipped', 'F-O-1-9')).toMatch(/^unknown fulfillment: F-O-1-9/);
  });
});
