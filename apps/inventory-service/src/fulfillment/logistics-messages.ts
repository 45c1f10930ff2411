import type { CancelFulfillment, CancelTransfer, DispatchFulfillment, TopicNames, TransferStock } from '@app/contracts';
import type { OnlineOrderEvent, OnlineOrderState, TransferEvent, TransferRecord } from '@app/stock-domain';
import type { OutboxMessage } from '../outbox';

/** Header naming the stable id a worker can use to drop a repeat (commandId, or eventId for status). */
export const MESSAGE_ID_HEADER = 'message-id';
export const CORRELATION_ID_HEADER = 'correlation-id';

/**
 * The logistics commands an order event sends: DispatchFulfillment, CancelFulfillment (to the
 * logistics workers, keyed by the location that acts). What the storefront hears: order-status-messages.ts.
 */
export function messagesOfOrderEvent(
  event: OnlineOrderEvent,
  order: OnlineOrderState,
  topics: TopicNames,
  issuedAt: string,
): OutboxMessage[] {
  const orderId = order.orderId!;
  switch (event.type) {
    case 'FulfillmentDispatched': {
      const command: DispatchFulfillment = {
        commandId: event.data.commandId,
        type: 'DispatchFulfillment',
        issuedAt,
        fulfillmentId: event.data.fulfillmentId,
        orderId,
        fromLocationId: event.data.fromLocationId,
        lines: event.data.lines,
        delivery: order.delivery!,
      };
      return [outboxJson(topics.logisticsCommands, command.fromLocationId, command, command.commandId, orderId)];
    }
    case 'FulfillmentCancelled': {
      if (event.data.commandId === null) return []; // never dispatched: nobody to tell
      const fulfillment = order.fulfillments.find((f) => f.fulfillmentId === event.data.fulfillmentId)!;
      const command: CancelFulfillment = {
        commandId: event.data.commandId,
        type: 'CancelFulfillment',
        issuedAt,
        fulfillmentId: fulfillment.fulfillmentId,
        orderId,
        fromLocationId: fulfillment.fromLocationId,
      };
      return [outboxJson(topics.logisticsCommands, command.fromLocationId, command, command.commandId, orderId)];
    }
    default:
      return [];
  }
}

/** TransferStock for a requested transfer, CancelTransfer for one called off; keyed by the location it leaves from. */
export function messagesOfTransferEvent(
  event: TransferEvent,
  topics: TopicNames,
  issuedAt: string,
  before?: TransferRecord,
): OutboxMessage[] {
  if (event.type === 'TransferCancelled' && before) {
    const command: CancelTransfer = {
      commandId: event.data.commandId,
      type: 'CancelTransfer',
      issuedAt,
      transferId: event.data.transferId,
      fromLocationId: before.fromLocationId,
      toLocationId: before.toLocationId,
    };
    const correlationId = before.purpose?.kind === 'pickup-order' ? before.purpose.orderId : event.data.transferId;
    return [outboxJson(topics.logisticsCommands, command.fromLocationId, command, command.commandId, correlationId)];
  }
  if (event.type !== 'TransferRequested') return [];
  const command: TransferStock = {
    commandId: event.data.commandId,
    type: 'TransferStock',
    issuedAt,
    transferId: event.data.transferId,
    fromLocationId: event.data.fromLocationId,
    toLocationId: event.data.toLocationId,
    lines: event.data.lines,
  };
  const correlationId = event.data.purpose.kind === 'pickup-order' ? event.data.purpose.orderId : event.data.transferId;
  return [outboxJson(topics.logisticsCommands, command.fromLocationId, command, command.commandId, correlationId)];
}

export function outboxJson(topic: string, key: string, value: object, messageId: string, correlationId: string): OutboxMessage {
  return {
    topic,
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify(value)),
    headers: { [MESSAGE_ID_HEADER]: messageId, [CORRELATION_ID_HEADER]: correlationId, 'content-type': 'application/json' },
  };
}
