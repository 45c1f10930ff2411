import { locationProfileSchema, offlineSalesEventSchema, skuPolicySchema, stockMovementEventSchema } from '@app/contracts';
import { ref, requestSchema } from './json-schema';
import { error, json, pageParams, pathParam } from './openapi-parts';

const body = (schema: Parameters<typeof requestSchema>[0]) => ({
  required: true,
  content: { 'application/json': { schema: requestSchema(schema) } },
});
/** The WriteRateLimitGuard's answer, on every write. */
const tooManyWrites = {
  '429': error('Over WRITE_RATE_LIMIT_PER_KEY_PER_MINUTE or WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE writes this minute (Retry-After)'),
};
const invalidEvent = (code: string) =>
  error(
    `A field is not valid (${code}), occurredAt included: it must lie between 2000-01-01T00:00:00Z and the service clock plus MAX_CLOCK_SKEW`,
  );

/** The location registry, SKU policies, order fulfillment, and the gateways that write events to Kafka. */
export const writePaths = {
  '/v1/locations/{locationId}': {
    put: {
      summary: 'Register a store or warehouse, or replace its profile (an identical PUT records nothing)',
      parameters: [pathParam('locationId', { type: 'string', minLength: 1, maxLength: 200, description: 'Any characters but NUL' })],
      requestBody: body(locationProfileSchema),
      responses: {
        '201': json(ref('Location'), 'Registered'),
        '200': json(ref('Location'), 'Updated or unchanged'),
        '400': error('A field is not valid'),
        '413': error('The body is over 16 KiB'),
        ...tooManyWrites,
      },
    },
    get: {
      summary: 'One location',
      parameters: [pathParam('locationId')],
      responses: {
        '200': json(ref('Location'), 'The location'),
        '400': error('The location id is not valid (NUL, or over 200 characters)'),
        '404': error('No such location'),
      },
    },
  },
  '/v1/locations': {
    get: {
      summary: 'Locations in id order, a page at a time',
      parameters: pageParams(500),
      responses: { '200': json(ref('LocationPage'), 'A page'), '400': error('after or limit is not valid') },
    },
  },
  '/v1/locations/{locationId}/skus/{sku}/policy': {
    put: {
      summary: "Set a SKU's safety stock (overriding the location's) and reorder policy at a location (an identical PUT records nothing)",
      parameters: [pathParam('locationId'), pathParam('sku')],
      requestBody: body(skuPolicySchema),
      responses: {
        '201': json(ref('SkuPolicy'), 'Set for the first time'),
        '413': error('The body is over 16 KiB'),
        '200': json(ref('SkuPolicy'), 'Changed or unchanged'),
        '400': error('A field or the path is not valid'),
        ...tooManyWrites,
      },
    },
  },
  '/v1/orders/{orderId}/fulfillment': {
    get: {
      summary:
        "An online order's fulfillments (where each part ships from, and its state), transfers into a pickup store, and what was backordered",
      parameters: [pathParam('orderId', { type: 'string', minLength: 1, maxLength: 200 })],
      responses: {
        '200': json(ref('OrderFulfillment'), "The order's fulfillment, current as of its last event"),
        '400': error('The order id is not 1 to 200 characters'),
        '404': error('No such order (not placed, or not applied yet)'),
      },
    },
  },
  '/v1/pos/events': {
    post: {
      summary: 'A POS sale or return for POS systems that cannot speak Kafka; written to retail.sales.offline (acks all) before 202',
      requestBody: body(offlineSalesEventSchema),
      responses: {
        '202': json(ref('AcceptedEvent'), 'Durably written; applied once per eventId'),
        '400': invalidEvent('POS.INVALID_EVENT'),
        '403': error("The event is for another store than the key's"),
        '413': error('The body is over 1 MiB (the largest event the contract allows is about 130 kB)'),
        ...tooManyWrites,
      },
    },
  },
  '/v1/stock/movements': {
    post: {
      summary:
        'A stock receipt, adjustment or count for systems that cannot produce to Kafka; written to retail.stock.movements (acks all) before 202',
      requestBody: body(stockMovementEventSchema),
      responses: {
        '202': json(
          ref('AcceptedEvent'),
          'Durably written; applied once per eventId (a movement at an unregistered location is then dead-lettered, naming it)',
        ),
        '400': invalidEvent('MOVEMENT.INVALID_EVENT'),
        '413': error('The body is over 1 MiB'),
        ...tooManyWrites,
      },
    },
  },
};
