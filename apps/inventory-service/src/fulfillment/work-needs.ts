import { stockItemStreamId, type StockItemKey } from '@app/stock-domain';

/** What a batch's events will read, gathered before any is applied so that it is loaded in bulk. */
export class WorkNeeds {
  readonly stockItemStreamIds = new Set<string>();
  readonly orderIds = new Set<string>();
  readonly fulfillmentIds = new Set<string>();
  readonly transferIds = new Set<string>();
  /** SKUs an order asks for: sourcing reads them at every location. */
  readonly orderedSkus = new Set<string>();

  stockItem(key: StockItemKey): void {
    this.stockItemStreamIds.add(stockItemStreamId(key));
  }
}
