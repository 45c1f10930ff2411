/**
 * A SKU at one location: the unit of consistency for stock. Pure decide/evolve, no framework.
 *
 * Counts follow the contract's "as of occurredAt" rule: a count sets on-hand to the counted quantity
 * at the moment it was taken, so movements that happened after it (even if they reached us first)
 * still count on top of it, and movements that happened before it are already inside it. The
 * decider works this out when it records an event and writes the effective change to on-hand into
 * the event (`onHandChange`), so every read model is a plain sum. To see the movements that followed
 * a late count, the state keeps a journal of recent movements (`COUNT_LOOKBACK_MS`).
 */
import { provenanceOf, type Provenance } from './provenance';

export interface StockItemKey {
  locationId: string;
  sku: string;
}

interface Recorded extends Provenance {
  /** What this event did to on-hand, after applying the count rule. */
  onHandChange: number;
  /** What this event did to reserved (absent: nothing). */
  reservedChange?: number;
  /** What this event did to in-transit towards this location (absent: nothing). */
  inTransitChange?: number;
}

/** What a reservation is held for: an online order's fulfillment, or a transfer out of this location. */
export type ReservationPurpose = 'fulfillment' | 'transfer';

interface ReservationRef {
  purpose: ReservationPurpose;
  /** The fulfillmentId or transferId. */
  referenceId: string;
  quantity: number;
}

export type StockItemEvent =
  | { type: 'StockReceived'; data: Recorded & { quantity: number } }
  | { type: 'StockSold'; data: Recorded & { quantity: number; receiptId: string } }
  | { type: 'StockReturned'; data: Recorded & { quantity: number; receiptId: string } }
  | { type: 'StockAdjusted'; data: Recorded & { delta: number; reason: string } }
  | { type: 'StockCounted'; data: Recorded & { countedQuantity: number } }
  | { type: 'StockReserved'; data: Recorded & ReservationRef }
  | { type: 'ReservationReleased'; data: Recorded & ReservationRef & { reason: string } }
  | { type: 'ReservedStockShipped'; data: Recorded & ReservationRef }
  | { type: 'TransferInbound'; data: Recorded & { transferId: string; quantity: number } }
  | { type: 'TransferReceivedIn'; data: Recorded & { transferId: string; quantity: number } }
  | { type: 'ReplenishmentRequested'; data: Recorded & { transferId: string; quantity: number } }
  /** The open replenishment's transfer was called off before it left: the store may be replenished again. */
  | { type: 'ReplenishmentClosed'; data: Recorded & { transferId: string } };

export type StockItemEventType = StockItemEvent['type'];

export interface StockItemState {
  onHand: number;
  reserved: number;
  inTransit: number;
  /** occurredAt (epoch ms) of the latest count applied, if any. */
  countedAt: number | null;
  /** The replenishment transfer into this location not yet received, if any: never a second one. */
  openReplenishmentTransferId: string | null;
  /** Recent physical movements as [occurredAt epoch ms, quantity moved], oldest first. */
  journal: Array<[number, number]>;
}

/** How far back a late count can still see the movements that followed it. */
export const COUNT_LOOKBACK_MS = 48 * 60 * 60 * 1000;

export const initialStockItemState = (): StockItemState => ({
  onHand: 0,
  reserved: 0,
  inTransit: 0,
  countedAt: null,
  openReplenishmentTransferId: null,
  journal: [],
});

