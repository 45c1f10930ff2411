import type { EventMetadata } from '@app/event-store';
import { onlineOrderStreamId, transferStreamId, type TransferCancelReason } from '@app/stock-domain';
import type { FulfillmentUnitOfWork } from './fulfillment-unit-of-work';

/**
 * Call a transfer off (CancelTransfer: the source's hold released, a replenishment's open flag
 * closed). A pickup waiting for it stops waiting for it, unless its own cancellation is the reason.
 */
export async function cancelTransfer(
  work: FulfillmentUnitOfWork,
  transferId: string,
  reason: TransferCancelReason,
  provenance: { occurredAt: string; sourceEventId: string },
  metadata: EventMetadata,
): Promise<void> {
  const streamId = transferStreamId(transferId);
  await work.transfers.load([streamId]);
  const before = work.transfers.stateOf(streamId);
  const events = await work.executeOnTransfer(streamId, { type: 'CancelTransfer', reason, ...provenance }, metadata);
  // A pickup waiting for this transfer stops waiting for it: it brought nothing.
  if (events.length > 0 && before.purpose?.kind === 'pickup-order' && reason !== 'order-cancelled') {
    const orderStream = onlineOrderStreamId(before.purpose.orderId);
    await work.orders.load([orderStream]);
    await work.executeOnOrder(orderStream, { type: 'ReceiveOrderTransfer', transferId, receivedLines: [], ...provenance }, metadata);
  }
}
