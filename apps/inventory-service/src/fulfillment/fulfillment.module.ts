import { Module } from '@nestjs/common';
import { StockModule } from '../stock';
import { PickupHoldSweeper } from './expire-pickup-holds/pickup-hold-sweeper.service';
import { GetOrderFulfillmentController } from './get-order-fulfillment/get-order-fulfillment.controller';
import { GetOrderFulfillmentHandler } from './get-order-fulfillment/get-order-fulfillment.handler';

/**
 * Online orders and transfers: the order read (GET /v1/orders/{orderId}/fulfillment) and the sweeper
 * of expired pickups and transfers never shipped. Inbound events reach the use cases through
 * ingestion, which applies them in a FulfillmentUnitOfWork.
 */
@Module({
  imports: [StockModule],
  controllers: [GetOrderFulfillmentController],
  providers: [GetOrderFulfillmentHandler, PickupHoldSweeper],
})
export class FulfillmentModule {}
