import { Module } from '@nestjs/common';
import { GetStockController } from './get-stock/get-stock.controller';
import { GetStockOfSkusHandler } from './get-stock/get-stock.handler';
import { GetStockAsOfHandler } from './get-stock-as-of/get-stock-as-of.handler';
import { StockReadCache } from './get-stock/stock-read-cache.service';
import { StockReadFastPath } from './stock-read-model/stock-read-fast-path';
import { StockReadModelService } from './stock-read-model/stock-read-model.service';
import { LocationStockController } from './location-stock/location-stock.controller';
import { PickupNearController } from './pickup-near/pickup-near.controller';
import { StockChangeFeed } from './stock-change-feed.service';
import { StockStreamController } from './stock-stream/stock-stream.controller';
import { StockViewsProcessor } from './stock-views-processor.service';

/** Stock views: the projections of the log, every stock read and the live stream. */
@Module({
  // Literal paths before `/v1/stock/:sku`, which would otherwise take `stream` and `pickup-near` for SKUs.
  controllers: [StockStreamController, PickupNearController, LocationStockController, GetStockController],
  providers: [
    StockViewsProcessor,
    GetStockOfSkusHandler,
    GetStockAsOfHandler,
    StockChangeFeed,
    StockReadCache,
    StockReadModelService,
    StockReadFastPath,
  ],
  // Ingestion pokes the processor after a batch; health reports its position; bootstrap puts the fast path before NestJS.
  exports: [StockViewsProcessor, StockReadFastPath, StockReadModelService],
})
export class StockViewsModule {}
