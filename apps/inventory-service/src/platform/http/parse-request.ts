import { describeProblems, nulCharacterProblem, occurredAtProblem } from '@app/contracts';
import type { z } from 'zod';
import { ApiError } from './api-error';

/** Validate a request part against a schema; a failure is a 400 that names each field and its problem. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, code: string, what: string): T {
  const nul = nulCharacterProblem(value);
  const result = schema.safeParse(value);
  if (result.success && nul === null) return result.data;
  const problems = result.success ? [] : describeProblems(result.error);
  throw ApiError.badRequest(code, `the ${what} is not valid: fix the fields listed in details`, nul ? [nul, ...problems] : problems);
}

/**
 * Validate an inbound event posted over HTTP (the POS gateway, stock movements) as ingestion will:
 * its schema, then its `occurredAt` within 2000-01-01 and the clock plus MAX_CLOCK_SKEW. Either
 * failure is a 400 with the same code, naming the fields.
 */
export function parseInboundEventRequest<T extends { occurredAt: string }>(
  schema: z.ZodType<T>,
  value: unknown,
  code: string,
  what: string,
  maxClockSkewMs: number,
): T {
  const event = parseRequest(schema, value, code, what);
  const outOfWindow = occurredAtProblem(event.occurredAt, { now: new Date(), maxClockSkewMs });
  if (outOfWindow !== null)
    throw ApiError.badRequest(code, `the ${what} is not valid: fix the fields listed in details (check the sender's clock)`, [outOfWindow]);
  return event;
}
