import { Controller, HttpStatus, Inject, Query, Req, Sse, type MessageEvent } from '@nestjs/common';
import type { Request } from 'express';
import { QueryBus } from '@nestjs/cqrs';
import { Observable, concat, concatMap, defer, finalize, from, map, mergeMap } from 'rxjs';
import { ServiceConfig } from '../../platform/config';
import { ApiError } from '../../platform/http';
import { skuListParam } from '../../platform/http';
import { GetStockOfSkus } from '../get-stock/get-stock.query';
import { StockChangeFeed } from '../stock-change-feed.service';
import { Access } from '../../platform/access';

const MAX_STREAMED_SKUS = 100;
/** How long a client turned away for too many streams is asked to wait. */
const STREAM_RETRY_AFTER_SECONDS = 5;

/**
 * `GET /v1/stock/stream?skus=SKU-1,SKU-2`: server-sent events, one `stock` event per SKU with its
 * full stock view (the same shape as GET /v1/stock/{sku}) on connect and after every change.
 */
@Controller('v1/stock')
export class StockStreamController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(StockChangeFeed) private readonly feed: StockChangeFeed,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  /** Open streams on this instance, by client address. */
  private readonly openByClient = new Map<string, number>();
  private open = 0;

  @Sse('stream')
  @Access.storefront()
  stream(@Query('skus') skusParam: string | undefined, @Req() request: Request): Observable<MessageEvent> {
    const skus = skuListParam('skus', skusParam);
    if (skus.length === 0 || skus.length > MAX_STREAMED_SKUS) {
      throw ApiError.badRequest('STOCK.STREAM_SKUS', `stream 1 to ${MAX_STREAMED_SKUS} SKUs: ?skus=SKU-1,SKU-2`, [
        { field: 'skus', problem: `${skus.length} SKUs given` },
      ]);
    }
    const release = this.takeSlot(request.socket.remoteAddress ?? 'unknown');
    const read = (wanted: readonly string[]) =>
      from(this.queries.execute(new GetStockOfSkus(wanted))).pipe(mergeMap((items) => from(items)));
    const updates = this.feed
      .changesOf(new Set(skus))
      .pipe(concatMap((change) => read(change.everySku ? skus : skus.filter((sku) => change.skus.has(sku)))));
    // Follow the view first, then send the initial state: a change right after that read is not missed.
    return defer(() => from(this.feed.follow())).pipe(
      mergeMap(() => concat(read(skus), updates)),
      map((stock) => ({ type: 'stock', id: stock.position, data: stock })),
      finalize(release), // the client went away (or the service stops): its slot is free
    );
  }

  /** A slot for one more stream from this client, or 503 (instance full) / 429 (client at its cap). */
  private takeSlot(client: string): () => void {
    const { stockStreamsMax, stockStreamsPerClientMax } = this.config.http;
    if (this.open >= stockStreamsMax) {
      throw ApiError.busy(
        HttpStatus.SERVICE_UNAVAILABLE,
        'STOCK.STREAMS_FULL',
        `this instance serves ${stockStreamsMax} live streams already; try again later`,
        STREAM_RETRY_AFTER_SECONDS,
        [{ field: 'streams', problem: `${stockStreamsMax} open on this instance (STOCK_STREAMS_MAX)` }],
      );
    }
    const mine = this.openByClient.get(client) ?? 0;
    if (mine >= stockStreamsPerClientMax) {
      throw ApiError.busy(
        HttpStatus.TOO_MANY_REQUESTS,
        'STOCK.TOO_MANY_STREAMS',
        `your address has ${stockStreamsPerClientMax} live streams open already; close one, or stream more SKUs in one`,
        STREAM_RETRY_AFTER_SECONDS,
        [{ field: 'streams', problem: `${stockStreamsPerClientMax} open from ${client} (STOCK_STREAMS_PER_CLIENT_MAX)` }],
      );
    }
    this.open += 1;
    this.openByClient.set(client, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
      const left = (this.openByClient.get(client) ?? 1) - 1;
      if (left === 0) this.openByClient.delete(client);
      else this.openByClient.set(client, left);
    };
  }
}
