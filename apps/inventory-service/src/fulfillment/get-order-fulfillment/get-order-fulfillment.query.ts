import { Query } from '@nestjs/cqrs';
import type { FulfillmentState, OrderDelivery, OrderLine } from '@app/stock-domain';

/** The contract's view of an order's fulfillment, plus what is still waiting for transfers. */
export interface OrderFulfillmentView {
  orderId: string;
  status: 'open' | 'cancelled';
  delivery: OrderDelivery;
  fulfillments: Array<{
    fulfillmentId: string;
    fromLocationId: string;
    lines: OrderLine[];
    state: Exclude<FulfillmentState, 'awaiting-transfer'>;
    reasons: string[];
  }>;
  /** Pickup fulfillments not dispatched yet: their store waits for these transfers. */
  awaitingTransfers: Array<{ fulfillmentId: string; fromLocationId: string; lines: OrderLine[]; transferIds: string[] }>;
  transfers: Array<{ transferId: string; fromLocationId: string; toLocationId: string; lines: OrderLine[]; received: boolean }>;
  backordered: OrderLine[];
  /** The order stream's version: grows with every change. */
  version: number;
}

/** One order's fulfillment, folded from its own event stream (always current, no projection lag). */
export class GetOrderFulfillment extends Query<OrderFulfillmentView | null> {
  constructor(readonly orderId: string) {
    super();
  }
}
