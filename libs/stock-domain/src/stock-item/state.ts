/** What a stock item (a SKU at one location) knows, folded from its events. */

export interface StockItemKey {
  locationId: string;
  sku: string;
}

export interface StockItemState {
  onHand: number;
  reserved: number;
  inTransit: number;
  /** occurredAt (epoch ms) of the latest count applied, if any. */
  countedAt: number | null;
  /** The replenishment transfer into this location not yet received, if any: never a second one. */
  openReplenishmentTransferId: string | null;
  /** Recent physical movements as [occurredAt epoch ms, quantity moved], oldest first. */
  journal: Array<[number, number]>;
}

export const initialStockItemState = (): StockItemState => ({
  onHand: 0,
  reserved: 0,
  inTransit: 0,
  countedAt: null,
  openReplenishmentTransferId: null,
  journal: [],
});

/** Bump when StockItemState's shape changes: older snapshots are then ignored and rebuilt. */
export const STOCK_ITEM_STATE_VERSION = 2;
