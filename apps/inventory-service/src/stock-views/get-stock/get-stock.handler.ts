import type { LocationStock, SkuStock } from '@app/contracts';
import { SqlReader, START_OF_LOG, compareCheckpoints, formatViewPosition } from '@app/event-store';
import { availableAt, onlineAvailableToPromise } from '@app/stock-domain';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../stock-views.sql';
import { GetStockOfSkus, ViewBehindError } from './get-stock.query';
import { ServiceConfig } from '../../platform/config';
import { StockReadCache } from './stock-read-cache.service';
import { HttpReads } from '../../platform/database';
import { StockChangeFeed } from '../stock-change-feed.service';

/** SELECT_STOCK_OF_SKUS: the checkpoint row (sku null), then one row per SKU and location. */
type Row =
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

/** Reads the stock-levels view with the location registry: unregistered locations keep no safety stock and ship nothing online. */
@QueryHandler(GetStockOfSkus)
export class GetStockOfSkusHandler implements IQueryHandler<GetStockOfSkus, SkuStock[]> {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
    @Inject(StockReadCache) private readonly cache: StockReadCache,
    @Inject(StockChangeFeed) private readonly changeFeed: StockChangeFeed,
  ) {}

  async execute({ skus, atLeast }: GetStockOfSkus): Promise<SkuStock[]> {
    const cached = skus.map((sku) => this.cache.get(sku, atLeast));
    if (cached.every((stock) => stock !== undefined)) return cached as SkuStock[];
    const deadline = Date.now() + this.config.http.minPositionWaitMs;
    let atDeadline = false;
    for (;;) {
      const readSince = this.cache.generationNow();
      const rows = await this.reads.query<Row>(SELECT_STOCK_OF_SKUS, [skus, STOCK_LEVELS_PROJECTION], {
        preparedAs: 'select-stock-of-skus',
      });
      const checkpoint = rows.find((row) => row.sku === null);
      const reached = checkpoint
        ? { transactionId: checkpoint.transaction_id, globalPosition: Number(checkpoint.global_position) }
        : START_OF_LOG;
      if (!atLeast || compareCheckpoints(reached, atLeast) >= 0) {
        const stocks = this.stockFrom(skus, rows, formatViewPosition(reached));
        this.cache.store(stocks, readSince);
        return stocks;
      }
      if (atDeadline || Date.now() >= deadline) throw new ViewBehindError(formatViewPosition(atLeast), formatViewPosition(reached));
      // Wake when the change feed sees the view's checkpoint reach the position, or at the deadline
      // for one last read: not a query every few milliseconds per waiting request.
      atDeadline = !(await this.changeFeed.viewReached(atLeast, deadline));
    }
  }

  private stockFrom(skus: readonly string[], rows: readonly Row[], position: string): SkuStock[] {
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
}

function sum(locations: readonly LocationStock[], field: 'onHand' | 'reserved' | 'available'): number {
  return locations.reduce((total, location) => total + location[field], 0);
}
