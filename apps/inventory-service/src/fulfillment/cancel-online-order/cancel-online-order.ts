import type { OnlineOrderCancelled } from '@app/contracts';
import { onlineOrderStreamId } from '@app/stock-domain';
import { cancelTransfer } from '../cancel-transfer';
import { provenanceOf, type InboundUseCase } from '../inbound-use-case';

/**
 * The storefront cancelled an order: CancelOrder on it (what that releases and whom it tells is the
 * online order decider's), and its transfers not received yet are called off. An order never placed is refused.
 */
export const cancelOnlineOrder: InboundUseCase<OnlineOrderCancelled> = {
  needs(event, needs) {
    needs.orderIds.add(event.orderId);
  },

  async apply(work, event, { metadata }) {
    const streamId = onlineOrderStreamId(event.orderId);
    await work.orders.load([streamId]);
    if (work.orders.stateOf(streamId).orderId === null) {
      return {
        applied: false,
        deadLetterReason: `unknown order: ${event.orderId} was never placed (an OnlineOrderCancelled must follow its OnlineOrderPlaced)`,
      };
    }
    await work.executeOnOrder(streamId, { type: 'CancelOrder', ...provenanceOf(event) }, metadata);
    // Its transfers not reported shipped are called off: the stock stays where it is, on sale there (and their
    // late feedback is a dead letter, as after every call-off).
    for (const transfer of work.orders.stateOf(streamId).transfers) {
      if (!transfer.received) await cancelTransfer(work, transfer.transferId, 'order-cancelled', provenanceOf(event), metadata);
    }
    return { applied: true };
  },
};
