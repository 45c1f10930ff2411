import { cancelCommandIdFor, dispatchCommandIdFor, fulfillmentIdFor, orderTransferIdFor } from '../minted-ids';
import { linesWithin, mergeLines, subtractLines } from '../order-lines';
import { provenanceOf, type Provenance } from '../provenance';
import type { SourcingPlan } from '../sourcing/contract';
import type { OnlineOrderCommand } from './commands';
import type { OnlineOrderEvent } from './events';
import { evolveOnlineOrder } from './evolve';
import { feedbackRefusal } from './feedback';
import { findFulfillment, type FulfillmentState, type OnlineOrderState, type OrderFulfillment } from './state';

const OPEN_STATES: ReadonlySet<FulfillmentState> = new Set(['awaiting-transfer', 'dispatched']);

export function decideOnlineOrder(command: OnlineOrderCommand, state: OnlineOrderState): OnlineOrderEvent[] {
  const provenance = provenanceOf(command);
  switch (command.type) {
    case 'PlaceOrder': {
      if (state.orderId !== null) return []; // placed before: a repeat has no second effect
      const accepted: OnlineOrderEvent = {
        type: 'OnlineOrderAccepted',
        data: { ...provenance, orderId: command.orderId, lines: mergeLines(command.lines), delivery: command.delivery },
      };
      const placed = evolveOnlineOrder(state, accepted);
      return [accepted, ...eventsForPlan(placed, command.plan, provenance)];
    }
    case 'CancelOrder': {
      if (state.orderId === null || state.cancelled) return [];
      const cancels: OnlineOrderEvent[] = state.fulfillments
        .filter((f) => OPEN_STATES.has(f.state))
        .map((f) => cancelled(f, 'order-cancelled', provenance));
      return [...cancels, { type: 'OnlineOrderCancelled', data: { ...provenance, orderId: state.orderId } }];
    }
    case 'ConfirmShipped':
    case 'ConfirmCollected': {
      // What cannot be true of the fulfillment is the caller's dead letter (feedbackRefusal); a repeat changes nothing.
      if (feedbackRefusal(state, command.type === 'ConfirmShipped' ? 'shipped' : 'collected', command.fulfillmentId) !== null) return [];
      const fulfillment = findFulfillment(state, command.fulfillmentId)!;
      // Shipped after a cancel raced the truck: the goods left all the same, so it is recorded.
      if (fulfillment.state !== 'dispatched' && fulfillment.state !== 'cancelled') return [];
      const type = command.type === 'ConfirmShipped' ? 'FulfillmentShipped' : 'PickupCollected';
      return [{ type, data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId } }];
    }
    case 'RecordPickFailure': {
      const fulfillment = findFulfillment(state, command.fulfillmentId);
      if (!fulfillment) return [];
      // A picker cannot come up short of more than the fulfillment asked for: the rest of a report is not written off.
      const shortLines = linesWithin(command.shortLines, fulfillment.lines);
      if (fulfillment.state === 'dispatched')
        return [{ type: 'FulfillmentFailed', data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId, shortLines } }];
      if (fulfillment.state !== 'cancelled' || fulfillment.dispatchCommandId === null) return [];
      // Cancelled after it reached the picker: the location's answer to the cancel (the pick stopped) releases
      // what it still held, and a shelf short all the same must show in the stock (once).
      const events: OnlineOrderEvent[] = fulfillment.awaitingCancelConfirmation
        ? [{ type: 'CancelledHoldReleased', data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId, reason: 'pick-stopped' } }]
        : [];
      if (!fulfillment.shortPickRecorded && shortLines.length > 0)
        events.push({ type: 'ShortPickRecorded', data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId, shortLines } });
      return events;
    }
    case 'SourceAgain':
      if (state.orderId === null || state.cancelled) return [];
      return eventsForPlan(state, command.plan, provenance);
    case 'ReceiveOrderTransfer': {
      const transfer = state.transfers.find((t) => t.transferId === command.transferId);
      if (!transfer || transfer.received) return [];
      const fulfillment = findFulfillment(state, transfer.fulfillmentId);
      const waiting = fulfillment?.state === 'awaiting-transfer';
      // Hold what arrived for this order (up to what the transfer was for); nothing if the order moved on.
      const reservedLines = waiting ? linesWithin(command.receivedLines, transfer.lines) : [];
      const received: OnlineOrderEvent = {
        type: 'OrderTransferReceived',
        data: {
          ...provenance,
          transferId: transfer.transferId,
          fulfillmentId: transfer.fulfillmentId,
          locationId: transfer.toLocationId,
          reservedLines,
        },
      };
      const after = evolveOnlineOrder(state, received);
      const ready = findFulfillment(after, transfer.fulfillmentId);
      if (!waiting || !ready || ready.awaitingTransferIds.length > 0) return [received];
      return [received, ...dispatchAfterTransfers(ready, provenance)];
    }
    case 'ExpirePickupHold': {
      const fulfillment = findFulfillment(state, command.fulfillmentId);
      if (!fulfillment || fulfillment.mode !== 'pickup' || fulfillment.state !== 'dispatched') return [];
      return [cancelled(fulfillment, 'pickup-hold-expired', provenance)];
    }
    case 'ReleaseUnconfirmedCancel': {
      const fulfillment = findFulfillment(state, command.fulfillmentId);
      if (fulfillment?.state !== 'cancelled' || !fulfillment.awaitingCancelConfirmation) return []; // answered meanwhile
      return [
        { type: 'CancelledHoldReleased', data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId, reason: 'no-answer-in-time' } },
      ];
    }
  }
}

