import { z } from 'zod';
import { LOCATION_ID_PATTERN, LOCATION_ID_RULE, SKU_PATTERN, SKU_RULE } from '@app/contracts';
import { ApiError } from './api-error';

/** A SKU from a URL, or a 400 naming the field and the rule. */
export function skuParam(field: string, sku: string): string {
  if (!SKU_PATTERN.test(sku)) throw invalidSku(field, sku);
  return sku;
}

/** The distinct SKUs of a comma-separated parameter, blanks dropped; a 400 for the first that is not a SKU. */
export function skuListParam(field: string, param: string | undefined): string[] {
  const skus = [
    ...new Set(
      (param ?? '')
        .split(',')
        .map((sku) => sku.trim())
        .filter((sku) => sku.length > 0),
    ),
  ];
  for (const sku of skus) skuParam(field, sku);
  return skus;
}

function invalidSku(field: string, sku: string): ApiError {
  return ApiError.badRequest('STOCK.INVALID_SKU', SKU_RULE, [
    { field, problem: `${JSON.stringify(sku.slice(0, 120))} is not a valid SKU` },
  ]);
}

/** A location id from a URL, or a 400 naming the field and the rule. */
export function locationIdParam(field: string, locationId: string): string {
  if (!LOCATION_ID_PATTERN.test(locationId)) {
    throw ApiError.badRequest('LOCATION.INVALID_ID', LOCATION_ID_RULE, [
      { field, problem: `${JSON.stringify(locationId.slice(0, 120))} is not a valid location id` },
    ]);
  }
  return locationId;
}

const ISO_INSTANT = z.iso.datetime({ offset: true });

/** `?asOf=`: an ISO-8601 moment with its zone (`2026-11-11T20:00:00+08:00`, `...Z`), or a 400 naming asOf. */
export function asOfParam(raw: unknown): string {
  if (typeof raw !== 'string' || !ISO_INSTANT.safeParse(raw).success || !Number.isFinite(Date.parse(raw))) {
    const shown = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 60)) : 'a repeated or empty value';
    throw ApiError.badRequest('STOCK.INVALID_AS_OF', 'asOf is an ISO-8601 moment with its zone, like "2026-11-11T20:00:00+08:00"', [
      { field: 'asOf', problem: `${shown} is not an ISO-8601 moment with a zone` },
    ]);
  }
  return raw;
}
