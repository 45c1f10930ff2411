import { describe, expect, it } from 'vitest';
import type { OnlineOrderCommand } from './commands';
import { decideOnlineOrder } from './decide';
import { foldOnlineOrder } from './evolve';
import { feedbackRefusal, resourcingRequestFor } from './feedback';
import { given, placeShip, provenance, safetyStockOf } from './online-order.fixtures';
import { stockInstructionsOfOrderEvent } from './stock-effects';

describe('online order: logistics feedback', () => {
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
      { type: 'CancelledHoldReleased', data: { fulfillmentId: 'F-O-1-1', reason: 'pick-stopped' } },
      { type: 'ShortPickRecorded', data: { fulfillmentId: 'F-O-1-1', shortLines: [{ sku: 'A', quantity: 2 }] } },
    ]);
    // The cancel held the units until this answer: it releases them, then writes the short lines off.
    expect(stockInstructionsOfOrderEvent(recorded[0]!, state, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'ReleaseReservation', quantity: 2, reason: 'cancelled: pick-stopped' },
    ]);
    const released = foldOnlineOrder([recorded[0]!], state);
    expect(stockInstructionsOfOrderEvent(recorded[1]!, released, safetyStockOf).map((i) => i.command)).toMatchObject([
      { type: 'RecordAdjustment', delta: -2, reason: 'short-pick' },
    ]);
    const after = foldOnlineOrder(recorded, state);
    expect(after.fulfillments[0]!.state).toBe('cancelled');
    expect(resourcingRequestFor(after, 'F-O-1-1')).toBeNull();
    expect(decideOnlineOrder({ ...short, sourceEventId: 'again' }, after)).toEqual([]);
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
