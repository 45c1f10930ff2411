import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CALLER, type Caller, type RequestWithCaller } from '../access';
import { CORRELATION_ID_HEADER, correlationIdFor } from './correlation';
import { withLogContext } from './log-context';

/** The context of the one line written per HTTP request. */
export const HTTP_REQUEST_LOG_CONTEXT = 'HttpRequest';

/**
 * Express middleware, first in line: the request's correlation id (the caller's `x-correlation-id`
 * if acceptable, else a new UUID) is echoed in the response header and is the `correlationId` of
 * every line written while the request is handled (withLogContext: any `new Logger(X.name)` picks it
 * up). When the response is done, one line: at warn for a 5xx, at debug otherwise, with the request's
 * headers (credentials redacted by the root logger) and the key that authenticated it, by id.
 *
 * Hand-written rather than pino-http: the read path is benchmarked, and pino-http's two child
 * loggers per request cost about a third of its throughput; this costs a header, a listener and the
 * AsyncLocalStorage scope, and builds nothing for the request line while its level is off.
 */
export function httpRequestLogging(root: Logger) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const correlationId = correlationIdFor(request.headers[CORRELATION_ID_HEADER]);
    response.setHeader(CORRELATION_ID_HEADER, correlationId);
    const started = performance.now();
    response.once('close', () => {
      const level = response.statusCode >= 500 ? 'warn' : 'debug';
      if (!root.isLevelEnabled(level)) return;
      const url = (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url;
      const responseTimeMs = Math.round(performance.now() - started);
      const outcome = response.writableFinished ? `${response.statusCode} in ${responseTimeMs} ms` : `aborted after ${responseTimeMs} ms`;
      const caller = callerOf((request as IncomingMessage & RequestWithCaller)[CALLER]);
      root[level](
        {
          correlationId,
          context: HTTP_REQUEST_LOG_CONTEXT,
          method: request.method,
          url,
          statusCode: response.statusCode,
          responseTimeMs,
          caller,
          headers: request.headers,
        },
        `${request.method} ${url} ${outcome}`,
      );
    });
    withLogContext({ correlationId }, next);
  };
}

/** Who the access guard let in, as a log field: `operator <keyId> (<name>)`, `pos <keyId> (<store>)`; undefined for anyone. */
function callerOf(caller: Caller | undefined): string | undefined {
  if (caller?.kind === 'operator') return `operator ${caller.keyId} (${caller.name})`;
  if (caller?.kind === 'posStore') return `pos ${caller.keyId} (${caller.storeId})`;
  return undefined;
}
