import type { LocationStock, SkuStock } from '@app/contracts';
import { START_OF_LOG, type GlobalCheckpoint } from '@app/event-store';
import { availableAt, onlineAvailableToPromise } from '@app/stock-domain';

/** SELECT_STOCK_OF_SKUS: the checkpoint row (sku null), then one row per SKU and location. */
export type StockOfSkusRow =
  | { sku: null; transaction_id: string; global_position: string }
  | {
      sku: string;
      location_id: string;
      on_hand: number;
      reserved: number;
      in_transit: number;
      safety_stock: number;
      ships_online: boolean;
    };

/**
 * The `GET /v1/stock/{sku}` body of each SKU from the rows of SELECT_STOCK_OF_SKUS, at `position`:
 * what the stock reads answer and what retail.stock.changes carries, built by this one function.
 */
export function stockBodiesFrom(skus: readonly string[], rows: readonly StockOfSkusRow[], position: string): SkuStock[] {
  const bySku = new Map<string, Array<LocationStock & { shipsOnline: boolean }>>(skus.map((sku) => [sku, []]));
  for (const row of rows) {
    if (row.sku === null) continue;
    const level = { onHand: row.on_hand, reserved: row.reserved };
    bySku.get(row.sku)!.push({
      locationId: row.location_id,
      ...level,
      available: availableAt(level, row.safety_stock),
      inTransit: row.in_transit,
      shipsOnline: row.ships_online,
    });
  }
  return skus.map((sku) => {
    const locations = bySku.get(sku)!;
    return {
      sku,
      onHand: sum(locations, 'onHand'),
      reserved: sum(locations, 'reserved'),
      available: sum(locations, 'available'),
      onlineAvailableToPromise: onlineAvailableToPromise(locations),
      locations: locations.map(({ shipsOnline: _, ...location }) => location),
      position,
    };
  });
}

function sum(locations: readonly LocationStock[], field: 'onHand' | 'reserved' | 'available'): number {
  return locations.reduce((total, location) => total + location[field], 0);
}

/** The view's checkpoint a read of the stock levels carries as its row with a null sku (none yet: the start of the log). */
export function checkpointAmong(rows: ReadonlyArray<{ sku: string | null }>): GlobalCheckpoint {
  const checkpoint = rows.find((row) => row.sku === null) as { transaction_id: string; global_position: string } | undefined;
  return checkpoint ? { transactionId: checkpoint.transaction_id, globalPosition: Number(checkpoint.global_position) } : START_OF_LOG;
}
