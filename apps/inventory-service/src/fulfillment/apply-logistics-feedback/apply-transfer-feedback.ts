import type { LogisticsEvent } from '@app/contracts';
import { onlineOrderStreamId, transferFeedbackRefusal, transferStreamId, type TransferCommand } from '@app/stock-domain';
import { provenanceOf, type InboundUseCase } from '../inbound-use-case';

type TransferFeedback = Extract<LogisticsEvent, { transferId: string }>;

/**
 * A worker's word on a transfer: shipped from its source, or received at its destination (what
 * arrived goes on the destination's stock; a pickup waiting for it goes ahead). Feedback on a
 * transfer this service never requested, or that its state does not admit, is refused with the reason.
 */
export const applyTransferFeedback: InboundUseCase<TransferFeedback> = {
  needs(event, needs) {
    needs.transferIds.add(event.transferId);
  },

  async apply(work, event, { metadata }) {
    const streamId = transferStreamId(event.transferId);
    await work.transfers.load([streamId]);
    const before = work.transfers.stateOf(streamId);
    if (before.state === null) {
      return { applied: false, deadLetterReason: `unknown transfer: ${event.transferId} was never requested by this service` };
    }
    const refusal = transferFeedbackRefusal(before, event.type === 'TransferShipped' ? 'shipped' : 'received');
    if (refusal !== null) return { applied: false, deadLetterReason: refusal };
    const provenance = provenanceOf(event);
    const command: TransferCommand =
      event.type === 'TransferShipped'
        ? { type: 'ConfirmTransferShipped', ...provenance }
        : { type: 'ConfirmTransferReceived', lines: event.lines, ...provenance };
    const events = await work.executeOnTransfer(streamId, command, metadata);
    const received = events.find((e) => e.type === 'TransferReceived');
    const purpose = before.purpose;
    if (received && purpose?.kind === 'pickup-order') {
      const orderStream = onlineOrderStreamId(purpose.orderId);
      await work.orders.load([orderStream]);
      await work.executeOnOrder(
        orderStream,
        { type: 'ReceiveOrderTransfer', transferId: event.transferId, receivedLines: received.data.lines, ...provenance },
        metadata,
      );
    }
    return { applied: true };
  },
};
