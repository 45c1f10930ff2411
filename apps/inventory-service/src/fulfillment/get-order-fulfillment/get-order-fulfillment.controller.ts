import { Controller, Get, HttpStatus, Inject, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiError } from '../../platform/http';
import { GetOrderFulfillment, type OrderFulfillmentView } from './get-order-fulfillment.query';
import { Access } from '../../platform/access';

@Controller('v1/orders')
export class GetOrderFulfillmentController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  /** `GET /v1/orders/{orderId}/fulfillment`: where each part of the order ships from, and how far it got. */
  @Get(':orderId/fulfillment')
  @Access.operator('orders:read')
  async fulfillmentOf(@Param('orderId') orderId: string): Promise<OrderFulfillmentView> {
    if (orderId.length === 0 || orderId.length > 200) {
      throw ApiError.badRequest('ORDER.INVALID_ID', 'an order id is 1 to 200 characters', [
        { field: 'orderId', problem: `must be 1 to 200 characters, got ${orderId.length}` },
      ]);
    }
    const view = await this.queries.execute(new GetOrderFulfillment(orderId));
    if (!view) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'ORDER.NOT_FOUND',
        `no order ${orderId}: it has not been placed, or its OnlineOrderPlaced has not been applied yet`,
      );
    }
    return view;
  }
}
