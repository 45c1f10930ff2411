import { Inject, Controller, Get, Param, Query as QueryParam } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiError } from '../../http/api-error';
import { GetStockOfSkus, type SkuStock } from './get-stock.query';

export const MAX_SKUS_PER_LOOKUP = 500;
const SKU_PATTERN = /^[^\s,]{1,100}$/;

@Controller('v1/stock')
export class GetStockController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  /** `GET /v1/stock?skus=SKU-1,SKU-2`: up to 500 SKUs at once. */
  @Get()
  async stockOfSkus(@QueryParam('skus') skusParam: string | undefined): Promise<{ items: SkuStock[] }> {
    if (!skusParam) throw ApiError.badRequest('STOCK.SKUS_REQUIRED', 'pass the SKUs to look up as ?skus=SKU-1,SKU-2', [{ field: 'skus', problem: 'required' }]);
    const skus = [...new Set(skusParam.split(',').map((sku) => sku.trim()).filter((sku) => sku.length > 0))];
    if (skus.length > MAX_SKUS_PER_LOOKUP) {
      throw ApiError.badRequest('STOCK.TOO_MANY_SKUS', `at most ${MAX_SKUS_PER_LOOKUP} SKUs per lookup; split the request`, [
        { field: 'skus', problem: `${skus.length} SKUs given, at most ${MAX_SKUS_PER_LOOKUP} allowed` },
      ]);
    }
    const invalid = skus.find((sku) => !SKU_PATTERN.test(sku));
    if (invalid !== undefined) throw invalidSku('skus', invalid);
    return { items: await this.queries.execute(new GetStockOfSkus(skus)) };
  }

  /** `GET /v1/stock/{sku}`: the SKU at every location, network totals and online ATP. */
  @Get(':sku')
  async stockOfSku(@Param('sku') sku: string): Promise<SkuStock> {
    if (!SKU_PATTERN.test(sku)) throw invalidSku('sku', sku);
    const [stock] = await this.queries.execute(new GetStockOfSkus([sku]));
    return stock!;
  }
}

function invalidSku(field: string, sku: string): ApiError {
  return ApiError.badRequest('STOCK.INVALID_SKU', 'a SKU is 1 to 100 characters with no spaces or commas', [
    { field, problem: `${JSON.stringify(sku.slice(0, 120))} is not a valid SKU` },
  ]);
}
