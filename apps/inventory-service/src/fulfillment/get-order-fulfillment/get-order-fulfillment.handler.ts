import { PostgresEventStore, SqlReader } from '@app/event-store';
import { foldOnlineOrder, onlineOrderStreamId } from '@app/stock-domain';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { upcastOnlineOrderEvent } from '../fulfillment-persistence';
import { GetOrderFulfillment, type OrderFulfillmentView } from './get-order-fulfillment.query';
import { HttpReads } from '../../platform/database/http-reads';

@QueryHandler(GetOrderFulfillment)
export class GetOrderFulfillmentHandler implements IQueryHandler<GetOrderFulfillment, OrderFulfillmentView | null> {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
  ) {}

  async execute({ orderId }: GetOrderFulfillment): Promise<OrderFulfillmentView | null> {
    const stored = await this.store.readStream(this.reads, onlineOrderStreamId(orderId));
    const order = foldOnlineOrder(stored.map(upcastOnlineOrderEvent));
    if (order.orderId === null || !order.delivery) return null;
    return {
      orderId: order.orderId,
      status: order.cancelled ? 'cancelled' : 'open',
      delivery: order.delivery,
      fulfillments: order.fulfillments.flatMap((f) =>
        f.state === 'awaiting-transfer'
          ? []
          : [{ fulfillmentId: f.fulfillmentId, fromLocationId: f.fromLocationId, lines: f.lines, state: f.state, reasons: f.reasons }],
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
      version: stored.length === 0 ? 0 : stored[stored.length - 1]!.streamVersion,
    };
  }
}
