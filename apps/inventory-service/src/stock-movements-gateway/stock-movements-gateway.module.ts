import { Module } from '@nestjs/common';
import { PostStockMovementController } from './post-stock-movement/post-stock-movement.controller';

/** Stock movements over HTTP (receipts, adjustments, counts), written to Kafka. */
@Module({ controllers: [PostStockMovementController] })
export class StockMovementsGatewayModule {}
