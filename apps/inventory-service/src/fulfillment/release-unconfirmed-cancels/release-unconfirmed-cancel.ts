import { onlineOrderStreamId } from '@app/stock-domain';
import type { FulfillmentUnitOfWork } from '../fulfillment-unit-of-work';

/**
 * A cancelled fulfillment whose location never answered its CancelFulfillment within
 * CANCEL_CONFIRM_HOURS: what it still holds goes back on sale. A shipment reported later is still
 * recorded (the goods left), with nothing left reserved for it.
 */
export async function releaseUnconfirmedCancel(work: FulfillmentUnitOfWork, orderId: string, fulfillmentId: string): Promise<void> {
  const streamId = onlineOrderStreamId(orderId);
  await work.orders.load([streamId]);
  const cause = `${fulfillmentId}:cancel-unconfirmed`;
  await work.executeOnOrder(
    streamId,
    { type: 'ReleaseUnconfirmedCancel', fulfillmentId, occurredAt: work.issuedAt, sourceEventId: cause },
    { correlationId: orderId, causationId: cause },
  );
  work.deadlines.noLongerAwaitingConfirmation(fulfillmentId); // whatever the order said, the wait is over
}
