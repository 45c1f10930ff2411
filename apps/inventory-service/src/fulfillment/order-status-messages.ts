import type { FulfillmentStateChanged, OrderBackordered, OrderSourced, OrderStatusMessage, TopicNames } from '@app/contracts';
import { evolveOnlineOrder, mergeLines, type OnlineOrderCommand, type OnlineOrderEvent, type OnlineOrderState } from '@app/stock-domain';
import type { OutboxMessage } from '../outbox';
import { outboxJson } from './logistics-messages';

/**
 * What the storefront hears of one command on an order, in the order it happened (retail.orders.status,
 * key = orderId): OrderSourced when the command sourced the order (placed, or sourced again), then per
 * event a FulfillmentStateChanged for each fulfillment whose state it set (the first when it is created)
 * and an OrderBackordered for lines it backordered. Written to the outbox in the transaction that
 * makes the change, so each goes out exactly once, in order per order.
 */
export function orderStatusMessages(
  command: OnlineOrderCommand,
  before: OnlineOrderState,
  events: readonly OnlineOrderEvent[],
  topics: TopicNames,
  issuedAt: string,
): OutboxMessage[] {
  const orderId = command.type === 'PlaceOrder' ? command.orderId : before.orderId;
  if (orderId === null || events.length === 0) return [];
  const statuses: OrderStatusMessage[] = [];
  const sourced = orderSourced(command, before, events, orderId, issuedAt);
  if (sourced) statuses.push(sourced);
  let state = before;
  for (const event of events) {
    const after = evolveOnlineOrder(state, event);
    for (const fulfillment of after.fulfillments) {
      if (stateOf(state, fulfillment.fulfillmentId) === fulfillment.state) continue;
      const changed: FulfillmentStateChanged = {
        eventId: `${fulfillment.fulfillmentId}:${fulfillment.state}`,
        type: 'FulfillmentStateChanged',
        occurredAt: issuedAt,
        orderId,
        fulfillmentId: fulfillment.fulfillmentId,
        state: fulfillment.state,
      };
      statuses.push(changed);
    }
    if (event.type === 'OrderLinesBackordered') {
      const backordered: OrderBackordered = {
        eventId: `${orderId}:backordered:${event.data.sourceEventId}`,
        type: 'OrderBackordered',
        occurredAt: issuedAt,
        orderId,
        lines: event.data.lines,
      };
      statuses.push(backordered);
    }
    state = after;
  }
  return statuses.map((status) => outboxJson(topics.orderStatus, status.orderId, status, status.eventId, status.orderId));
}

/** The OrderSourced of a command that carried out a sourcing plan (PlaceOrder, SourceAgain), or null. */
function orderSourced(
  command: OnlineOrderCommand,
  before: OnlineOrderState,
  events: readonly OnlineOrderEvent[],
  orderId: string,
  issuedAt: string,
): OrderSourced | null {
  if (command.type !== 'PlaceOrder' && command.type !== 'SourceAgain') return null;
  const fulfillments: OrderSourced['fulfillments'] = [];
  const backordered: OrderSourced['backordered'] = [];
  for (const event of events) {
    if (event.type === 'FulfillmentDispatched' || event.type === 'PickupAwaitingTransfers') {
      if (stateOf(before, event.data.fulfillmentId) !== undefined) continue;
      const { fulfillmentId, fromLocationId, lines } = event.data;
      fulfillments.push({ fulfillmentId, fromLocationId, lines });
    } else if (event.type === 'OrderLinesBackordered') backordered.push(...event.data.lines);
  }
  if (fulfillments.length === 0 && backordered.length === 0) return null;
  return {
    eventId: `${orderId}:sourced:${command.sourceEventId}`,
    type: 'OrderSourced',
    occurredAt: issuedAt,
    orderId,
    fulfillments,
    backordered: mergeLines(backordered),
    reason: command.plan.reasons.join('; ') || 'sourced',
  };
}

const stateOf = (order: OnlineOrderState, fulfillmentId: string) =>
  order.fulfillments.find((f) => f.fulfillmentId === fulfillmentId)?.state;
