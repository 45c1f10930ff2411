/**
 * An online order and its fulfillments: the unit of consistency for "what did we promise this
 * customer, from where, and how far has it got". Pure decide/evolve, no framework.
 *
 * The order decides; its events say which stock to hold, release or ship (`stockInstructionsOfOrderEvent`)
 * and the service turns them into logistics commands. Sourcing plans come from `planSourcing`,
 * computed by the caller on current stock and passed in with the command, so this stays a plain function.
 */
import { cancelCommandIdFor, dispatchCommandIdFor, fulfillmentIdFor, orderTransferIdFor } from './minted-ids';
import { linesWithin, mergeLines, quantitiesBySku, subtractLines, type OrderLine } from './order-lines';
import { provenanceOf, type Provenance } from './provenance';
import type { OrderDelivery, SourcingPlan } from './sourcing';
import type { StockInstruction, StockItemCommand } from './stock-item/commands';
import type { StockItemKey } from './stock-item/state';

export type FulfillmentState = 'awaiting-transfer' | 'dispatched' | 'shipped' | 'collected' | 'failed' | 'cancelled';

export interface OrderFulfillment {
  fulfillmentId: string;
  fromLocationId: string;
  mode: OrderDelivery['mode'];
  /** What the location is to ship or hand over. */
  lines: OrderLine[];
  /** What is held for it at `fromLocationId` right now. */
  reservedLines: OrderLine[];
  state: FulfillmentState;
  /** Pickup: transfers into the store this fulfillment waits for. */
  awaitingTransferIds: string[];
  dispatchCommandId: string | null;
  reasons: string[];
  /** A short pick reported after it was cancelled has been written off (absent in older snapshots: false). */
  shortPickRecorded?: boolean;
}

/** A transfer into a pickup store for one of the order's fulfillments. */
export interface OrderTransfer extends PlannedOrderTransfer {
  fulfillmentId: string;
  received: boolean;
}

export interface OnlineOrderState {
  orderId: string | null;
  lines: OrderLine[];
  delivery: OrderDelivery | null;
  cancelled: boolean;
  fulfillments: OrderFulfillment[];
  transfers: OrderTransfer[];
  backordered: OrderLine[];
  /** Locations whose pick failed for this order: not asked again. */
  failedLocationIds: string[];
}

export interface PlannedOrderTransfer {
  transferId: string;
  fromLocationId: string;
  toLocationId: string;
  lines: OrderLine[];
}

export type OnlineOrderEvent =
  | { type: 'OnlineOrderAccepted'; data: Provenance & { orderId: string; lines: OrderLine[]; delivery: OrderDelivery } }
  | {
      type: 'FulfillmentDispatched';
      data: Provenance & {
        fulfillmentId: string;
        fromLocationId: string;
        mode: OrderDelivery['mode'];
        lines: OrderLine[];
        /** Held at `fromLocationId` by this event (for a pickup after transfers: nothing more). */
        reservedLines: OrderLine[];
        commandId: string;
        reasons: string[];
      };
    }
  | {
      type: 'PickupAwaitingTransfers';
      data: Provenance & {
        fulfillmentId: string;
        fromLocationId: string;
        lines: OrderLine[];
        reservedLines: OrderLine[];
        transfers: PlannedOrderTransfer[];
        reasons: string[];
      };
    }
  | {
      type: 'OrderTransferReceived';
      data: Provenance & { transferId: string; fulfillmentId: string; locationId: string; reservedLines: OrderLine[] };
    }
  | { type: 'OrderLinesBackordered'; data: Provenance & { lines: OrderLine[]; reasons: string[] } }
  | { type: 'FulfillmentShipped'; data: Provenance & { fulfillmentId: string } }
  | { type: 'PickupCollected'; data: Provenance & { fulfillmentId: string } }
  | { type: 'FulfillmentFailed'; data: Provenance & { fulfillmentId: string; shortLines: OrderLine[] } }
  /** A pick cancelled meanwhile (order cancelled, pickup hold expired) still came up short: written off, nothing sourced again. */
  | { type: 'ShortPickRecorded'; data: Provenance & { fulfillmentId: string; shortLines: OrderLine[] } }
  | {
      type: 'FulfillmentCancelled';
      data: Provenance & {
        fulfillmentId: string;
        reason: 'order-cancelled' | 'pickup-hold-expired' | 'transfers-brought-nothing';
        commandId: string | null;
      };
    }
  | { type: 'OnlineOrderCancelled'; data: Provenance & { orderId: string } };

