import { streamIdParts, upcasterChain, type StreamKind } from '@app/event-store';
import {
  SKU_POLICY_STATE_VERSION,
  skuPolicyDecider,
  skuPolicyStreamId,
  type SkuPolicyCommand,
  type SkuPolicyEvent,
  type SkuPolicyState,
  type StockItemKey,
} from '@app/stock-domain';

/** A SKU's policy at a location, `sku-policy|<locationId>|<sku>`: set now and then, snapshot every 50. */
export const skuPolicyKind: StreamKind<SkuPolicyCommand, SkuPolicyState, SkuPolicyEvent, StockItemKey> = {
  name: 'sku-policy',
  decider: skuPolicyDecider,
  upcast: upcasterChain<SkuPolicyEvent>({}),
  snapshots: { everyEvents: 50, stateVersion: SKU_POLICY_STATE_VERSION },
  streamId: ({ locationId, sku }) => skuPolicyStreamId(locationId, sku),
  keyOf: (streamId) => {
    const parts = streamIdParts(streamId, 'sku-policy', 2);
    return parts ? { locationId: parts[0]!, sku: parts[1]! } : null;
  },
};
