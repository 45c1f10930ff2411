import type { LogisticsEvent } from '@app/contracts';
import { feedbackRefusal, initialOnlineOrderState, onlineOrderStreamId, resourcingRequestFor } from '@app/stock-domain';
import { provenanceOf, type InboundUseCase } from '../inbound-use-case';
import { sourceOnCurrentStock } from '../source-on-current-stock';

type FulfillmentFeedback = Extract<LogisticsEvent, { fulfillmentId: string }>;

/**
 * A location's word on one fulfillment: shipped, collected at the store, or failed to pick (its
 * short lines sourced again elsewhere). Feedback on a fulfillment we do not know, or that its state
 * does not admit, is refused with the reason.
 */
export const applyFulfillmentFeedback: InboundUseCase<FulfillmentFeedback> = {
  needs(event, needs) {
    needs.fulfillmentIds.add(event.fulfillmentId);
  },

  async apply(work, event, { metadata }) {
    await work.orderIds.load(work.sql, [event.fulfillmentId]);
    const orderId = work.orderIds.orderIdOf(event.fulfillmentId);
    const streamId = orderId === null ? null : onlineOrderStreamId(orderId);
    if (streamId !== null) await work.orders.load([streamId]);
    const known = streamId === null ? initialOnlineOrderState() : work.orders.stateOf(streamId); // no order: an unknown fulfillment
    const feedback = event.type === 'FulfillmentShipped' ? 'shipped' : event.type === 'PickupCollected' ? 'collected' : 'failed';
    const refusal = feedbackRefusal(known, feedback, event.fulfillmentId);
    if (refusal !== null || streamId === null)
      return { applied: false, deadLetterReason: refusal ?? `unknown fulfillment: ${event.fulfillmentId}` };
    const provenance = provenanceOf(event);
    if (event.type !== 'FulfillmentFailed') {
      const type = event.type === 'FulfillmentShipped' ? 'ConfirmShipped' : 'ConfirmCollected';
      await work.executeOnOrder(streamId, { type, fulfillmentId: event.fulfillmentId, ...provenance }, metadata);
      return { applied: true };
    }
    const failed = await work.executeOnOrder(
      streamId,
      { type: 'RecordPickFailure', fulfillmentId: event.fulfillmentId, shortLines: event.shortLines, ...provenance },
      metadata,
    );
    const order = work.orders.stateOf(streamId);
    const again = failed.length > 0 ? resourcingRequestFor(order, event.fulfillmentId) : null;
    if (again) {
      const plan = await sourceOnCurrentStock(work, again.lines, order.delivery!, again.excludedLocationIds);
      await work.executeOnOrder(streamId, { type: 'SourceAgain', plan, ...provenance }, metadata);
    }
    return { applied: true };
  },
};
