import { SKU_PATTERN } from '@app/contracts';
import { parseViewPosition, type GlobalCheckpoint } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceConfig } from '../../platform/config';
import type { EarlyAnswer } from '../../platform/http';
import { MAX_SKUS_PER_LOOKUP } from '../get-stock/get-stock.controller';
import { stockEtag, type StockAnswer } from './stock-read-model';
import { StockReadModelService } from './stock-read-model.service';

const ONE_SKU = '/v1/stock/';
const MANY_SKUS = '/v1/stock';
/** Literal routes under /v1/stock/ that are not SKUs. */
const NOT_SKUS = new Set(['stream']);
/** If-None-Match as a plain list of entity tags: what `conditional` and Express's freshness check read alike. */
const TAG_LIST = /^\s*(W\/)?"[^"\s]*"\s*(,\s*(W\/)?"[^"\s]*"\s*)*$/;

/**
 * `GET /v1/stock/{sku}` and `GET /v1/stock?skus=` answered from the StockReadModel before NestJS
 * sees the request: the same body, ETag, 304 and headers as GetStockController. Anything it is not
 * sure to answer as that route would is left to NestJS (null): the model still loading or switched
 * off, a storefront key required, `asOf` or any other parameter, a bad or percent-encoded input, a
 * `minPosition` beyond the model's position, a SKU with a change told but not applied yet, request
 * headers under which Express's freshness rules differ from ours (Cache-Control, If-Modified-Since).
 * Every error is therefore NestJS's own.
 */
@Injectable()
export class StockReadFastPath {
  constructor(
    @Inject(StockReadModelService) private readonly reads: StockReadModelService,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  take(request: IncomingMessage): EarlyAnswer | null {
    if (!this.reads.ready || request.method !== 'GET' || this.config.access.storefrontReadKeyRequired) return null;
    const { headers } = request;
    if (headers['cache-control'] !== undefined || headers['if-modified-since'] !== undefined) return null;
    const ifNoneMatch = headers['if-none-match'];
    if (ifNoneMatch !== undefined && !TAG_LIST.test(ifNoneMatch)) return null;
    const url = request.url ?? '';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const query = queryOf(mark < 0 ? '' : url.slice(mark + 1));
    if (query === null || path.includes('%')) return null;
    let atLeast: GlobalCheckpoint | undefined;
    if (query.minPosition !== undefined) {
      const parsed = parseViewPosition(query.minPosition);
      if (parsed === null) return null;
      atLeast = parsed;
    }
    if (path === MANY_SKUS) {
      if (query.skus === undefined || Object.keys(query).some((key) => key !== 'skus' && key !== 'minPosition')) return null;
      return this.many(query.skus, atLeast, ifNoneMatch);
    }
    if (!path.startsWith(ONE_SKU) || Object.keys(query).some((key) => key !== 'minPosition')) return null;
    const sku = path.slice(ONE_SKU.length);
    if (NOT_SKUS.has(sku) || !SKU_PATTERN.test(sku) || sku.includes('/') || this.reads.isPending(sku)) return null;
    const answer = this.reads.model.answer(sku, atLeast);
    if (answer === undefined) return null;
    return { route: '/v1/stock/:sku', send: (response) => send(response, answer.json, answer.bytes, answer.etag, ifNoneMatch) };
  }

  private many(param: string, atLeast: GlobalCheckpoint | undefined, ifNoneMatch: string | undefined): EarlyAnswer | null {
    // As skuListParam: trimmed, blanks dropped, distinct in first-seen order.
    const skus = [
      ...new Set(
        param
          .split(',')
          .map((sku) => sku.trim())
          .filter((sku) => sku.length > 0),
      ),
    ];
    if (skus.length === 0 || skus.length > MAX_SKUS_PER_LOOKUP) return null;
    const answers: StockAnswer[] = [];
    for (const sku of skus) {
      if (!SKU_PATTERN.test(sku) || this.reads.isPending(sku)) return null;
      const answer = this.reads.model.answer(sku, atLeast);
      if (answer === undefined) return null;
      answers.push(answer);
    }
    const json = `{"items":[${answers.map((answer) => answer.json).join(',')}]}`;
    const etag = stockEtag(answers[0]!.position, json);
    return { route: '/v1/stock', send: (response) => send(response, json, Buffer.byteLength(json), etag, ifNoneMatch) };
  }
}

/** The query's parameters, or null when they are not plain single `key=value` pairs (left to Express's parser). */
function queryOf(query: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  if (query === '') return params;
  if (query.includes('%') || query.includes('+')) return null;
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return null;
    const key = pair.slice(0, equals);
    if (Object.hasOwn(params, key) || (key !== 'skus' && key !== 'minPosition')) return null;
    params[key] = pair.slice(equals + 1);
  }
  return params;
}

/** What Express sends for the controller's answer: `conditional` sets ETag and Cache-Control, 304 on a match. */
function send(response: ServerResponse, json: string, bytes: number, etag: string, ifNoneMatch: string | undefined): void {
  response.setHeader('ETag', etag);
  response.setHeader('Cache-Control', 'no-cache');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    response.statusCode = 304;
    response.end();
    return;
  }
  response.statusCode = 200;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', bytes);
  response.end(json);
}
