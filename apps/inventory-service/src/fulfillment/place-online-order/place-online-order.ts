import type { OnlineOrderPlaced } from '@app/contracts';
import { onlineOrderStreamId } from '@app/stock-domain';
import { unknownLocationReason } from '../../locations';
import { provenanceOf, type InboundUseCase } from '../inbound-use-case';
import { sourceOnCurrentStock } from '../source-on-current-stock';

/**
 * An online order: sourced on current stock (the nearest locations that ship online, have capacity
 * left today and hold the lines), its lines reserved there and DispatchFulfillment sent to each.
 * The same order again has no second effect; a pickup at a store nobody registered is refused.
 */
export const placeOnlineOrder: InboundUseCase<OnlineOrderPlaced> = {
  needs(event, needs) {
    needs.orderIds.add(event.orderId);
    for (const line of event.lines) needs.orderedSkus.add(line.sku);
  },

  async apply(work, event, { metadata }) {
    const streamId = onlineOrderStreamId(event.orderId);
    await work.orders.load([streamId]);
    if (work.orders.stateOf(streamId).orderId !== null) return { applied: true }; // the same order again: no second effect
    if (event.delivery.mode === 'pickup' && !work.network.location(event.delivery.storeId)) {
      return { applied: false, deadLetterReason: unknownLocationReason(event.delivery.storeId, 'pickup store') };
    }
    const plan = await sourceOnCurrentStock(work, event.lines, event.delivery, new Set());
    await work.executeOnOrder(
      streamId,
      { type: 'PlaceOrder', orderId: event.orderId, lines: event.lines, delivery: event.delivery, plan, ...provenanceOf(event) },
      metadata,
    );
    return { applied: true };
  },
};
