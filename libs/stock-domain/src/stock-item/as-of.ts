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

/** The item's totals at `asOf` (epoch ms), from its events in the order they were recorded. */
export function stockItemAsOf(events: Iterable<StockItemEvent>, asOf: number): StockItemTotals {
  let reserved = 0;
  let inTransit = 0;
  let count: { at: number; quantity: number } | null = null;
  const movements: Array<[number, number]> = [];
  for (const event of events) {
    const at = Date.parse(event.data.occurredAt);
    if (!(at <= asOf)) continue;
    reserved += event.data.reservedChange ?? 0;
    inTransit += event.data.inTransitChange ?? 0;
    if (event.type === 'StockCounted') {
      if (count === null || at > count.at) count = { at, quantity: event.data.countedQuantity };
      continue;
    }
    const moved = physicalMovement(event);
    if (moved !== null) movements.push([at, moved]);
  }
  const since = count?.at ?? -Infinity;
  const onHand = movements.reduce((sum, [at, moved]) => (at > since ? sum + moved : sum), count?.quantity ?? 0);
  return { onHand, reserved, inTransit };
}