export type StockItemCommand =
  | ({ type: 'RecordReceipt'; quantity: number } & Provenance)
  | ({ type: 'RecordStoreSale'; quantity: number; receiptId: string } & Provenance)
  | ({ type: 'RecordStoreReturn'; quantity: number; receiptId: string } & Provenance)
  | ({ type: 'RecordAdjustment'; delta: number; reason: string } & Provenance)
  | ({ type: 'RecordCount'; countedQuantity: number } & Provenance)
  /**
   * Hold stock for an online order or an outgoing transfer: never more than available (on hand −
   * reserved − `safetyStock`). `safetyStock: null` holds it whatever available says: stock that
   * arrived for this very order is held for it even if the till oversold the shelf meanwhile.
   */
  | ({ type: 'ReserveStock'; purpose: ReservationPurpose; referenceId: string; quantity: number; safetyStock: number | null } & Provenance)
  | ({ type: 'ReleaseReservation'; purpose: ReservationPurpose; referenceId: string; quantity: number; reason: string } & Provenance)
  /**
   * Reserved stock left the building (shipped, collected, or a transfer picked up). `reservedQuantity`
   * is what was still held for it: 0 when the reservation was released first (a cancel raced the truck).
   */
  | ({
      type: 'ShipReservedStock';
      purpose: ReservationPurpose;
      referenceId: string;
      quantity: number;
      reservedQuantity: number;
    } & Provenance)
  | ({ type: 'ExpectTransfer'; transferId: string; quantity: number } & Provenance)
  /** Stock arrived: `quantity` received, `inTransitQuantity` what was on its way for that transfer. */
  | ({ type: 'ReceiveTransfer'; transferId: string; quantity: number; inTransitQuantity: number } & Provenance)
  | ({ type: 'RequestReplenishment'; transferId: string; quantity: number } & Provenance)
  | ({ type: 'CloseReplenishment'; transferId: string } & Provenance);

/** An online order or a transfer asked for more than the location can promise: the caller sourced wrongly. */
export class ReservationExceedsAvailable extends Error {
  constructor(
    readonly referenceId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`${referenceId} asked to reserve ${requested} but only ${available} is available`);
  }
}
/**
 * Receipts, store sales, returns, adjustments and counts are facts from the shop floor: they are
 * always recorded, even when a sale drives on-hand below zero (negative stock is flagged by the
 * views, never rejected).
 */
export function decideStockItem(command: StockItemCommand, state: StockItemState): StockItemEvent[] {
  const events = decideWithinAnyRange(command, state);
  refuseInexactTotals(state, events);
  return events;
}

/**
 * The most units a stock item's on-hand, reserved or in-transit can reach either way: numbers are
 * exact to 2^53 - 1 here and in every view (PostgreSQL bigint holds more). One event moves at most
 * 1000 lines x 1,000,000 units, so this is some nine million of the largest events at one SKU and location.
 */
export const MAX_STOCK_ITEM_QUANTITY = Number.MAX_SAFE_INTEGER;

/** A command would take a stock item's total past what is held exactly: the inbound event is a dead letter. */
export class StockQuantityOutOfRange extends Error {
  constructor(
    readonly field: 'onHand' | 'reserved' | 'inTransit',
    readonly wouldBe: number,
  ) {
    super(`${field} would reach ${wouldBe}, past ±${MAX_STOCK_ITEM_QUANTITY} (2^53 - 1), the most a stock item holds exactly`);
  }
}

function refuseInexactTotals(state: StockItemState, events: readonly StockItemEvent[]): void {
  let { onHand, reserved, inTransit } = state;
  for (const { data } of events) {
    onHand += data.onHandChange;
    reserved += data.reservedChange ?? 0;
    inTransit += data.inTransitChange ?? 0;
    for (const [field, value] of [
      ['onHand', onHand],
      ['reserved', reserved],
      ['inTransit', inTransit],
    ] as const) {
      if (Math.abs(value) > MAX_STOCK_ITEM_QUANTITY) throw new StockQuantityOutOfRange(field, value);
    }
  }
}

