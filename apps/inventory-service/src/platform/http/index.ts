// The public face of platform/http: what other areas may import. Inside platform/http, files import each other directly.
export { ApiError } from './api-error';
export { ApiErrorFilter } from './api-error.filter';
export { useBodyLimits } from './body-limits';
export { parseInboundEventRequest, parseRequest } from './parse-request';
export { asOfParam, locationIdParam, skuListParam, skuParam } from './url-params';
export { answerBeforeNest, type EarlyAnswer } from './answer-before-nest';
