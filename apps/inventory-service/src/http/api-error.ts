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

  static badRequest(code: string, message: string, details: readonly FieldProblem[] = []): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
  }
}
