import type { SkuStock } from '@app/contracts';
import { SqlReader, compareCheckpoints, formatViewPosition } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../stock-views.sql';
import { GetStockOfSkus, ViewBehindError } from './get-stock.query';
import { ServiceConfig } from '../../platform/config';
import { StockReadCache } from './stock-read-cache.service';
import { HttpReads } from '../../platform/database';
import { StockChangeFeed } from '../stock-change-feed.service';
import { checkpointAmong, stockBodiesFrom, type StockOfSkusRow } from './stock-bodies';

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
      const rows = await this.reads.query<StockOfSkusRow>(SELECT_STOCK_OF_SKUS, [skus, STOCK_LEVELS_PROJECTION], {
        preparedAs: 'select-stock-of-skus',
      });
      const reached = checkpointAmong(rows);
      if (!atLeast || compareCheckpoints(reached, atLeast) >= 0) {
        const stocks = stockBodiesFrom(skus, rows, formatViewPosition(reached));
        this.cache.store(stocks, readSince);
        return stocks;
      }
      if (atDeadline || Date.now() >= deadline) throw new ViewBehindError(formatViewPosition(atLeast), formatViewPosition(reached));
      // Wake when the change feed sees the view's checkpoint reach the position, or at the deadline
      // for one last read: not a query every few milliseconds per waiting request.
      atDeadline = !(await this.changeFeed.viewReached(atLeast, deadline));
    }
  }
}
