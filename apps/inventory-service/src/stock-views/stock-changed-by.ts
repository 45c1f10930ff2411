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
