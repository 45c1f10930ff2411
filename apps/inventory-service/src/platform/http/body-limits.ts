import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { MAX_REQUEST_BODY_BYTES } from './api-error.filter';

/**
 * A location or a SKU policy is a few hundred bytes: its routes read at most 16 KiB, so nobody makes
 * the service buffer and parse a megabyte to change one warehouse.
 */
export const SMALL_BODY_BYTES = 16 * 1024;

/** Routes under these prefixes read at most that many bytes; all others MAX_REQUEST_BODY_BYTES (the POS gateway, stock movements). */
export const BODY_LIMITS_BY_PREFIX: ReadonlyArray<{ prefix: string; bytes: number }> = [
  { prefix: '/v1/locations', bytes: SMALL_BODY_BYTES },
];

/**
 * JSON parsers, the narrower ones first: a body one of them has read is not read again by the next
 * (Express's parsers skip a request whose body was parsed). Over a limit: 413 naming that limit.
 */
export function useBodyLimits(app: INestApplication): void {
  for (const { prefix, bytes } of BODY_LIMITS_BY_PREFIX) app.use(prefix, json({ limit: bytes }));
  (app as NestExpressApplication).useBodyParser('json', { limit: MAX_REQUEST_BODY_BYTES }); // in place of the default 100 kB parser
}
