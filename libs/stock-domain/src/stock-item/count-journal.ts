/**
 * A SKU at one location: the unit of consistency for stock. Pure decide/evolve, no framework.
 *
 * Counts follow the contract's "as of occurredAt" rule: a count sets on-hand to the counted quantity
 * at the moment it was taken, so movements that happened after it (even if they reached us first)
 * still count on top of it, and movements that happened before it are already inside it. The
 * decider works this out when it records an event and writes the effective change to on-hand into
 * the event (`onHandChange`), so every read model is a plain sum. To see the movements that followed
 * a late count, the state keeps a journal of recent movements (`COUNT_LOOKBACK_MS`): this file.
 */
import type { StockItemEvent } from './events';
import type { StockItemState } from './state';

/** How far back a late count can still see the movements that followed it. */
export const COUNT_LOOKBACK_MS = 48 * 60 * 60 * 1000;

/** A movement that happened before the latest count is already inside that count. */
export function effectiveMovement(state: StockItemState, quantity: number, occurredAt: string): number {
  return isBeforeLatestCount(state, Date.parse(occurredAt)) ? 0 : quantity;
}

export function countChange(state: StockItemState, count: { countedQuantity: number; occurredAt: string }): number {
  const at = Date.parse(count.occurredAt);
  if (isBeforeLatestCount(state, at)) return 0; // older than the count already applied: superseded
  const movedSince = state.journal.reduce((sum, [movedAt, quantity]) => (movedAt > at ? sum + quantity : sum), 0);
  return count.countedQuantity + movedSince - state.onHand;
}

export function isBeforeLatestCount(state: StockItemState, at: number): boolean {
  return state.countedAt !== null && at <= state.countedAt;
}

/** The physical quantity an event moved; null for events that move nothing on the shelf. */
export function physicalMovement(event: StockItemEvent): number | null {
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

/** The journal after an event: with the movement it made, if any, trimmed to COUNT_LOOKBACK_MS; the same journal otherwise. */
export function journalAfter(journal: Array<[number, number]>, event: StockItemEvent, at: number): Array<[number, number]> {
  const movement = physicalMovement(event);
  return movement === null ? journal : trimJournal(insertByTime(journal, [at, movement]));
}

/**
 * The journal with one more movement, in time order. Movements at the same instant are summed into one
 * entry (a count only asks what moved after its own instant), so an event of 1000 lines of one SKU
 * adds one entry, not 1000.
 */
function insertByTime(journal: Array<[number, number]>, entry: [number, number]): Array<[number, number]> {
  let index = journal.length;
  while (index > 0 && journal[index - 1]![0] > entry[0]) index -= 1;
  const inserted = journal.slice(); // one copy: the journal before is a value of the state before
  const same = journal[index - 1];
  if (same !== undefined && same[0] === entry[0]) inserted[index - 1] = [same[0], same[1] + entry[1]];
  else inserted.splice(index, 0, entry);
  return inserted;
}

/** The journal without the movements older than COUNT_LOOKBACK_MS before its newest (the same journal when none is). */
function trimJournal(journal: Array<[number, number]>): Array<[number, number]> {
  const newest = journal[journal.length - 1]?.[0];
  if (newest === undefined) return journal;
  const horizon = newest - COUNT_LOOKBACK_MS;
  if (journal[0]![0] >= horizon) return journal;
  const firstKept = journal.findIndex(([at]) => at >= horizon);
  return journal.slice(firstKept);
}
