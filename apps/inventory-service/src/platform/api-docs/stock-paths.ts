import { ref } from './json-schema';
import {
  alertLimitParam,
  error,
  ifNoneMatch,
  json,
  notModified,
  pageParams,
  pathParam,
  positionParam,
  stockReadResponses,
  viewBehind,
} from './openapi-parts';

const asOfParam = {
  name: 'asOf',
  in: 'query',
  required: false,
  description:
    'An ISO-8601 moment with its zone: the stock as of then in business time (each event counted by its occurredAt, counts as of theirs), folded from the log as it is known now; the answer says `asOf`. A bad value: 400 naming asOf.',
  schema: { type: 'string', format: 'date-time' },
};

/** The storefront's and operators' stock reads. */
export const stockPaths = {
  '/v1/stock/{sku}': {
    get: {
      summary: 'One SKU at every location: on hand, reserved, available, in transit; network totals and online ATP',
      parameters: [pathParam('sku'), positionParam, ifNoneMatch, asOfParam],
      responses: stockReadResponses(ref('SkuStock')),
    },
  },
  '/v1/stock': {
    get: {
      summary: 'Up to 500 SKUs at once',
      parameters: [
        { name: 'skus', in: 'query', required: true, description: 'Comma-separated, at most 500', schema: { type: 'string' } },
        positionParam,
        ifNoneMatch,
      ],
      responses: stockReadResponses(ref('SkuStockList')),
    },
  },
  '/v1/stock/stream': {
    get: {
      summary:
        'Server-sent events: a `stock` event per SKU (the GET /v1/stock/{sku} shape, id = position) on connect and after every change',
      parameters: [{ name: 'skus', in: 'query', required: true, description: 'Comma-separated, 1 to 100', schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'The stream: `event: stock`, `id: <position>`, `data: <the GET /v1/stock/{sku} answer>` per SKU',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        '400': error('No SKUs, or more than 100'),
        '429': error('This client address holds STOCK_STREAMS_PER_CLIENT_MAX streams (Retry-After)'),
        '503': error('This instance serves STOCK_STREAMS_MAX streams (Retry-After)'),
      },
    },
  },
  '/v1/stock/{sku}/pickup': {
    get: {
      summary: 'Pickup stores within a radius with the SKU available (> 0), nearest first',
      parameters: [
        pathParam('sku'),
        { name: 'lat', in: 'query', required: true, schema: { type: 'number', minimum: -90, maximum: 90 } },
        { name: 'lng', in: 'query', required: true, schema: { type: 'number', minimum: -180, maximum: 180 } },
        { name: 'radiusKm', in: 'query', required: false, schema: { type: 'number', exclusiveMinimum: 0, maximum: 500, default: 10 } },
        positionParam,
        ifNoneMatch,
      ],
      responses: {
        ...notModified,
        '200': json(ref('PickupOptions'), 'Pickup options'),
        '400': error('lat, lng, radiusKm or minPosition is not valid'),
        ...viewBehind,
      },
    },
  },
  '/v1/locations/{locationId}/stock': {
    get: {
      summary: "One location's stock, a page at a time in SKU order",
      parameters: [pathParam('locationId'), ...pageParams(1000), positionParam, ifNoneMatch],
      responses: {
        ...notModified,
        '200': json(ref('LocationStockPage'), 'A page of SKUs'),
        '400': error('after, limit or minPosition is not valid'),
        ...viewBehind,
      },
    },
  },
  '/v1/stock-alerts/low': {
    get: {
      summary: 'SKU-locations whose available is at or below their reorder point, furthest below first',
      parameters: [alertLimitParam, positionParam, ifNoneMatch],
      responses: {
        ...notModified,
        '200': json(ref('LowStock'), 'Low stock'),
        '400': error('limit or minPosition is not valid'),
        ...viewBehind,
      },
    },
  },
  '/v1/stock-alerts/negative': {
    get: {
      summary: 'SKU-locations with negative on-hand (store sales are facts, so the books can go below zero), worst first',
      parameters: [alertLimitParam, positionParam, ifNoneMatch],
      responses: {
        ...notModified,
        '200': json(ref('NegativeStock'), 'Negative stock'),
        '400': error('limit or minPosition is not valid'),
        ...viewBehind,
      },
    },
  },
};
