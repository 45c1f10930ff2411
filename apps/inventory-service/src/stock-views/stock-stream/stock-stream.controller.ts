import { Controller, Inject, Query, Sse, type MessageEvent } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Observable, concat, concatMap, defer, from, map, mergeMap } from 'rxjs';
import { ApiError } from '../../http/api-error';
import { skuListParam } from '../../http/url-params';
import { GetStockOfSkus } from '../get-stock/get-stock.query';
import { StockChangeFeed } from './stock-change-feed.service';
import { Access } from '../../access/access-rule';

const MAX_STREAMED_SKUS = 100;

/**
 * `GET /v1/stock/stream?skus=SKU-1,SKU-2`: server-sent events, one `stock` event per SKU with its
 * full stock view (the same shape as GET /v1/stock/{sku}) on connect and after every change.
 */
@Controller('v1/stock')
export class StockStreamController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(StockChangeFeed) private readonly feed: StockChangeFeed,
  ) {}

  @Sse('stream')
  @Access.storefront()
  stream(@Query('skus') skusParam: string | undefined): Observable<MessageEvent> {
    const skus = skuListParam('skus', skusParam);
    if (skus.length === 0 || skus.length > MAX_STREAMED_SKUS) {
      throw ApiError.badRequest('STOCK.STREAM_SKUS', `stream 1 to ${MAX_STREAMED_SKUS} SKUs: ?skus=SKU-1,SKU-2`, [
        { field: 'skus', problem: `${skus.length} SKUs given` },
      ]);
    }
    const read = (wanted: readonly string[]) => from(this.queries.execute(new GetStockOfSkus(wanted))).pipe(mergeMap((items) => from(items)));
    const updates = this.feed.changesOf(new Set(skus)).pipe(concatMap((change) => read(change.everySku ? skus : skus.filter((sku) => change.skus.has(sku)))));
    // Follow the view first, then send the initial state: a change right after that read is not missed.
    return defer(() => from(this.feed.follow())).pipe(
      mergeMap(() => concat(read(skus), updates)),
      map((stock) => ({ type: 'stock', id: stock.position, data: stock })),
    );
  }
}
