// What other folders use of stock/: the stock items' persistence and the commands shop-floor events give them.
export { StockModule } from './stock.module';
export type { ApplyOutcome } from './apply-outcome';
export { shopFloorInstructionsFor, type ShopFloorEvent, type StockInstruction } from './stock-instructions';
export { recordShopFloorEvent } from './record-shop-floor-event';
export { stockItemStateBytes, stockItemsUnitOfWork, upcastStockItemEvent, type StockItemsUnitOfWork } from './stock-item-persistence';
export { stockItemKind } from './stock-item-persistence';
