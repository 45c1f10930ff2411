import { locationProfileSchema, offlineSalesEventSchema, skuPolicySchema, stockMovementEventSchema } from '@app/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import type { AccessRule } from '../access';
import { OPERATOR_SCOPE_MEANING, OPERATOR_SCOPES } from '../access';
import type { RouteAccess } from '../access';
import type { ServiceConfig } from '../config';

type JsonSchema = Record<string, unknown>;

/** A request schema as JSON Schema, from the same zod schema that validates it. */
function fromZod(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return jsonSchema;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const positionParam = {
  name: 'minPosition',
  in: 'query',
  required: false,
  description: 'A position from an earlier answer: wait (bounded) until the view has reached it, else 503 with Retry-After.',
  schema: { type: 'string', pattern: '^\\d+\\.\\d+$' },
};
const positionProperty = { type: 'string', description: 'The stock view position the answer reflects (`<transaction>.<global position>`)' };
const viewBehind = { '503': error('minPosition not reached in time; retry after the Retry-After seconds') };
const notModified = { '304': { description: 'Not modified since the ETag given in If-None-Match' } };
const ifNoneMatch = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'An ETag from an earlier answer: 304 if nothing changed.',
  schema: { type: 'string' },
};
const stockReadResponses = (body: JsonSchema) => ({
  '200': { ...json(body, 'The stock, with the view position it reflects'), headers: { ETag: { schema: { type: 'string' } } } },
  ...notModified,
  '400': error('A parameter is not valid: details name it'),
  ...viewBehind,
});

/**
 * The HTTP API as OpenAPI 3.1, served at /docs (UI) and /docs-json. Request bodies come from the zod
 * schemas that validate them; each operation's security (and its 401/403 answers) comes from the
 * route's @Access rule in the route table. A unit test checks that every route the service serves
 * is here and nothing else is.
 */
export function inventoryOpenApiDocument(
  routes: readonly RouteAccess[],
  access: Pick<ServiceConfig['access'], 'storefrontReadKeyRequired'>,
): OpenAPIObject {
  const document = handWrittenDocument();
  for (const route of routes) {
    const operation = (document.paths[route.path] as Record<string, Record<string, unknown>> | undefined)?.[route.method.toLowerCase()];
    if (operation && route.rule) Object.assign(operation, securityOf(route.rule, access, operation.responses as Record<string, unknown>));
  }
  return document;
}

const unauthorized = error('No key, or not an active one (the answer carries WWW-Authenticate: Bearer)');
const forbidden = (scope: string) => error(`The key lacks the ${scope} scope`);

/** An operation's `security` and the answers its rule adds, as OpenAPI puts them. */
function securityOf(
  rule: AccessRule,
  access: Pick<ServiceConfig['access'], 'storefrontReadKeyRequired'>,
  responses: Record<string, unknown>,
): Record<string, unknown> {
  const operator = (scope: string) => ({
    security: [{ operatorKey: [scope] }],
    responses: { ...responses, '401': unauthorized, '403': forbidden(scope) },
  });
  switch (rule.kind) {
    case 'open':
      return { security: [] };
    case 'storefront':
      return access.storefrontReadKeyRequired ? operator('stock:read') : { security: [] };
    case 'operator':
      return operator(rule.scope);
    case 'posStore':
      return { security: [{ posKey: [] }], responses: { ...responses, '401': unauthorized } };
  }
}

