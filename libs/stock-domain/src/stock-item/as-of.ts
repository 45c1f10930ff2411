/**
 * A stock item as of a moment of business time, folded from its whole log as it is known now: each
 * event counts by its `occurredAt`, not by when it reached us. A count sets on-hand to what was
 * counted at the moment it was taken (the latest count at or before the moment wins; of two at the
 * same instant, the first recorded), so only the physical movements after it are added on top; what
 * moved before it is inside it. Reservations and transfers in flight are plain sums of their changes.
 */
import { physicalMovement } from './count-journal';
import type { StockItemEvent } from './events';

export interface StockItemTotals {
  onHand: number;
  reserved: number;
  inTransit: number;
}

/** What a read can sum up before the fold: the latest count at or before the moment, and the plain sums. */
export interface StockItemAsOfBase {
  count: { at: number; quantity: number } | null;
  reserved: number;
  inTransit: number;
}

/** The item's totals at `asOf` (epoch ms), from its events in the order they were recorded. */
export function stockItemAsOf(events: Iterable<StockItemEvent>, asOf: number): StockItemTotals {
  const base: StockItemAsOfBase = { count: null, reserved: 0, inTransit: 0 };
  const known: StockItemEvent[] = [];
  for (const event of events) {
    const at = Date.parse(event.data.occurredAt);
    if (!(at <= asOf)) continue;
    known.push(event);
    base.reserved += event.data.reservedChange ?? 0;
    base.inTransit += event.data.inTransitChange ?? 0;
    if (event.type === 'StockCounted' && (base.count === null || at > base.count.at)) {
      base.count = { at, quantity: event.data.countedQuantity };
    }
  }
  return stockItemAsOfFrom(base, known, asOf);
}

/**
 * The same from a base and the events after its count up to the moment (others are skipped), so a
 * read over a long history sums in the database and brings back only what followed the last count.
 */
export function stockItemAsOfFrom(base: StockItemAsOfBase, eventsAfterCount: Iterable<StockItemEvent>, asOf: number): StockItemTotals {
  const since = base.count?.at ?? -Infinity;
  let onHand = base.count?.quantity ?? 0;
  for (const event of eventsAfterCount) {
    const at = Date.parse(event.data.occurredAt);
    if (!(at > since && at <= asOf)) continue;
    onHand += physicalMovement(event) ?? 0;
  }
  return { onHand, reserved: base.reserved, inTransit: base.inTransit };
}
