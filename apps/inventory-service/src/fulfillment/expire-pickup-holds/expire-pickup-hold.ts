import { onlineOrderStreamId } from '@app/stock-domain';
import type { FulfillmentUnitOfWork } from '../fulfillment-unit-of-work';

/** A pickup nobody collected in time: cancel it, release its stock, tell the store (CancelFulfillment). */
export async function expirePickupHold(work: FulfillmentUnitOfWork, orderId: string, fulfillmentId: string): Promise<void> {
  const streamId = onlineOrderStreamId(orderId);
  await work.orders.load([streamId]);
  const cause = `${fulfillmentId}:hold-expired`;
  await work.executeOnOrder(
    streamId,
    { type: 'ExpirePickupHold', fulfillmentId, occurredAt: work.issuedAt, sourceEventId: cause },
    { correlationId: orderId, causationId: cause },
  );
  work.deadlines.pickupHoldOver(fulfillmentId); // whatever the order said, the hold is over
}
