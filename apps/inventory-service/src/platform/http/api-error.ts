import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldProblem } from '@app/contracts';

/**
 * An error a caller can act on: a stable code, a message saying what to do, and the fields at fault.
 * Rendered as the contract's `{"error": "...", "details": [{"field": "...", "problem": "..."}]}`.
 */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details: readonly FieldProblem[] = [],
  ) {
    super({ error: message, code, details }, status);
  }

  /** Seconds a client should wait before trying again (Retry-After), for a 429 or 503. */
  retryAfterSeconds: number | undefined;

  /** Too many at once from one client (429) or for the whole instance (503): try again after a while. */
  static busy(
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE,
    code: string,
    message: string,
    retryAfterSeconds: number,
    details: readonly FieldProblem[] = [],
  ): ApiError {
    const error = new ApiError(status, code, message, details);
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }

  static badRequest(code: string, message: string, details: readonly FieldProblem[] = []): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
  }
}
