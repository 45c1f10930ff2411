import type { OrderFulfillmentView } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

/** The contract's view of an order's fulfillment, plus what is still waiting for transfers (its schema is in @app/contracts). */
export type { OrderFulfillmentView };

/** One order's fulfillment, folded from its own event stream (always current, no projection lag). */
export class GetOrderFulfillment extends Query<OrderFulfillmentView | null> {
  constructor(readonly orderId: string) {
    super();
  }
}
