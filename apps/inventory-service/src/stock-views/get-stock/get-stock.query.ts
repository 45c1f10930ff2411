import type { SkuStock } from '@app/contracts';
import type { GlobalCheckpoint } from '@app/event-store';
import { Query } from '@nestjs/cqrs';

/**
 * The stock of these SKUs (the contract's `GET /v1/stock/{sku}` body, from @app/contracts); with `atLeast`, from a view that has reached that position (waiting a
 * bounded time for it: read-your-writes), else ViewBehindError.
 */
export class GetStockOfSkus extends Query<SkuStock[]> {
  constructor(
    readonly skus: readonly string[],
    readonly atLeast?: GlobalCheckpoint,
  ) {
    super();
  }
}

export class ViewBehindError extends Error {
  constructor(
    readonly wanted: string,
    readonly reached: string,
  ) {
    super(`the stock view is at ${reached}, not yet at ${wanted}`);
    this.name = 'ViewBehindError';
  }
}
