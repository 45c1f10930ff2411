import type { GlobalCheckpoint } from '@app/event-store';
import { Query } from '@nestjs/cqrs';

export interface LocationStock {
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
}

/** The contract's stock view of one SKU. */
export interface SkuStock {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  onlineAvailableToPromise: number;
  locations: LocationStock[];
  /** The global event position the numbers reflect. */
  position: string;
}

/**
 * The stock of these SKUs; with `atLeast`, from a view that has reached that position (waiting a
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
