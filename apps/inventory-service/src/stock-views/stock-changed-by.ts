import { streamIdParts } from '@app/event-store';
import { stockItemKeyOf } from '@app/stock-domain';

/**
 * What an event in this stream may change in the stock views: one SKU's stock (a stock item, or
 * the SKU's own policy at a location), every SKU at one location (its safety stock, whether it ships
 * online), or nothing.
 */
export function stockChangedBy(streamId: string): { sku: string } | { locationId: string } | null {
  const item = stockItemKeyOf(streamId);
  if (item) return { sku: item.sku };
  const policy = streamIdParts(streamId, 'sku-policy', 2);
  if (policy) return { sku: policy[1]! };
  const location = streamIdParts(streamId, 'location', 1);
  if (location) return { locationId: location[0]! };
  return null;
}

/**
 * What a run of events changed in the stock views, by their streams (stockChangedBy): the SKUs, and
 * the locations whose profile changed (every SKU there). A stream's consecutive events are looked at once.
 */
export function stockChangesIn(events: Iterable<{ streamId: string }>): { skus: Set<string>; locations: Set<string> } {
  const skus = new Set<string>();
  const locations = new Set<string>();
  let previous: string | null = null;
  for (const { streamId } of events) {
    if (streamId === previous) continue;
    previous = streamId;
    const changed = stockChangedBy(streamId);
    if (changed && 'sku' in changed) skus.add(changed.sku);
    else if (changed) locations.add(changed.locationId);
  }
  return { skus, locations };
}