function decideWithinAnyRange(command: StockItemCommand, state: StockItemState): StockItemEvent[] {
  const provenance = provenanceOf(command);
  const moved = (quantity: number): number => effectiveMovement(state, quantity, command.occurredAt);
  switch (command.type) {
    case 'RecordReceipt':
      return [{ type: 'StockReceived', data: { ...provenance, quantity: command.quantity, onHandChange: moved(command.quantity) } }];
    case 'RecordStoreSale':
      return [
        {
          type: 'StockSold',
          data: { ...provenance, quantity: command.quantity, receiptId: command.receiptId, onHandChange: moved(-command.quantity) },
        },
      ];
    case 'RecordStoreReturn':
      return [
        {
          type: 'StockReturned',
          data: { ...provenance, quantity: command.quantity, receiptId: command.receiptId, onHandChange: moved(command.quantity) },
        },
      ];
    case 'RecordAdjustment':
      return [
        {
          type: 'StockAdjusted',
          data: { ...provenance, delta: command.delta, reason: command.reason, onHandChange: moved(command.delta) },
        },
      ];
    case 'RecordCount':
      return [
        {
          type: 'StockCounted',
          data: { ...provenance, countedQuantity: command.countedQuantity, onHandChange: countChange(state, command) },
        },
      ];
    case 'ReserveStock': {
      if (command.safetyStock !== null) {
        const available = state.onHand - state.reserved - command.safetyStock;
        if (command.quantity > available) throw new ReservationExceedsAvailable(command.referenceId, command.quantity, available);
      }
      const reference = { purpose: command.purpose, referenceId: command.referenceId, quantity: command.quantity };
      return [{ type: 'StockReserved', data: { ...provenance, ...reference, onHandChange: 0, reservedChange: command.quantity } }];
    }
    case 'ReleaseReservation': {
      const reference = { purpose: command.purpose, referenceId: command.referenceId, quantity: command.quantity };
      return [
        {
          type: 'ReservationReleased',
          data: { ...provenance, ...reference, reason: command.reason, onHandChange: 0, reservedChange: -command.quantity },
        },
      ];
    }
    case 'ShipReservedStock': {
      const reference = { purpose: command.purpose, referenceId: command.referenceId, quantity: command.quantity };
      return [
        {
          type: 'ReservedStockShipped',
          data: { ...provenance, ...reference, onHandChange: moved(-command.quantity), reservedChange: -command.reservedQuantity },
        },
      ];
    }
    case 'ExpectTransfer':
      return [
        {
          type: 'TransferInbound',
          data: {
            ...provenance,
            transferId: command.transferId,
            quantity: command.quantity,
            onHandChange: 0,
            inTransitChange: command.quantity,
          },
        },
      ];
    case 'ReceiveTransfer':
      return [
        {
          type: 'TransferReceivedIn',
          data: {
            ...provenance,
            transferId: command.transferId,
            quantity: command.quantity,
            onHandChange: moved(command.quantity),
            inTransitChange: -command.inTransitQuantity,
          },
        },
      ];
    case 'RequestReplenishment':
      if (state.openReplenishmentTransferId !== null) return []; // one open replenishment per SKU and location
      return [
        {
          type: 'ReplenishmentRequested',
          data: { ...provenance, transferId: command.transferId, quantity: command.quantity, onHandChange: 0 },
        },
      ];
    case 'CloseReplenishment':
      if (state.openReplenishmentTransferId !== command.transferId) return []; // not the open one: nothing to close
      return [{ type: 'ReplenishmentClosed', data: { ...provenance, transferId: command.transferId, onHandChange: 0 } }];
  }
}

/** A movement that happened before the latest count is already inside that count. */
function effectiveMovement(state: StockItemState, quantity: number, occurredAt: string): number {
  return isBeforeLatestCount(state, Date.parse(occurredAt)) ? 0 : quantity;
}

function countChange(state: StockItemState, count: { countedQuantity: number; occurredAt: string }): number {
  const at = Date.parse(count.occurredAt);
  if (isBeforeLatestCount(state, at)) return 0; // older than the count already applied: superseded
  const movedSince = state.journal.reduce((sum, [movedAt, quantity]) => (movedAt > at ? sum + quantity : sum), 0);
  return count.countedQuantity + movedSince - state.onHand;
}

function isBeforeLatestCount(state: StockItemState, at: number): boolean {
  return state.countedAt !== null && at <= state.countedAt;
}

