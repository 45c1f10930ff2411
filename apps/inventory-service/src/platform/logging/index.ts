// The public face of platform/logging: what other areas may import. Inside platform/logging, files import each other directly.
export { httpRequestLogging } from './http-request-logging';
export { nestLoggerFor, rootLoggerFor } from './service-logger';