/**
 * Cancel an open fulfillment. Never dispatched: released at once, nobody to tell. Dispatched: its
 * location is told (CancelFulfillment) and its units stay reserved until it answers or the wait runs
 * out, since it may already have shipped them: they are never promised twice.
 */
function cancelled(
  fulfillment: OrderFulfillment,
  reason: 'order-cancelled' | 'pickup-hold-expired',
  provenance: Provenance,
): OnlineOrderEvent {
  const dispatched = fulfillment.state === 'dispatched';
  return {
    type: 'FulfillmentCancelled',
    data: {
      ...provenance,
      fulfillmentId: fulfillment.fulfillmentId,
      reason,
      commandId: dispatched ? cancelCommandIdFor(fulfillment.fulfillmentId) : null,
      ...(dispatched ? { holdUntilConfirmed: true } : {}),
    },
  };
}

/** The events that carry out a sourcing plan on an accepted order. */
function eventsForPlan(state: OnlineOrderState, plan: SourcingPlan, provenance: Provenance): OnlineOrderEvent[] {
  const orderId = state.orderId!;
  const mode = state.delivery!.mode;
  const events: OnlineOrderEvent[] = [];
  let fulfillmentSequence = state.fulfillments.length;
  let transferSequence = state.transfers.length;
  for (const planned of plan.fulfillments) {
    fulfillmentSequence += 1;
    const fulfillmentId = fulfillmentIdFor(orderId, fulfillmentSequence);
    const lines = mergeLines(planned.lines);
    const transfers = plan.transfers
      .filter((transfer) => transfer.toLocationId === planned.fromLocationId)
      .map((transfer) => {
        transferSequence += 1;
        return {
          transferId: orderTransferIdFor(orderId, transferSequence),
          fromLocationId: transfer.fromLocationId,
          toLocationId: transfer.toLocationId,
          lines: mergeLines(transfer.lines),
        };
      });
    const ownShare = subtractLines(
      lines,
      transfers.flatMap((t) => t.lines),
    );
    if (transfers.length === 0) {
      events.push({
        type: 'FulfillmentDispatched',
        data: {
          ...provenance,
          fulfillmentId,
          fromLocationId: planned.fromLocationId,
          mode,
          lines,
          reservedLines: lines,
          commandId: dispatchCommandIdFor(fulfillmentId),
          reasons: planned.reasons,
        },
      });
    } else {
      events.push({
        type: 'PickupAwaitingTransfers',
        data: {
          ...provenance,
          fulfillmentId,
          fromLocationId: planned.fromLocationId,
          lines,
          reservedLines: ownShare,
          transfers,
          reasons: planned.reasons,
        },
      });
    }
  }
  if (plan.backordered.length > 0) {
    events.push({ type: 'OrderLinesBackordered', data: { ...provenance, lines: mergeLines(plan.backordered), reasons: plan.reasons } });
  }
  return events;
}

/**
 * All transfers are in: dispatch what the store now holds for the order, backorder what never came.
 * When it holds nothing of it, the fulfillment is over (cancelled, never dispatched: nobody to tell).
 */
function dispatchAfterTransfers(fulfillment: OrderFulfillment, provenance: Provenance): OnlineOrderEvent[] {
  const events: OnlineOrderEvent[] = [];
  const lines = mergeLines(fulfillment.reservedLines);
  if (lines.length === 0) {
    events.push({
      type: 'FulfillmentCancelled',
      data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId, reason: 'transfers-brought-nothing', commandId: null },
    });
  } else {
    events.push({
      type: 'FulfillmentDispatched',
      data: {
        ...provenance,
        fulfillmentId: fulfillment.fulfillmentId,
        fromLocationId: fulfillment.fromLocationId,
        mode: fulfillment.mode,
        lines,
        reservedLines: [],
        commandId: dispatchCommandIdFor(fulfillment.fulfillmentId),
        reasons: [...fulfillment.reasons, 'transfers into the pickup store received'],
      },
    });
  }
  const missing = subtractLines(fulfillment.lines, lines);
  if (missing.length > 0) {
    events.push({
      type: 'OrderLinesBackordered',
      data: { ...provenance, lines: missing, reasons: ['the transfers into the pickup store brought less than planned'] },
    });
  }
  return events;
}