/** The physical quantity an event moved; null for events that move nothing on the shelf. */
function physicalMovement(event: StockItemEvent): number | null {
  switch (event.type) {
    case 'StockReceived':
    case 'StockReturned':
    case 'TransferReceivedIn':
      return event.data.quantity;
    case 'StockSold':
    case 'ReservedStockShipped':
      return -event.data.quantity;
    case 'StockAdjusted':
      return event.data.delta;
    case 'StockCounted':
    case 'StockReserved':
    case 'ReservationReleased':
    case 'TransferInbound':
    case 'ReplenishmentRequested':
    case 'ReplenishmentClosed':
      return null;
  }
}

export function evolveStockItem(state: StockItemState, event: StockItemEvent): StockItemState {
  const at = Date.parse(event.data.occurredAt);
  const changed: StockItemState = {
    ...state,
    onHand: state.onHand + event.data.onHandChange,
    reserved: state.reserved + (event.data.reservedChange ?? 0),
    inTransit: state.inTransit + (event.data.inTransitChange ?? 0),
  };
  switch (event.type) {
    case 'StockCounted':
      return isBeforeLatestCount(state, at) ? state : { ...changed, countedAt: at };
    case 'ReplenishmentRequested':
      return { ...changed, openReplenishmentTransferId: event.data.transferId };
    case 'TransferReceivedIn':
    case 'ReplenishmentClosed':
      if (state.openReplenishmentTransferId === event.data.transferId) changed.openReplenishmentTransferId = null;
      break;
    default:
      break;
  }
  const movement = physicalMovement(event);
  return movement === null ? changed : { ...changed, journal: trimJournal(insertByTime(state.journal, [at, movement])) };
}

/**
 * The journal with one more movement, in time order. Movements at the same instant are summed into one
 * entry (a count only asks what moved after its own instant), so an event of 1000 lines of one SKU
 * adds one entry, not 1000.
 */
function insertByTime(journal: Array<[number, number]>, entry: [number, number]): Array<[number, number]> {
  let index = journal.length;
  while (index > 0 && journal[index - 1]![0] > entry[0]) index -= 1;
  const same = journal[index - 1];
  if (same !== undefined && same[0] === entry[0])
    return [...journal.slice(0, index - 1), [same[0], same[1] + entry[1]], ...journal.slice(index)];
  return [...journal.slice(0, index), entry, ...journal.slice(index)];
}

function trimJournal(journal: Array<[number, number]>): Array<[number, number]> {
  const newest = journal[journal.length - 1]?.[0];
  if (newest === undefined) return journal;
  const horizon = newest - COUNT_LOOKBACK_MS;
  const firstKept = journal.findIndex(([at]) => at >= horizon);
  return firstKept <= 0 ? journal : journal.slice(firstKept);
}

export function foldStockItem(events: Iterable<StockItemEvent>, from: StockItemState = initialStockItemState()): StockItemState {
  let state = from;
  for (const event of events) state = evolveStockItem(state, event);
  return state;
}

/** Stream id of a SKU at a location; both parts are URI-encoded so that a '|' inside them cannot collide. */
export function stockItemStreamId({ locationId, sku }: StockItemKey): string {
  return `stock-item|${encodeURIComponent(locationId)}|${encodeURIComponent(sku)}`;
}

export function stockItemKeyOf(streamId: string): StockItemKey | null {
  const [kind, location, sku] = streamId.split('|');
  if (kind !== 'stock-item' || location === undefined || sku === undefined) return null;
  return { locationId: decodeURIComponent(location), sku: decodeURIComponent(sku) };
}

/** The stock item's decide/evolve pair, in the shape the event store's unit of work takes. */
export const stockItemDecider = {
  initialState: initialStockItemState,
  decide: decideStockItem,
  evolve: evolveStockItem,
};

/** Bump when StockItemState's shape changes: older snapshots are then ignored and rebuilt. */
export const STOCK_ITEM_STATE_VERSION = 2;
