import { upcasterChain, type SnapshotPolicy } from '@app/event-store';
import { STOCK_ITEM_STATE_VERSION, type StockItemEvent } from '@app/stock-domain';

/**
 * How stock item events are read back: every type is at schema version 1 so far. When a type's
 * data changes shape, bump its version here and add the step that lifts the old shape.
 */
export const upcastStockItemEvent = upcasterChain<StockItemEvent>({}, {});

export function stockItemSnapshotPolicy(everyEvents: number): SnapshotPolicy {
  return { everyEvents, stateVersion: STOCK_ITEM_STATE_VERSION };
}
