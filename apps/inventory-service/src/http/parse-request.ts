import { describeProblems, nulCharacterProblem } from '@app/contracts';
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
