import type { ApiErrorBody } from '@app/contracts';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from './api-error';

/** The largest JSON body the service reads: a POS event of 1,000 lines with 100-character SKUs is about 130 kB. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Every error leaves as the contract's JSON error shape, whatever threw it. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiErrorFilter.name);

  catch(caught: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const exception = requestBodyRefusal(caught) ?? caught;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'error' in body && 'details' in body) {
        const retryAfter = exception instanceof ApiError ? exception.retryAfterSeconds : undefined;
        if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
        else if (status === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', '1');
        response.status(status).json(body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      response
        .status(status)
        .json({ error: Array.isArray(message) ? message.join('; ') : message, code: `HTTP.${status}`, details: [] } satisfies ApiErrorBody);
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ error: 'internal error; the service logged the cause', code: 'INTERNAL', details: [] } satisfies ApiErrorBody);
  }
}

/**
 * What Express's body parser refuses before any controller runs (its errors carry a 4xx `status`
 * and a `type`), as an ApiError naming the body: too large is 413, an unsupported encoding or
 * charset 415, an aborted upload 400. (Invalid JSON is a SyntaxError, which Nest itself turns into
 * a 400 carrying the parser's message.)
 */
function requestBodyRefusal(exception: unknown): ApiError | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const { status, type, message, limit } = exception as { status?: unknown; type?: unknown; message?: unknown; limit?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || typeof type !== 'string') return null;
  if (type === 'entity.too.large') {
    const bytes = typeof limit === 'number' ? limit : MAX_REQUEST_BODY_BYTES; // the limit of the route's parser
    return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'HTTP.BODY_TOO_LARGE', `the request body is over ${bytes} bytes; send less at once`, [
      { field: 'body', problem: `more than ${bytes} bytes` },
    ]);
  }
  return new ApiError(status, 'HTTP.UNREADABLE_BODY', 'the request body could not be read', [{ field: 'body', problem: String(message) }]);
}