export type OnlineOrderCommand =
  | ({ type: 'PlaceOrder'; orderId: string; lines: OrderLine[]; delivery: OrderDelivery; plan: SourcingPlan } & Provenance)
  | ({ type: 'CancelOrder' } & Provenance)
  | ({ type: 'ConfirmShipped'; fulfillmentId: string } & Provenance)
  | ({ type: 'ConfirmCollected'; fulfillmentId: string } & Provenance)
  /** The pick failed: release, adjust the short lines, then `SourceAgain` (see `resourcingRequestFor`). */
  | ({ type: 'RecordPickFailure'; fulfillmentId: string; shortLines: OrderLine[] } & Provenance)
  | ({ type: 'SourceAgain'; plan: SourcingPlan } & Provenance)
  | ({ type: 'ReceiveOrderTransfer'; transferId: string; receivedLines: OrderLine[] } & Provenance)
  | ({ type: 'ExpirePickupHold'; fulfillmentId: string } & Provenance);

export const initialOnlineOrderState = (): OnlineOrderState => ({
  orderId: null,
  lines: [],
  delivery: null,
  cancelled: false,
  fulfillments: [],
  transfers: [],
  backordered: [],
  failedLocationIds: [],
});

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
      const cancelled: OnlineOrderEvent[] = state.fulfillments
        .filter((f) => OPEN_STATES.has(f.state))
        .map((f) => ({
          type: 'FulfillmentCancelled',
          data: {
            ...provenance,
            fulfillmentId: f.fulfillmentId,
            reason: 'order-cancelled',
            commandId: f.state === 'dispatched' ? cancelCommandIdFor(f.fulfillmentId) : null,
          },
        }));
      return [...cancelled, { type: 'OnlineOrderCancelled', data: { ...provenance, orderId: state.orderId } }];
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
      // Cancelled after it reached the picker: the shelf is short all the same, so the stock must say so (once).
      const pickedAfterCancel =
        fulfillment.state === 'cancelled' && fulfillment.dispatchCommandId !== null && !fulfillment.shortPickRecorded;
      if (!pickedAfterCancel || shortLines.length === 0) return [];
      return [{ type: 'ShortPickRecorded', data: { ...provenance, fulfillmentId: fulfillment.fulfillmentId, shortLines } }];
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
      return [
        {
          type: 'FulfillmentCancelled',
          data: {
            ...provenance,
            fulfillmentId: fulfillment.fulfillmentId,
            reason: 'pickup-hold-expired',
            commandId: cancelCommandIdFor(fulfillment.fulfillmentId),
          },
        },
      ];
    }
  }
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
      return changeFulfillment(state, event.data.fulfillmentId, { state: 'shipped', reservedLines: [] });
    case 'PickupCollected':
      return changeFulfillment(state, event.data.fulfillmentId, { state: 'collected', reservedLines: [] });
    case 'FulfillmentFailed': {
      const fulfillment = findFulfillment(state, event.data.fulfillmentId);
      const failed = changeFulfillment(state, event.data.fulfillmentId, { state: 'failed', reservedLines: [] });
      return fulfillment
        ? { ...failed, failedLocationIds: [...new Set([...state.failedLocationIds, fulfillment.fromLocationId])] }
        : failed;
    }
    case 'FulfillmentCancelled':
      return changeFulfillment(state, event.data.fulfillmentId, { state: 'cancelled', reservedLines: [] });
    case 'ShortPickRecorded':
      return changeFulfillment(state, event.data.fulfillmentId, { shortPickRecorded: true });
    case 'OnlineOrderCancelled':
      return { ...state, cancelled: true };
  }
}

