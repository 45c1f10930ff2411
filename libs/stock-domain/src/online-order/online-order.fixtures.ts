/** Given/When/Then helpers for the online order's unit specs: an order shipped from two locations, with one SKU backordered. */
import type { SourcingPlan } from '../sourcing/contract';
import type { OnlineOrderCommand } from './commands';
import { decideOnlineOrder } from './decide';
import type { OnlineOrderEvent } from './events';
import { evolveOnlineOrder } from './evolve';
import { initialOnlineOrderState, type OnlineOrderState } from './state';

export const provenance = (n: number) => ({ occurredAt: new Date(Date.UTC(2026, 10, 11, 0, n)).toISOString(), sourceEventId: `e-${n}` });
export const safetyStockOf = () => 1;

/** Given these commands were decided in order, the state and every event recorded. */
export function given(commands: OnlineOrderCommand[]): { state: OnlineOrderState; events: OnlineOrderEvent[] } {
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

export const shipPlan: SourcingPlan = {
  fulfillments: [
    { fromLocationId: 'S001', lines: [{ sku: 'A', quantity: 2 }], distanceKm: 1, reasons: ['nearest'] },
    { fromLocationId: 'W01', lines: [{ sku: 'B', quantity: 1 }], distanceKm: 9, reasons: ['split'] },
  ],
  transfers: [],
  backordered: [{ sku: 'C', quantity: 3 }],
  reasons: ['C: none in the network'],
};
export const placeShip: OnlineOrderCommand = {
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
