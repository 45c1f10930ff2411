// The public face of stock-views: what other areas may import. Inside stock-views, files import each other directly.
export { dailySalesReadModel } from './daily-sales.projection';
export { STOCK_LEVELS_PROJECTION, stockLevelsReadModel } from './stock-levels.projection';
export { StockViewsProcessor } from './stock-views-processor.service';
export { SELECT_LOW_STOCK, SELECT_NEGATIVE_STOCK } from './stock-views.sql';
export { StockViewsModule } from './stock-views.module';
export { SALES_VELOCITY_DAYS } from './daily-sales.projection';
export { SELECT_UNITS_SOLD_PER_DAY } from './stock-views.sql';
export { StockReadFastPath } from './stock-read-model/stock-read-fast-path';
export { StockReadModelService } from './stock-read-model/stock-read-model.service';
