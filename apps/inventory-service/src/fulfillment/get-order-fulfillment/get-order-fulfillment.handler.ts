import { PostgresEventStore, SqlReader, loadStream } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { onlineOrderKind } from '../fulfillment-persistence';
import { GetOrderFulfillment, type OrderFulfillmentView } from './get-order-fulfillment.query';
import { HttpReads } from '../../platform/database';

@QueryHandler(GetOrderFulfillment)
export class GetOrderFulfillmentHandler implements IQueryHandler<GetOrderFulfillment, OrderFulfillmentView | null> {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
  ) {}

  async execute({ orderId }: GetOrderFulfillment): Promise<OrderFulfillmentView | null> {
    const { state: order, version } = await loadStream(this.reads, this.store, onlineOrderKind, onlineOrderKind.streamId(orderId));
    if (order.orderId === null || !order.delivery) return null;
    return {
      orderId: order.orderId,
      status: order.cancelled ? 'cancelled' : 'open',
      delivery: order.delivery,
      fulfillments: order.fulfillments.flatMap((f) =>
        f.state === 'awaiting-transfer'
          ? []
          : [
              {
                fulfillmentId: f.fulfillmentId,
                fromLocationId: f.fromLocationId,
                lines: f.lines,
                state: f.state,
                reasons: f.reasons,
                awaitingCancelConfirmation: f.awaitingCancelConfirmation === true,
                reservedLines: f.reservedLines,
              },
            ],
      ),
      awaitingTransfers: order.fulfillments
        .filter((f) => f.state === 'awaiting-transfer')
        .map((f) => ({
          fulfillmentId: f.fulfillmentId,
          fromLocationId: f.fromLocationId,
          lines: f.lines,
          transferIds: f.awaitingTransferIds,
        })),
      transfers: order.transfers.map((t) => ({
        transferId: t.transferId,
        fromLocationId: t.fromLocationId,
        toLocationId: t.toLocationId,
        lines: t.lines,
        received: t.received,
      })),
      backordered: order.backordered,
      version,
    };
  }
}
