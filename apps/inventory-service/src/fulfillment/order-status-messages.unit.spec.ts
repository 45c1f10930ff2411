import { DEFAULT_TOPICS, orderStatusMessageSchema, type OrderStatusMessage } from '@app/contracts';
import {
  decideOnlineOrder,
  foldOnlineOrder,
  initialOnlineOrderState,
  type OnlineOrderCommand,
  type OnlineOrderState,
  type SourcingPlan,
} from '@app/stock-domain';
import { describe, expect, it } from 'vitest';
import { orderStatusMessages } from './order-status-messages';

const at = (n: number) => ({ occurredAt: new Date(Date.UTC(2026, 10, 11, 0, n)).toISOString(), sourceEventId: `e-${n}` });
const plan: SourcingPlan = {
  fulfillments: [
    { fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 1, reasons: ['nearest'] },
    { fromLocationId: 'W01', lines: [{ sku: 'B', quantity: 1 }], distanceKm: 9, reasons: ['split'] },
  ],
  transfers: [],
  backordered: [{ sku: 'C', quantity: 3 }],
  reasons: ['split across 2 locations', 'C: none in the network'],
};
const place: OnlineOrderCommand = {
  type: 'PlaceOrder',
  orderId: 'O-1',
  lines: [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
    { sku: 'C', quantity: 3 },
  ],
  delivery: { mode: 'ship', lat: 30.27, lng: 120.15 },
  plan,
  ...at(1),
};

/** Decide each command in turn; every status message it sends, parsed as the contract says. */
function run(commands: OnlineOrderCommand[]): { state: OnlineOrderState; statuses: OrderStatusMessage[] } {
  let state = initialOnlineOrderState();
  const statuses: OrderStatusMessage[] = [];
  for (const command of commands) {
    const events = decideOnlineOrder(command, state);
    for (const message of orderStatusMessages(command, state, events, DEFAULT_TOPICS, '2026-11-11T01:00:00.000Z')) {
      expect(message.topic).toBe(DEFAULT_TOPICS.orderStatus);
      expect(message.key?.toString()).toBe('O-1');
      statuses.push(orderStatusMessageSchema.parse(JSON.parse(String(message.value))));
    }
    state = foldOnlineOrder(events, state);
  }
  return { state, statuses };
}

describe('orderStatusMessages', () => {
  it('sends OrderSourced with the fulfillments, the backordered lines and the reason, then each new state', () => {
    const { statuses } = run([place]);
    expect(statuses.map((s) => s.type)).toEqual(['OrderSourced', 'FulfillmentStateChanged', 'FulfillmentStateChanged', 'OrderBackordered']);
    expect(statuses[0]).toEqual({
      eventId: 'O-1:sourced:e-1',
      type: 'OrderSourced',
      occurredAt: '2026-11-11T01:00:00.000Z',
      orderId: 'O-1',
      fulfillments: [
        { fulfillmentId: 'F-O-1-1', fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }] },
        { fulfillmentId: 'F-O-1-2', fromLocationId: 'W01', lines: [{ sku: 'B', quantity: 1 }] },
      ],
      backordered: [{ sku: 'C', quantity: 3 }],
      reason: 'split across 2 locations; C: none in the network',
    });
    expect(statuses.slice(1, 3)).toMatchObject([
      { fulfillmentId: 'F-O-1-1', state: 'dispatched' },
      { fulfillmentId: 'F-O-1-2', state: 'dispatched' },
    ]);
  });

  it('sends one FulfillmentStateChanged per change, nothing for a repeat, and replaying them gives the states', () => {
    const { state, statuses } = run([
      place,
      { type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...at(2) },
      { type: 'ConfirmShipped', fulfillmentId: 'F-O-1-1', ...at(3) },
      { ...place, ...at(4) },
      { type: 'CancelOrder', ...at(5) },
    ]);
    const changes = statuses.filter((s) => s.type === 'FulfillmentStateChanged');
    expect(changes.map((s) => [s.fulfillmentId, s.state])).toEqual([
      ['F-O-1-1', 'dispatched'],
      ['F-O-1-2', 'dispatched'],
      ['F-O-1-1', 'shipped'],
      ['F-O-1-2', 'cancelled'],
    ]);
    expect(new Set(statuses.map((s) => s.eventId)).size).toBe(statuses.length);
    const replayed = new Map(changes.map((s) => [s.fulfillmentId, s.state]));
    expect(Object.fromEntries(replayed)).toEqual(Object.fromEntries(state.fulfillments.map((f) => [f.fulfillmentId, f.state])));
  });

  it('names only the new fulfillments when a failed pick is sourced again', () => {
    const again: SourcingPlan = {
      fulfillments: [{ fromLocationId: 'W02', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 20, reasons: ['the only one left'] }],
      transfers: [],
      backordered: [],
      reasons: ['shipped whole from W02'],
    };
    const { statuses } = run([
      place,
      { type: 'RecordPickFailure', fulfillmentId: 'F-O-1-1', shortLines: [{ sku: 'A', quantity: 1 }], ...at(2) },
      { type: 'SourceAgain', plan: again, ...at(2) },
    ]);
    const tail = statuses.slice(4);
    expect(tail.map((s) => s.type)).toEqual(['FulfillmentStateChanged', 'OrderSourced', 'FulfillmentStateChanged']);
    expect(tail[0]).toMatchObject({ fulfillmentId: 'F-O-1-1', state: 'failed' });
    expect(tail[1]).toMatchObject({
      fulfillments: [{ fulfillmentId: 'F-O-1-3', fromLocationId: 'W02' }],
      backordered: [],
      reason: 'shipped whole from W02',
    });
    expect(tail[2]).toMatchObject({ fulfillmentId: 'F-O-1-3', state: 'dispatched' });
  });
});
