import { PostgresEventStore, StreamUnitOfWork, upcasterChain, type SnapshotPolicy, type SqlClient, type StreamStateCache } from '@app/event-store';
import { STOCK_ITEM_STATE_VERSION, stockItemDecider, type StockItemCommand, type StockItemEvent, type StockItemState } from '@app/stock-domain';

/**
 * How stock item events are read back: every type is at schema version 1 so far. When a type's
 * data changes shape, bump its version here and add the step that lifts the old shape.
 */
export const upcastStockItemEvent = upcasterChain<StockItemEvent>({}, {});

export function stockItemSnapshotPolicy(everyEvents: number): SnapshotPolicy {
  return { everyEvents, stateVersion: STOCK_ITEM_STATE_VERSION };
}

export type StockItemsUnitOfWork = StreamUnitOfWork<StockItemCommand, StockItemState, StockItemEvent>;

/** Stock items of one transaction, loaded and appended in bulk (with a cache: see StreamStateCache). */
export function stockItemsUnitOfWork(
  sql: SqlClient,
  store: PostgresEventStore,
  snapshotEveryEvents: number,
  cache?: StreamStateCache<StockItemState>,
): StockItemsUnitOfWork {
  return new StreamUnitOfWork(sql, store, stockItemDecider, stockItemSnapshotPolicy(snapshotEveryEvents), upcastStockItemEvent, cache);
}
