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

const STOCK_ITEM_PREFIX = 'stock-item|';

/**
 * The key of a stock item stream id, null for another stream. Read for every event the views
 * project, so it cuts the id where it must and decodes only a part holding an escape.
 */
export function stockItemKeyOf(streamId: string): StockItemKey | null {
  if (!streamId.startsWith(STOCK_ITEM_PREFIX)) return null;
  const locationEnd = streamId.indexOf('|', STOCK_ITEM_PREFIX.length);
  if (locationEnd < 0) return null;
  const skuEnd = streamId.indexOf('|', locationEnd + 1);
  const location = streamId.slice(STOCK_ITEM_PREFIX.length, locationEnd);
  const sku = streamId.slice(locationEnd + 1, skuEnd < 0 ? undefined : skuEnd);
  return { locationId: decodedPart(location), sku: decodedPart(sku) };
}

const decodedPart = (part: string): string => (part.includes('%') ? decodeURIComponent(part) : part);

/** The stock item's decide/evolve pair, in the shape the event store's unit of work takes. */
export const stockItemDecider = {
  initialState: initialStockItemState,
  decide: decideStockItem,
  evolve: evolveStockItem,
};
