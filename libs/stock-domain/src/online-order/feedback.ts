/** Which logistics feedback can be true of a fulfillment, and what a failed pick asks to source again. */
import type { OrderLine } from '../order-lines';
import { findFulfillment, type OnlineOrderState } from './state';

/** How every feedbackRefusal for a known fulfillment begins. */
export const FEEDBACK_MISFIT = 'feedback does not fit';

/**
 * Why logistics feedback cannot be true of this fulfillment (a dead letter for an operator to look
 * at), or null when it fits: it is news, a repeat, or a shipment that raced a cancel. Shipped for a
 * pickup, collected for a shipment, anything for a fulfillment never dispatched, shipped or collected
 * after a failed pick (the order was sourced again: would the goods leave twice?), failed after it left.
 */
export function feedbackRefusal(
  state: OnlineOrderState,
  feedback: 'shipped' | 'collected' | 'failed',
  fulfillmentId: string,
): string | null {
  const fulfillment = findFulfillment(state, fulfillmentId);
  if (!fulfillment) return `unknown fulfillment: ${fulfillmentId} was never dispatched by this service`;
  const never = fulfillment.state === 'awaiting-transfer' || (fulfillment.state === 'cancelled' && fulfillment.dispatchCommandId === null);
  const misfit = `${FEEDBACK_MISFIT}: ${feedback} for ${fulfillmentId}`;
  if (never) return `${misfit}, which was never dispatched (${fulfillment.state})`;
  if (feedback !== 'failed' && (feedback === 'collected') !== (fulfillment.mode === 'pickup')) {
    return `${misfit}, a ${fulfillment.mode === 'pickup' ? 'pickup (collected, not shipped)' : 'shipment (shipped, not collected)'}`;
  }
  if (feedback !== 'failed' && fulfillment.state === 'failed') return `${misfit} after its pick failed and the order was sourced again`;
  if (feedback === 'failed' && (fulfillment.state === 'shipped' || fulfillment.state === 'collected'))
    return `${misfit}, already ${fulfillment.state}`;
  return null;
}

/** After `FulfillmentFailed`: the lines to source again, and where not to look. */
export function resourcingRequestFor(
  state: OnlineOrderState,
  fulfillmentId: string,
): { lines: OrderLine[]; excludedLocationIds: Set<string> } | null {
  const fulfillment = findFulfillment(state, fulfillmentId);
  if (!fulfillment || fulfillment.state !== 'failed' || state.cancelled || !state.delivery) return null;
  // A ship order is re-sourced away from the location that failed; a pickup order stays at its store
  // (its available now reflects the short pick, so what is missing comes by transfer).
  const excluded = new Set(state.delivery.mode === 'ship' ? state.failedLocationIds : []);
  return { lines: fulfillment.lines, excludedLocationIds: excluded };
}
