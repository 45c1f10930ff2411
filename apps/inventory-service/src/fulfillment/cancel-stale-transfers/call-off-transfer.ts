import type { FulfillmentUnitOfWork } from '../fulfillment-unit-of-work';
import { cancelTransfer } from '../cancel-transfer';

/**
 * A transfer not shipped by its ship-by time: call it off (CancelTransfer, the source's hold
 * released, a replenishment's open flag closed; a pickup waiting for it stops waiting).
 */
export async function callOffTransfer(work: FulfillmentUnitOfWork, transferId: string): Promise<void> {
  const cause = `${transferId}:not-shipped-in-time`;
  await cancelTransfer(
    work,
    transferId,
    'not-shipped-in-time',
    { occurredAt: work.issuedAt, sourceEventId: cause },
    { correlationId: transferId, causationId: cause },
  );
  work.deadlines.noLongerAwaitingShipment(transferId); // whatever the transfer said, it no longer waits
}
