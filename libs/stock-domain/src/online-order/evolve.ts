import { mergeLines } from '../order-lines';
import type { OnlineOrderEvent } from './events';
import { findFulfillment, initialOnlineOrderState, type OnlineOrderState, type OrderFulfillment } from './state';

export function evolveOnlineOrder(state: OnlineOrderState, event: OnlineOrderEvent): OnlineOrderState {
  switch (event.type) {
    case 'OnlineOrderAccepted':
      return { ...state, orderId: event.data.orderId, lines: event.data.lines, delivery: event.data.delivery };
    case 'FulfillmentDispatched': {
      const existing = findFulfillment(state, event.data.fulfillmentId);
      const dispatched: OrderFulfillment = {
        fulfillmentId: event.data.fulfillmentId,
        fromLocationId: event.data.fromLocationId,
        mode: event.data.mode,
        lines: event.data.lines,
        reservedLines: existing ? existing.reservedLines : event.data.reservedLines,
        state: 'dispatched',
        awaitingTransferIds: [],
        dispatchCommandId: event.data.commandId,
        reasons: event.data.reasons,
      };
      return withFulfillment(state, dispatched);
    }
    case 'PickupAwaitingTransfers':
      return {
        ...withFulfillment(state, {
          fulfillmentId: event.data.fulfillmentId,
          fromLocationId: event.data.fromLocationId,
          mode: 'pickup',
          lines: event.data.lines,
          reservedLines: event.data.reservedLines,
          state: 'awaiting-transfer',
          awaitingTransferIds: event.data.transfers.map((t) => t.transferId),
          dispatchCommandId: null,
          reasons: event.data.reasons,
        }),
        transfers: [
          ...state.transfers,
          ...event.data.transfers.map((t) => ({ ...t, fulfillmentId: event.data.fulfillmentId, received: false })),
        ],
      };
    case 'OrderTransferReceived': {
      const transfers = state.transfers.map((t) => (t.transferId === event.data.transferId ? { ...t, received: true } : t));
      const fulfillment = findFulfillment(state, event.data.fulfillmentId);
      if (!fulfillment) return { ...state, transfers };
      return {
        ...withFulfillment(state, {
          ...fulfillment,
          reservedLines: mergeLines([...fulfillment.reservedLines, ...event.data.reservedLines]),
          awaitingTransferIds: fulfillment.awaitingTransferIds.filter((id) => id !== event.data.transferId),
        }),
        transfers,
      };
    }
    case 'OrderLinesBackordered':
      return { ...state, backordered: mergeLines([...state.backordered, ...event.data.lines]) };
    case 'FulfillmentShipped':
      return changeFulfillment(state, event.data.fulfillmentId, { state: 'shipped', reservedLines: [], awaitingCancelConfirmation: false });
    case 'PickupCollected':
      return changeFulfillment(state, event.data.fulfillmentId, {
        state: 'collected',
        reservedLines: [],
        awaitingCancelConfirmation: false,
      });
    case 'FulfillmentFailed': {
      const fulfillment = findFulfillment(state, event.data.fulfillmentId);
      const failed = changeFulfillment(state, event.data.fulfillmentId, { state: 'failed', reservedLines: [] });
      return fulfillment
        ? { ...failed, failedLocationIds: [...new Set([...state.failedLocationIds, fulfillment.fromLocationId])] }
        : failed;
    }
    case 'FulfillmentCancelled': {
      if (!event.data.holdUntilConfirmed)
        return changeFulfillment(state, event.data.fulfillmentId, { state: 'cancelled', reservedLines: [] });
      return changeFulfillment(state, event.data.fulfillmentId, { state: 'cancelled', awaitingCancelConfirmation: true });
    }
    case 'CancelledHoldReleased':
      return changeFulfillment(state, event.data.fulfillmentId, { reservedLines: [], awaitingCancelConfirmation: false });
    case 'ShortPickRecorded':
      return changeFulfillment(state, event.data.fulfillmentId, { shortPickRecorded: true });
    case 'OnlineOrderCancelled':
      return { ...state, cancelled: true };
  }
}

function withFulfillment(state: OnlineOrderState, fulfillment: OrderFulfillment): OnlineOrderState {
  const others = state.fulfillments.filter((f) => f.fulfillmentId !== fulfillment.fulfillmentId);
  const index = state.fulfillments.findIndex((f) => f.fulfillmentId === fulfillment.fulfillmentId);
  const fulfillments = index < 0 ? [...others, fulfillment] : state.fulfillments.map((f, i) => (i === index ? fulfillment : f));
  return { ...state, fulfillments };
}

function changeFulfillment(state: OnlineOrderState, fulfillmentId: string, change: Partial<OrderFulfillment>): OnlineOrderState {
  const fulfillment = findFulfillment(state, fulfillmentId);
  return fulfillment ? withFulfillment(state, { ...fulfillment, ...change }) : state;
}

export function foldOnlineOrder(events: Iterable<OnlineOrderEvent>, from: OnlineOrderState = initialOnlineOrderState()): OnlineOrderState {
  let state = from;
  for (const event of events) state = evolveOnlineOrder(state, event);
  return state;
}
