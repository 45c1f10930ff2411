/**
 * An online order and its fulfillments: the unit of consistency for "what did we promise this
 * customer, from where, and how far has it got". Pure decide/evolve, no framework.
 *
 * The order decides (decide.ts, evolve.ts); its events say which stock to hold, release or ship
 * (`stockInstructionsOfOrderEvent`, stock-effects.ts) and the service turns them into logistics
 * commands; feedback.ts says which logistics feedback fits a fulfillment. Sourcing plans come from
 * `planSourcing`, computed by the caller on current stock and passed in with the command, so this
 * stays a plain function.
 */
import { decideOnlineOrder } from './decide';
import { evolveOnlineOrder } from './evolve';
import { initialOnlineOrderState } from './state';

export function onlineOrderStreamId(orderId: string): string {
  return `online-order|${encodeURIComponent(orderId)}`;
}

export const onlineOrderDecider = {
  initialState: initialOnlineOrderState,
  decide: decideOnlineOrder,
  evolve: evolveOnlineOrder,
};
