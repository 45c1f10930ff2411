/**
 * A SKU at one location: the unit of consistency for stock. Pure decide/evolve, no framework:
 * decide.ts records what happened, evolve.ts folds it, count-journal.ts holds the count rule.
 */
import { decideStockItem } from './decide';
import { evolveStockItem } from './evolve';
import { initialStockItemState, type StockItemKey } from './state';

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
