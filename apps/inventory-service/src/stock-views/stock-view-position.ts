import {
  compareCheckpoints,
  formatViewPosition,
  parseViewPosition,
  readCheckpoint,
  type GlobalCheckpoint,
  type SqlReader,
} from '@app/event-store';
import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { ApiError } from '../platform/http';
import { STOCK_LEVELS_PROJECTION } from './stock-levels.projection';
import { ViewBehindError } from './get-stock/get-stock.query';

/** `?minPosition=`: a position from an earlier answer, or a 400 saying what one looks like. */
export function minPositionParam(raw: string | undefined): GlobalCheckpoint | undefined {
  if (raw === undefined) return undefined;
  const position = parseViewPosition(raw);
  if (!position) {
    throw ApiError.badRequest('STOCK.INVALID_POSITION', 'minPosition is a position from an earlier answer, like "1234.5678"', [
      { field: 'minPosition', problem: `${JSON.stringify(raw.slice(0, 60))} is not a position` },
    ]);
  }
  return position;
}

/** A view that did not reach `minPosition` in time: 503, retry shortly (the filter adds Retry-After). */
export function viewBehindAnswer(error: ViewBehindError): ApiError {
  return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'STOCK.VIEW_BEHIND', `${error.message}; retry shortly`, [
    { field: 'minPosition', problem: `not reached yet (view at ${error.reached})` },
  ]);
}

/**
 * The stock view's position, once it has reached `atLeast` (polled until `waitMs` has passed, then
 * a 503). Read before the rows an answer stamps with it, so the position never claims more than they
 * show: rows read after it are at least that new.
 */
export async function stockViewPosition(reads: SqlReader, atLeast: GlobalCheckpoint | undefined, waitMs: number): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const reached = await readCheckpoint(reads, STOCK_LEVELS_PROJECTION);
    if (!atLeast || compareCheckpoints(reached, atLeast) >= 0) return formatViewPosition(reached);
    if (Date.now() >= deadline) throw viewBehindAnswer(new ViewBehindError(formatViewPosition(atLeast), formatViewPosition(reached)));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Digests of answers already sent: a cached answer is the same object every time it is served. */
const bodyDigests = new WeakMap<object, string>();

function digestOf(body: object): string {
  let digest = bodyDigests.get(body);
  if (digest === undefined) {
    digest = createHash('sha1').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
    bodyDigests.set(body, digest);
  }
  return digest;
}

/** ETag = the view position plus a digest of the body (location changes alter a body without moving the position). */
export function conditional<T extends object>(
  body: T,
  position: string,
  ifNoneMatch: string | undefined,
  response: Response,
): T | undefined {
  const etag = `"${position}-${digestOf(body)}"`;
  response.setHeader('ETag', etag);
  response.setHeader('Cache-Control', 'no-cache');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    response.status(HttpStatus.NOT_MODIFIED);
    return undefined;
  }
  return body;
}