function findFulfillment(state: OnlineOrderState, fulfillmentId: string): OrderFulfillment | undefined {
  return state.fulfillments.find((f) => f.fulfillmentId === fulfillmentId);
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

/** What an order event does to stock: one instruction per SKU and location. */
export function stockInstructionsOfOrderEvent(
  event: OnlineOrderEvent,
  before: OnlineOrderState,
  safetyStockOf: (key: StockItemKey) => number,
): StockInstruction[] {
  const provenance = provenanceOf(event.data);
  const at = (locationId: string, lines: readonly OrderLine[], command: (line: OrderLine, key: StockItemKey) => StockItemCommand) =>
    lines.map((line) => {
      const key = { locationId, sku: line.sku };
      return { key, command: command(line, key) };
    });
  const reserve = (locationId: string, referenceId: string, lines: readonly OrderLine[], respectSafetyStock: boolean) =>
    at(locationId, lines, (line, key) => ({
      type: 'ReserveStock',
      purpose: 'fulfillment',
      referenceId,
      quantity: line.quantity,
      safetyStock: respectSafetyStock ? safetyStockOf(key) : null,
      ...provenance,
    }));
  const writeOffShortPick = (fulfillment: OrderFulfillment, shortLines: readonly OrderLine[]) =>
    at(fulfillment.fromLocationId, shortLines, (line) => ({
      type: 'RecordAdjustment',
      delta: -line.quantity,
      reason: 'short-pick',
      ...provenance,
    }));
  const release = (fulfillment: OrderFulfillment, reason: string) =>
    at(fulfillment.fromLocationId, fulfillment.reservedLines, (line) => ({
      type: 'ReleaseReservation',
      purpose: 'fulfillment',
      referenceId: fulfillment.fulfillmentId,
      quantity: line.quantity,
      reason,
      ...provenance,
    }));

  switch (event.type) {
    case 'FulfillmentDispatched':
    case 'PickupAwaitingTransfers':
      return reserve(event.data.fromLocationId, event.data.fulfillmentId, event.data.reservedLines, true);
    case 'OrderTransferReceived':
      // Brought in for this order: held for it even where that dips into the store's safety stock, or
      // beyond what available says (the till may have oversold the shelf while it was on its way).
      return reserve(event.data.locationId, event.data.fulfillmentId, event.data.reservedLines, false);
    case 'FulfillmentShipped':
    case 'PickupCollected': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      if (!fulfillment) return [];
      const held = quantitiesBySku(fulfillment.reservedLines);
      return at(fulfillment.fromLocationId, fulfillment.lines, (line) => ({
        type: 'ShipReservedStock',
        purpose: 'fulfillment',
        referenceId: fulfillment.fulfillmentId,
        quantity: line.quantity,
        reservedQuantity: held.get(line.sku) ?? 0,
        ...provenance,
      }));
    }
    case 'FulfillmentFailed': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      if (!fulfillment) return [];
      return [...release(fulfillment, 'pick failed'), ...writeOffShortPick(fulfillment, event.data.shortLines)];
    }
    case 'ShortPickRecorded': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      return fulfillment ? writeOffShortPick(fulfillment, event.data.shortLines) : [];
    }
    case 'FulfillmentCancelled': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      return fulfillment ? release(fulfillment, event.data.reason) : [];
    }
    case 'OnlineOrderAccepted':
    case 'OrderLinesBackordered':
    case 'OnlineOrderCancelled':
      return [];
  }
}

export function foldOnlineOrder(events: Iterable<OnlineOrderEvent>, from: OnlineOrderState = initialOnlineOrderState()): OnlineOrderState {
  let state = from;
  for (const event of events) state = evolveOnlineOrder(state, event);
  return state;
}

export function onlineOrderStreamId(orderId: string): string {
  return `online-order|${encodeURIComponent(orderId)}`;
}

export const onlineOrderDecider = {
  initialState: initialOnlineOrderState,
  decide: decideOnlineOrder,
  evolve: evolveOnlineOrder,
};

/** Bump when OnlineOrderState's shape changes: older snapshots are then ignored and rebuilt. */
export const ONLINE_ORDER_STATE_VERSION = 1;
