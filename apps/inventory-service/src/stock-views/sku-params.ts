import { SKU_PATTERN, SKU_RULE } from '@app/contracts';
import { ApiError } from '../http/api-error';

/** A SKU from a URL, or a 400 naming the field and the rule. */
export function skuParam(field: string, sku: string): string {
  if (!SKU_PATTERN.test(sku)) throw invalidSku(field, sku);
  return sku;
}

/** The distinct SKUs of a comma-separated parameter, blanks dropped; a 400 for the first that is not a SKU. */
export function skuListParam(field: string, param: string | undefined): string[] {
  const skus = [...new Set((param ?? '').split(',').map((sku) => sku.trim()).filter((sku) => sku.length > 0))];
  for (const sku of skus) skuParam(field, sku);
  return skus;
}

function invalidSku(field: string, sku: string): ApiError {
  return ApiError.badRequest('STOCK.INVALID_SKU', SKU_RULE, [{ field, problem: `${JSON.stringify(sku.slice(0, 120))} is not a valid SKU` }]);
}
