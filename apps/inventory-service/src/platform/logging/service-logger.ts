import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from '../access';
import type { ServiceConfig } from '../config';
import { currentLogFields } from './log-context';
import { prettyLogLine } from './pretty-log-line';

export type LogSettings = ServiceConfig['logging'];

let stdout: DestinationStream | null = null;
const roots = new WeakMap<LogSettings, Logger>();

/** The process's root logger for these settings (one per settings object), writing to stdout. */
export function rootLoggerFor(settings: LogSettings): Logger {
  let root = roots.get(settings);
  if (!root) {
    stdout ??= pino.destination({ dest: 1, sync: false }); // buffered while a write is under way; flushed on exit
    root = createRootLogger(settings, stdout);
    roots.set(settings, root);
  }
  return root;
}

/**
 * Where a log entry may carry a credential (a request's headers, a key handed to a logger by
 * mistake): pino writes `[redacted]` there. Whatever slips past these paths (a key inside a message
 * or an error's text) is caught on the finished line, which is searched for anything shaped like a
 * key or a bearer credential (redactSecrets).
 */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'apiKey',
  'operatorKey',
  'posKey',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'request.headers.authorization',
  '*.authorization',
  '*.apiKey',
  '*.operatorKey',
  '*.posKey',
];

/**
 * A root logger: one line per entry, `{"level":"info","time":"…","pid":…,"hostname":"…",
 * "context":"…","msg":"…"}` plus the fields of the work in progress (see withLogContext), which the
 * entry's own fields override; with LOG_FORMAT=pretty, one readable line instead. No line carries a
 * key or an Authorization header (REDACTED_LOG_PATHS, redactSecrets).
 */
export function createRootLogger(settings: LogSettings, destination: DestinationStream): Logger {
  return pino(
    {
      level: settings.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: currentLogFields,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: redactSecrets },
    },
    settings.format === 'pretty' ? { write: (line: string) => destination.write(prettyLogLine(line)) } : destination,
  );
}

/**
 * The Nest LoggerService over the root logger (nestjs-pino's), for NestFactory.create: every
 * `new Logger(X.name)` writes through it, with `context` = X, and the root's mixin adds the fields of
 * the request or batch in progress. nestjs-pino keeps the first root it is given for the whole
 * process, so services started in one process (the in-process tests) share it.
 */
export function nestLoggerFor(settings: LogSettings, root = rootLoggerFor(settings)): NestPinoLogger {
  return new NestPinoLogger(new PinoLogger({ pinoHttp: { logger: root } }), {});
}
