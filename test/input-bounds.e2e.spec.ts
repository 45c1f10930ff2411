import { DEAD_LETTER_HEADERS, MAX_LINE_QUANTITY } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { connectedProducer, eventually, readTopic, sendJson, testKafka } from './support/test-kafka';
import { HANGZHOU_NETWORK } from './support/fulfillment-rig';
import { registerLocations } from './support/locations';
import { startTestService, type RunningTestService } from './support/test-service';

/**
 * Input at the contract's bounds through real Kafka into the running service: totals past 32 bits
 * come back as JSON numbers, an occurredAt outside the window is a dead letter that says so, and the
 * stock view keeps moving after both.
 */
const kafka = testKafka();
let service: RunningTestService;
let producer: Producer;

beforeAll(async () => {
  service = await startTestService();
  producer = await connectedProducer(kafka);
  await registerLocations(service.baseUrl, { 'W-BIG': { ...HANGZHOU_NETWORK.W01, name: 'Bounds DC' } }, service.operatorHeaders);
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
});

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const bulk = (sku: string) => Array.from({ length: 1000 }, () => ({ sku, quantity: MAX_LINE_QUANTITY }));
const movement = (value: Record<string, unknown>) =>
  sendJson(producer, service.config.kafka.topics.stockMovements, [{ key: String(value.locationId), value }]);
const stockOf = async (sku: string) =>
  (await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as {
    onHand: number;
    locations: Array<{ locationId: string; onHand: number; available: number }>;
  };

describe('input at the bounds, on real Kafka and PostgreSQL', () => {
  it('keeps stock past 32 bits as numbers, dead-letters occurredAt outside the window with the reason, and keeps the view moving', async () => {
    for (let n = 1; n <= 3; n += 1)
      await movement({
        eventId: `e2e-big-${n}`,
        type: 'StockReceived',
        occurredAt: minutesFromNow(-30),
        locationId: 'W-BIG',
        lines: bulk('E2E-BIG'),
      });
    await movement({
      eventId: 'e2e-year-0',
      type: 'StockReceived',
      occurredAt: '0000-01-01T00:00:00Z',
      locationId: 'W-BIG',
      lines: [{ sku: 'E2E-BIG', quantity: 1 }],
    });
    await movement({
      eventId: 'e2e-count-2066',
      type: 'StockCounted',
      occurredAt: '2066-01-01T00:00:00+08:00',
      locationId: 'W-BIG',
      lines: [{ sku: 'E2E-BIG', countedQuantity: 0 }],
    });
    await movement({
      eventId: 'e2e-after',
      type: 'StockAdjusted',
      occurredAt: minutesFromNow(0),
      locationId: 'W-BIG',
      reason: 'found',
      lines: [{ sku: 'E2E-BIG', delta: 7 }],
    });

    await eventually(async () => {
      const stock = await stockOf('E2E-BIG');
      expect(stock.onHand).toBe(3_000_000_007);
      expect(stock.locations).toMatchObject([{ locationId: 'W-BIG', onHand: 3_000_000_007, available: 3_000_000_007 }]);
    });
    const letters = await readTopic(kafka, service.config.kafka.topics.deadLetters, 2);
    const reasons = Object.fromEntries(
      letters.map((letter) => [JSON.parse(letter.value!).eventId, letter.headers[DEAD_LETTER_HEADERS.reason]]),
    );
    expect(reasons['e2e-year-0']).toMatch(
      /^occurredAt out of window: occurredAt 0000-01-01T00:00:00Z is outside the accepted window 2000-01-01T00:00:00\.000Z to /,
    );
    expect(reasons['e2e-count-2066']).toMatch(
      /^occurredAt out of window: occurredAt 2066-01-01T00:00:00\+08:00 is outside .*MAX_CLOCK_SKEW/,
    );
  });
});
