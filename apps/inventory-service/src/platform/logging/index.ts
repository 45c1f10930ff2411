// The public face of platform/logging: what other areas may import. Inside platform/logging, files import each other directly.
export { httpRequestLogging } from './http-request-logging';
export { nestLoggerFor, rootLoggerFor } from './service-logger';
export { kafkaBatchLogFields, inboundCorrelationId } from './correlation';
export { withLogContext } from './log-context';
