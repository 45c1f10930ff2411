import type { SkuStock } from '@app/contracts';
import type { GlobalCheckpoint } from '@app/event-store';
import { Query } from '@nestjs/cqrs';

/**
 * A SKU's stock as of a moment of business time (`GET /v1/stock/{sku}?asOf=`): the `GET /v1/stock/{sku}`
 * body folded from the log as the stock view knows it (with `atLeast`, once the view reached it), with `asOf`.
 */
export class GetStockAsOf extends Query<SkuStock> {
  constructor(
    readonly sku: string,
    /** The moment as the client wrote it (ISO-8601 with its zone); answered back in the body. */
    readonly asOf: string,
    readonly atLeast?: GlobalCheckpoint,
  ) {
    super();
  }
}
