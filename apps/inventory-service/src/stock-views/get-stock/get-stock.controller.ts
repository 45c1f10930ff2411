import type { SkuStock, SkuStockList } from '@app/contracts';
import { Controller, Get, Headers, Inject, Param, Query as QueryParam, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { ApiError } from '../../platform/http';
import { asOfParam, skuListParam, skuParam } from '../../platform/http';
import { GetStockAsOf } from '../get-stock-as-of/get-stock-as-of.query';
import { conditional, minPositionParam, viewBehindAnswer } from '../stock-view-position';
import { GetStockOfSkus, ViewBehindError } from './get-stock.query';
import { Access } from '../../platform/access';

export const MAX_SKUS_PER_LOOKUP = 500;

/**
 * Storefront stock reads. Every answer carries the `position` its view reflects and an ETag
 * (`If-None-Match` gives 304); `minPosition` waits, bounded, until the view has reached a position
 * the client saw before (read-your-writes), else 503 with Retry-After.
 */
@Controller('v1/stock')
export class GetStockController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  /** `GET /v1/stock?skus=SKU-1,SKU-2`: up to 500 SKUs at once. */
  @Get()
  @Access.storefront()
  async stockOfSkus(
    @QueryParam('skus') skusParam: string | undefined,
    @QueryParam('minPosition') minPosition: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SkuStockList | undefined> {
    if (!skusParam)
      throw ApiError.badRequest('STOCK.SKUS_REQUIRED', 'pass the SKUs to look up as ?skus=SKU-1,SKU-2', [
        { field: 'skus', problem: 'required' },
      ]);
    const skus = skuListParam('skus', skusParam);
    if (skus.length > MAX_SKUS_PER_LOOKUP) {
      throw ApiError.badRequest('STOCK.TOO_MANY_SKUS', `at most ${MAX_SKUS_PER_LOOKUP} SKUs per lookup; split the request`, [
        { field: 'skus', problem: `${skus.length} SKUs given, at most ${MAX_SKUS_PER_LOOKUP} allowed` },
      ]);
    }
    const items = await this.read(skus, minPosition);
    return conditional({ items }, items[0]?.position ?? '0', ifNoneMatch, response);
  }

  /** `GET /v1/stock/{sku}`: the SKU at every location, network totals and online ATP; `?asOf=` as of a moment of business time. */
  @Get(':sku')
  @Access.storefront()
  async stockOfSku(
    @Param('sku') sku: string,
    @QueryParam('minPosition') minPosition: string | undefined,
    @QueryParam('asOf') asOf: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SkuStock | undefined> {
    if (asOf !== undefined) {
      const past = await this.queries.execute(new GetStockAsOf(skuParam('sku', sku), asOfParam(asOf), minPositionParam(minPosition)));
      return conditional(past, past.position, ifNoneMatch, response);
    }
    const [stock] = await this.read([skuParam('sku', sku)], minPosition);
    return conditional(stock!, stock!.position, ifNoneMatch, response);
  }

  private async read(skus: string[], minPosition: string | undefined): Promise<SkuStock[]> {
    const atLeast = minPositionParam(minPosition);
    try {
      return await this.queries.execute(new GetStockOfSkus(skus, atLeast));
    } catch (error) {
      throw error instanceof ViewBehindError ? viewBehindAnswer(error) : error;
    }
  }
}
