import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** Every error leaves as the contract's JSON error shape, whatever threw it. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'error' in body && 'details' in body) {
        if (status === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', '1');
        response.status(status).json(body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      response.status(status).json({ error: Array.isArray(message) ? message.join('; ') : message, code: `HTTP.${status}`, details: [] });
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ error: 'internal error; the service logged the cause', code: 'INTERNAL', details: [] });
  }
}
