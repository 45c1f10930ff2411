import { SqlReader } from '@app/event-store';
import { availableAt, onlineAvailableToPromise } from '@app/stock-domain';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../stock-views.sql';
import { GetStockOfSkus, type LocationStock, type SkuStock } from './get-stock.query';

interface Row {
  position: string;
  sku: string;
  location_id: string | null;
  on_hand: number | null;
  reserved: number | null;
  in_transit: number | null;
  safety_stock: number;
  ships_online: boolean;
}

/** Reads the stock-levels view with the location registry: unregistered locations keep no safety stock and ship nothing online. */
@QueryHandler(GetStockOfSkus)
export class GetStockOfSkusHandler implements IQueryHandler<GetStockOfSkus, SkuStock[]> {
  constructor(@Inject(SqlReader) private readonly reads: SqlReader) {}

  async execute({ skus }: GetStockOfSkus): Promise<SkuStock[]> {
    const rows = await this.reads.query<Row>(SELECT_STOCK_OF_SKUS, [skus, STOCK_LEVELS_PROJECTION]);
    const bySku = new Map<string, { position: string; locations: Array<LocationStock & { shipsOnline: boolean }> }>(
      skus.map((sku) => [sku, { position: '0', locations: [] }]),
    );
    for (const row of rows) {
      const entry = bySku.get(row.sku)!;
      entry.position = row.position;
      if (row.location_id === null) continue;
      const level = { onHand: row.on_hand ?? 0, reserved: row.reserved ?? 0 };
      entry.locations.push({
        locationId: row.location_id,
        ...level,
        available: availableAt(level, row.safety_stock),
        inTransit: row.in_transit ?? 0,
        shipsOnline: row.ships_online,
      });
    }
    return skus.map((sku) => {
      const { position, locations } = bySku.get(sku)!;
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
}

function sum(locations: readonly LocationStock[], field: 'onHand' | 'reserved' | 'available'): number {
  return locations.reduce((total, location) => total + location[field], 0);
}
