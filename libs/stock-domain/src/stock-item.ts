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

export interface StockItemKey {
  locationId: string;
  sku: string;
}

interface Recorded {
  occurredAt: string;
  sourceEventId: string;
  /** What this event did to on-hand, after applying the count rule. */
  onHandChange: number;
}

export type StockItemEvent =
  | { type: 'StockReceived'; data: Recorded & { quantity: number } }
  | { type: 'StockSold'; data: Recorded & { quantity: number; receiptId: string } }
  | { type: 'StockReturned'; data: Recorded & { quantity: number; receiptId: string } }
  | { type: 'StockAdjusted'; data: Recorded & { delta: number; reason: string } }
  | { type: 'StockCounted'; data: Recorded & { countedQuantity: number } };

export type StockItemEventType = StockItemEvent['type'];

export interface StockItemState {
  onHand: number;
  reserved: number;
  inTransit: number;
  /** occurredAt (epoch ms) of the latest count applied, if any. */
  countedAt: number | null;
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
  journal: [],
});

interface Provenance {
  occurredAt: string;
  sourceEventId: string;
}

export type StockItemCommand =
  | ({ type: 'RecordReceipt'; quantity: number } & Provenance)
  | ({ type: 'RecordStoreSale'; quantity: number; receiptId: string } & Provenance)
  | ({ type: 'RecordStoreReturn'; quantity: number; receiptId: string } & Provenance)
  | ({ type: 'RecordAdjustment'; delta: number; reason: string } & Provenance)
  | ({ type: 'RecordCount'; countedQuantity: number } & Provenance);

/**
 * Receipts, store sales, returns, adjustments and counts are facts from the shop floor: they are
 * always recorded, even when a sale drives on-hand below zero (negative stock is flagged by the
 * views, never rejected).
 */
export function decideStockItem(command: StockItemCommand, state: StockItemState): StockItemEvent[] {
  const provenance = { occurredAt: command.occurredAt, sourceEventId: command.sourceEventId };
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

/** The physical quantity an event moved (counts move nothing). */
function physicalMovement(event: StockItemEvent): number {
  switch (event.type) {
    case 'StockReceived':
    case 'StockReturned':
      return event.data.quantity;
    case 'StockSold':
      return -event.data.quantity;
    case 'StockAdjusted':
      return event.data.delta;
    case 'StockCounted':
      return 0;
  }
}

export function evolveStockItem(state: StockItemState, event: StockItemEvent): StockItemState {
  const at = Date.parse(event.data.occurredAt);
  const onHand = state.onHand + event.data.onHandChange;
  if (event.type === 'StockCounted') {
    return isBeforeLatestCount(state, at) ? state : { ...state, onHand, countedAt: at };
  }
  return { ...state, onHand, journal: trimJournal(insertByTime(state.journal, [at, physicalMovement(event)])) };
}

function insertByTime(journal: Array<[number, number]>, entry: [number, number]): Array<[number, number]> {
  let index = journal.length;
  while (index > 0 && journal[index - 1]![0] > entry[0]) index -= 1;
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
export const STOCK_ITEM_STATE_VERSION = 1;
