import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmnichannelClient } from './support/omnichannel-client';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

const kafka = testKafka();
let service: RunningTestService;
let shop: OmnichannelClient;
let producer: Producer;

const STORE = {
  type: 'store',
  name: 'West Lake',
  lat: 30.27,
  lng: 120.16,
  shipsOnline: true,
  pickup: true,
  dailyCapacity: 100,
  safetyStock: 1,
};

beforeAll(async () => {
  service = await startTestService();
  producer = await connectedProducer(kafka);
  shop = new OmnichannelClient(service, producer);
  expect((await shop.put('/v1/locations/S001', STORE)).status).toBe(201);
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
});

describe('GET /v1/stock/{sku}?asOf= on the running service', () => {
  it('answers the stock as of a moment of business time, with asOf in the documented body; a bad asOf is a 400 naming it', async () => {
    const { stockMovements } = service.config.kafka.topics;
    const movement = (n: number, value: Record<string, unknown>) => ({
      key: 'S001',
      value: { eventId: `asof-${n}`, locationId: 'S001', ...value },
    });
    await sendJson(producer, stockMovements, [
      movement(1, { type: 'StockReceived', occurredAt: '2026-11-11T09:00:00+08:00', lines: [{ sku: 'ASOF-1', quantity: 10 }] }),
      movement(2, {
        type: 'StockAdjusted',
        occurredAt: '2026-11-11T11:00:00+08:00',
        reason: 'damaged',
        lines: [{ sku: 'ASOF-1', delta: -2 }],
      }),
      // A count taken at 10:00, reported last: 10:00's shelf held 7, and the 11:00 adjustment came after it.
      movement(3, { type: 'StockCounted', occurredAt: '2026-11-11T10:00:00+08:00', lines: [{ sku: 'ASOF-1', countedQuantity: 7 }] }),
    ]);
    const now = await eventually(async () => {
      const { body } = await shop.getJson('/v1/stock/ASOF-1');
      expect(body.onHand).toBe(5);
      return body;
    });

    const asOf = async (moment: string) => {
      const { status, body } = await shop.getJson(`/v1/stock/ASOF-1?asOf=${encodeURIComponent(moment)}`);
      expect(status, moment).toBe(200);
      expect(body.asOf).toBe(moment);
      return body;
    };
    expect(await asOf('2026-11-11T00:59:59Z')).toMatchObject({ onHand: 0, locations: [] });
    expect(await asOf('2026-11-11T09:30:00+08:00')).toMatchObject({
      onHand: 10,
      available: 9,
      locations: [{ locationId: 'S001', onHand: 10 }],
    });
    expect(await asOf('2026-11-11T10:30:00+08:00')).toMatchObject({ onHand: 7 });
    const later = await asOf('2026-11-12T00:00:00+08:00');
    expect({ ...later, asOf: undefined }).toEqual({ ...now, asOf: undefined });

    for (const bad of ['2026-11-11T10:00:00', 'yesterday', '']) {
      const { status, body } = await shop.getJson(`/v1/stock/ASOF-1?asOf=${encodeURIComponent(bad)}`);
      expect(status, bad).toBe(400);
      expect(body).toMatchObject({ code: 'STOCK.INVALID_AS_OF', details: [{ field: 'asOf' }] });
    }
  });
});