function handWrittenDocument(): OpenAPIObject & { paths: Record<string, unknown> } {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Omnichannel inventory service',
      version: '1.0.0',
      description:
        'Wire contract v1.1 (shared/CONTRACT.md), HTTP side. Errors are `{"error","code","details":[{"field","problem"}]}` with a fitting status. ' +
        "Writes, order fulfillment, the dashboard's data and /metrics need an operator key (`Authorization: Bearer op_...`, the scope each operation names): 401 with `WWW-Authenticate: Bearer` without one, 403 when it lacks the scope.",
    },
    paths: {
      '/v1/stock/{sku}': {
        get: {
          summary: 'One SKU at every location: on hand, reserved, available, in transit; network totals and online ATP',
          parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string' } }, positionParam, ifNoneMatch],
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
          responses: stockReadResponses({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('SkuStock') } },
          }),
        },
      },
      '/v1/stock/stream': {
        get: {
          summary:
            'Server-sent events: a `stock` event per SKU (the GET /v1/stock/{sku} shape, id = position) on connect and after every change',
          parameters: [{ name: 'skus', in: 'query', required: true, description: 'Comma-separated, 1 to 100', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'text/event-stream' },
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
            { name: 'sku', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'lat', in: 'query', required: true, schema: { type: 'number', minimum: -90, maximum: 90 } },
            { name: 'lng', in: 'query', required: true, schema: { type: 'number', minimum: -180, maximum: 180 } },
            { name: 'radiusKm', in: 'query', required: false, schema: { type: 'number', exclusiveMinimum: 0, maximum: 500, default: 10 } },
            positionParam,
            ifNoneMatch,
          ],
          responses: {
            ...notModified,
            '200': json(
              {
                type: 'object',
                required: ['sku', 'stores', 'position'],
                properties: {
                  sku: { type: 'string' },
                  position: positionProperty,
                  stores: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['locationId', 'available', 'distanceKm'],
                      properties: { locationId: { type: 'string' }, available: { type: 'integer' }, distanceKm: { type: 'number' } },
                    },
                  },
                },
              },
              'Pickup options',
            ),
            '400': error('lat, lng, radiusKm or minPosition is not valid'),
            ...viewBehind,
          },
        },
      },
      '/v1/locations/{locationId}': {
        put: {
          summary: 'Register a store or warehouse, or replace its profile (an identical PUT records nothing)',
          parameters: [
            {
              name: 'locationId',
              in: 'path',
              required: true,
              schema: { type: 'string', minLength: 1, maxLength: 200, description: 'Any characters but NUL' },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: fromZod(locationProfileSchema) } } },
          responses: {
            '201': json(ref('Location'), 'Registered'),
            '200': json(ref('Location'), 'Updated or unchanged'),
            '400': error('A field is not valid'),
            '413': error('The body is over 16 KiB'),
          },
        },
        get: {
          summary: 'One location',
          parameters: [{ name: 'locationId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json(ref('Location'), 'The location'), '404': error('No such location') },
        },
      },
      '/v1/locations': {
        get: {
          summary: 'Locations in id order, a page at a time',
          parameters: [
            { name: 'after', in: 'query', required: false, description: 'The `next` of the previous page', schema: { type: 'string' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: {
            '200': json(
              { type: 'object', properties: { items: { type: 'array', items: ref('Location') }, next: { type: ['string', 'null'] } } },
              'A page',
            ),
            '400': error('limit is not valid'),
          },
        },
      },
      '/v1/pos/events': {
        post: {
          summary: 'A POS sale or return for POS systems that cannot speak Kafka; written to retail.sales.offline (acks all) before 202',
          requestBody: { required: true, content: { 'application/json': { schema: fromZod(offlineSalesEventSchema) } } },
          responses: {
            '202': json(
              { type: 'object', required: ['eventId', 'topic'], properties: { eventId: { type: 'string' }, topic: { type: 'string' } } },
              'Durably written; applied once per eventId',
            ),
            '400': error(
              'A field is not valid (POS.INVALID_EVENT), occurredAt included: it must lie between 2000-01-01T00:00:00Z and the service clock plus MAX_CLOCK_SKEW',
            ),
            '403': error("The event is for another store than the key's"),
            '413': error('The body is over 1 MiB (the largest event the contract allows is about 130 kB)'),
          },
        },
      },
      '/v1/stock/movements': {
        post: {
          summary:
            'A stock receipt, adjustment or count for systems that cannot produce to Kafka; written to retail.stock.movements (acks all) before 202',
          requestBody: { required: true, content: { 'application/json': { schema: fromZod(stockMovementEventSchema) } } },
          responses: {
            '202': json(
              { type: 'object', required: ['eventId', 'topic'], properties: { eventId: { type: 'string' }, topic: { type: 'string' } } },
              'Durably written; applied once per eventId (a movement at an unregistered location is then dead-lettered, naming it)',
            ),
            '400': error(
              'A field is not valid (MOVEMENT.INVALID_EVENT), occurredAt included: it must lie between 2000-01-01T00:00:00Z and the service clock plus MAX_CLOCK_SKEW',
            ),
            '413': error('The body is over 1 MiB'),
          },
        },
      },
      '/v1/locations/{locationId}/stock': {
        get: {
          summary: "One location's stock, a page at a time in SKU order",
          parameters: [
            { name: 'locationId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'after', in: 'query', required: false, description: 'The `next` of the previous page', schema: { type: 'string' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            positionParam,
            ifNoneMatch,
          ],
          responses: {
            ...notModified,
            '200': json(
              {
                type: 'object',
                properties: {
                  locationId: { type: 'string' },
                  position: positionProperty,
                  items: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        sku: { type: 'string' },
                        onHand: { type: 'integer' },
                        reserved: { type: 'integer' },
                        available: { type: 'integer' },
                        inTransit: { type: 'integer' },
                        lastChangedAt: { type: 'string', format: 'date-time' },
                        unitsSoldPerDay: {
                          type: 'number',
                          description: 'Units sold per day over the last 7 days (store sales plus online orders shipped or collected here)',
                        },
                        daysOfCover: { type: ['number', 'null'], description: 'available ÷ unitsSoldPerDay; null when nothing sells' },
                      },
                    },
                  },
                  next: { type: ['string', 'null'] },
                },
              },
              'A page of SKUs',
            ),
            '400': error('after, limit or minPosition is not valid'),
            ...viewBehind,
          },
        },
      },
      '/v1/locations/{locationId}/skus/{sku}/policy': {
        put: {
          summary:
            "Set a SKU's safety stock (overriding the location's) and reorder policy at a location (an identical PUT records nothing)",
          parameters: [
            { name: 'locationId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'sku', in: 'path', required: true, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: fromZod(skuPolicySchema) } } },
          responses: {
            '201': json({ type: 'object' }, 'Set for the first time'),
            '413': error('The body is over 16 KiB'),
            '200': json({ type: 'object' }, 'Changed or unchanged'),
            '400': error('A field or the path is not valid'),
          },
        },
      },
      '/v1/stock-alerts/low': {
        get: {
          summary: 'SKU-locations whose available is at or below their reorder point, furthest below first',
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            positionParam,
            ifNoneMatch,
          ],
          responses: {
            ...notModified,
            '200': json(
              {
                type: 'object',
                properties: {
                  position: positionProperty,
                  items: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        locationId: { type: 'string' },
                        sku: { type: 'string' },
                        available: { type: 'integer' },
                        reorderPoint: { type: 'integer' },
                        reorderQuantity: { type: ['integer', 'null'] },
                      },
                    },
                  },
                },
              },
              'Low stock',
            ),
            '400': error('limit or minPosition is not valid'),
            ...viewBehind,
          },
        },
      },
      '/v1/stock-alerts/negative': {
        get: {
          summary: 'SKU-locations with negative on-hand (store sales are facts, so the books can go below zero), worst first',
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            positionParam,
            ifNoneMatch,
          ],
          responses: {
            ...notModified,
            '200': json(
              {
                type: 'object',
                properties: {
                  position: positionProperty,
                  items: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        locationId: { type: 'string' },
                        sku: { type: 'string' },
                        onHand: { type: 'integer' },
                        lastChangedAt: { type: 'string', format: 'date-time' },
                      },
                    },
                  },
                },
              },
              'Negative stock',
            ),
            '400': error('limit or minPosition is not valid'),
            ...viewBehind,
          },
        },
      },
      '/v1/orders/{orderId}/fulfillment': {
        get: {
          summary:
            "An online order's fulfillments (where each part ships from, and its state), transfers into a pickup store, and what was backordered",
          parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } }],
          responses: {
            '200': json(ref('OrderFulfillment'), "The order's fulfillment, current as of its last event"),
            '404': error('No such order (not placed, or not applied yet)'),
          },
        },
      },
      '/health/live': {
        get: {
          summary: 'The process answers (@nestjs/terminus, no indicators)',
          responses: { '200': json(ref('Health'), 'Alive'), '503': json(ref('Health'), 'Shutting down') },
        },
      },
      '/health/ready': {
        get: {
          summary:
            'PostgreSQL and Kafka answer and no projection is stalled (@nestjs/terminus); consumer lag, stock-view and outbox backlog reported, never a reason to be unready',
          responses: {
            '200': json(ref('Readiness'), 'Ready: PostgreSQL and Kafka answer, no projection is stalled'),
            '503': json(
              ref('Readiness'),
              'PostgreSQL or Kafka did not answer (within 2 s), a projection is stalled (its next batch keeps failing: `error.projections.stalled` lists each with `projection`, `position`, `error`, `since`, `attempts`), or the service is shutting down',
            ),
          },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text/plain; version=0.0.4' } } } },
      '/dashboard': {
        get: {
          summary:
            "The live operators' page (self-contained HTML): a SKU's stock on a map of the locations, event rate, lag, readiness, recent logistics commands, alerts",
          parameters: [
            {
              name: 'sku',
              in: 'query',
              required: false,
              description: 'The SKU shown first (read by the page itself)',
              schema: { type: 'string' },
            },
          ],
          responses: { '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } },
        },
      },
      '/dashboard/{file}': {
        get: {
          summary: "One of the dashboard page's own scripts or stylesheets (what GET /dashboard loads)",
          parameters: [
            { name: 'file', in: 'path', required: true, description: 'e.g. dashboard.js, dashboard.css', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'The file',
              content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } },
            },
            '404': error('No such file of the page (`DASHBOARD.NO_SUCH_FILE`)'),
          },
        },
      },
      '/v1/dashboard/summary': {
        get: {
          summary:
            'What the dashboard polls: events applied and their rate on this instance, consumer lag, readiness, the last 20 logistics commands, the worst 10 negative and low stock',
          responses: {
            '200': json(
              {
                type: 'object',
                required: [
                  'eventsApplied',
                  'eventsPerSecond',
                  'consumerLag',
                  'stockViewBacklog',
                  'ready',
                  'recentCommands',
                  'negativeStock',
                  'lowStock',
                ],
                properties: {
                  eventsApplied: { type: 'integer', description: 'Inbound events applied by this instance since it started' },
                  eventsPerSecond: { type: 'number', description: 'Inbound events applied per second over the last 5 s, on this instance' },
                  consumerLag: {
                    type: ['object', 'null'],
                    description: 'Inbound messages on Kafka not yet applied; null when Kafka did not answer within 2 s',
                    properties: { total: { type: 'integer' }, byTopic: { type: 'object', additionalProperties: { type: 'integer' } } },
                  },
                  stockViewBacklog: { type: ['integer', 'null'], description: 'Events not yet in the stock view' },
                  ready: { type: 'boolean', description: 'PostgreSQL and Kafka answer (as GET /health/ready)' },
                  recentCommands: {
                    type: 'array',
                    description:
                      'The last 20 logistics commands queued, newest first: the command as sent plus whether it has been published',
                    items: {
                      type: 'object',
                      required: ['published'],
                      properties: { commandId: { type: 'string' }, type: { type: 'string' }, published: { type: 'boolean' } },
                    },
                  },
                  negativeStock: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        locationId: { type: 'string' },
                        sku: { type: 'string' },
                        onHand: { type: 'integer' },
                        lastChangedAt: { type: 'string', format: 'date-time' },
                      },
                    },
                  },
                  lowStock: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        locationId: { type: 'string' },
                        sku: { type: 'string' },
                        available: { type: 'integer' },
                        reorderPoint: { type: 'integer' },
                        reorderQuantity: { type: ['integer', 'null'] },
                      },
                    },
                  },
                },
              },
              'The summary',
            ),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        posKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A store key from `npm run cli -- issue-pos-key <storeId>`: pos_<keyId>_<secret>',
        },
        operatorKey: {
          type: 'http',
          scheme: 'bearer',
          description: `An operator key from \`npm run cli -- issue-operator-key NAME [--scopes SCOPE,...]\`: op_<keyId>_<secret>. Each operation names the scope it needs: ${OPERATOR_SCOPES.map((scope) => `${scope}: ${OPERATOR_SCOPE_MEANING[scope]}`).join('; ')}.`,
        },
      },
      schemas: {
        Health: {
          type: 'object',
          required: ['status', 'info', 'error', 'details'],
          description: "@nestjs/terminus's result, with status ok or unavailable",
          properties: {
            status: { type: 'string', enum: ['ok', 'unavailable'] },
            info: { type: 'object', description: 'The indicators that are up', additionalProperties: ref('HealthIndicator') },
            error: { type: 'object', description: 'The indicators that are down', additionalProperties: ref('HealthIndicator') },
            details: { type: 'object', description: 'Every indicator', additionalProperties: ref('HealthIndicator') },
            shuttingDown: {
              type: 'boolean',
              const: true,
              description: 'Present from the start of a graceful shutdown, when the answer is 503 whatever the indicators say',
            },
          },
        },
        HealthIndicator: {
          type: 'object',
          required: ['status'],
          description:
            'postgres and kafka: up, or down with a message. consumerLag {messages, byTopic}, stockViewBacklog {events} and outboxBacklog {messages} are always up; a figure not measured is null, with a message',
          properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
          additionalProperties: true,
        },
        Readiness: {
          allOf: [
            ref('Health'),
            {
              type: 'object',
              required: ['lag'],
              properties: {
                lag: {
                  type: 'object',
                  description: 'How far the service is behind; a figure that could not be measured is left out',
                  properties: {
                    inboundMessages: { type: 'integer', description: 'Inbound messages on Kafka not yet applied' },
                    inboundByTopic: { type: 'object', additionalProperties: { type: 'integer' } },
                    stockViewEvents: { type: 'integer', description: 'Events not yet in the stock view' },
                    outboxMessages: {
                      type: 'integer',
                      description: 'Outbox messages (logistics commands, dead letters) not yet published',
                    },
                  },
                },
              },
            },
          ],
        },
        Error: {
          type: 'object',
          required: ['error', 'details'],
          properties: {
            error: { type: 'string', description: 'What is wrong and what to do' },
            code: { type: 'string', description: 'Stable code, e.g. STOCK.TOO_MANY_SKUS' },
            details: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'problem'],
                properties: { field: { type: 'string' }, problem: { type: 'string' } },
              },
            },
          },
        },
        LocationStock: {
          type: 'object',
          required: ['locationId', 'onHand', 'reserved', 'available', 'inTransit'],
          properties: {
            locationId: { type: 'string' },
            onHand: { type: 'integer' },
            reserved: { type: 'integer' },
            available: { type: 'integer', description: 'onHand − reserved − safety stock; may be negative' },
            inTransit: { type: 'integer' },
          },
        },
        SkuStock: {
          type: 'object',
          required: ['sku', 'onHand', 'reserved', 'available', 'onlineAvailableToPromise', 'locations', 'position'],
          properties: {
            sku: { type: 'string' },
            onHand: { type: 'integer' },
            reserved: { type: 'integer' },
            available: { type: 'integer' },
            onlineAvailableToPromise: { type: 'integer', description: 'Sum of max(0, available) over locations that ship online' },
            locations: { type: 'array', items: ref('LocationStock') },
            position: { type: 'string', description: '<transaction>.<global position> the view reflects; ordered' },
          },
        },
        OrderLines: {
          type: 'array',
          items: {
            type: 'object',
            required: ['sku', 'quantity'],
            properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
          },
        },
        OrderFulfillment: {
          type: 'object',
          required: ['orderId', 'status', 'delivery', 'fulfillments', 'awaitingTransfers', 'transfers', 'backordered', 'version'],
          properties: {
            orderId: { type: 'string' },
            status: { enum: ['open', 'cancelled'] },
            delivery: { type: 'object', description: 'As placed: {"mode":"ship","lat","lng"} or {"mode":"pickup","storeId"}' },
            fulfillments: {
              type: 'array',
              items: {
                type: 'object',
                required: ['fulfillmentId', 'fromLocationId', 'lines', 'state'],
                properties: {
                  fulfillmentId: { type: 'string' },
                  fromLocationId: { type: 'string' },
                  lines: ref('OrderLines'),
                  state: { enum: ['dispatched', 'shipped', 'collected', 'failed', 'cancelled'] },
                  reasons: { type: 'array', items: { type: 'string' }, description: 'Why sourcing chose this location' },
                },
              },
            },
            awaitingTransfers: {
              type: 'array',
              description: 'Pickup fulfillments not dispatched yet: the store waits for these transfers',
              items: {
                type: 'object',
                properties: {
                  fulfillmentId: { type: 'string' },
                  fromLocationId: { type: 'string' },
                  lines: ref('OrderLines'),
                  transferIds: { type: 'array', items: { type: 'string' } },
                },
              },
            },
            transfers: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  transferId: { type: 'string' },
                  fromLocationId: { type: 'string' },
                  toLocationId: { type: 'string' },
                  lines: ref('OrderLines'),
                  received: { type: 'boolean' },
                },
              },
            },
            backordered: ref('OrderLines'),
            version: { type: 'integer', description: "The order stream's version" },
          },
        },
        Location: {
          ...fromZod(locationProfileSchema),
          properties: {
            ...((fromZod(locationProfileSchema).properties as JsonSchema | undefined) ?? {}),
            locationId: { type: 'string' },
            version: { type: 'integer' },
            updatedAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  } as unknown as OpenAPIObject & { paths: Record<string, unknown> };
}
