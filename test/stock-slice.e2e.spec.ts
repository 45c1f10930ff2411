import { compareCheckpoints, parseViewPosition } from '@app/event-store';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLocations } from './support/locations';
// Every answer read here is also checked against the service's OpenAPI document.
import { documentedFetch as fetch } from './support/documented-answers';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
let producer: Producer;
const kafka = testKafka();

beforeAll(async () => {
  service = await startTestService({ MIN_POSITION_WAIT_MS: '300' });
  await registerLocations(service.baseUrl, ['S001'], service.operatorHeaders);
  producer = await connectedProducer(kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
});

async function stockOf(sku: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${service.baseUrl}/v1/stock/${encodeURIComponent(sku)}`);
  return { status: response.status, body: await response.json() };
}

describe('walking skeleton: Kafka -> event store -> projection -> HTTP', () => {
  it('shows on hand going 100 -> 98 after a receipt and a store sale', async () => {
    const { topics } = service.config.kafka;
    await sendJson(producer, topics.stockMovements, [
      {
        key: 'S001',
        value: {
          eventId: 'e-1',
          type: 'StockReceived',
          occurredAt: '2026-11-11T00:00:00+08:00',
          locationId: 'S001',
          lines: [{ sku: 'SKU-1', quantity: 100 }],
        },
      },
    ]);
    const afterReceipt = await eventually(async () => {
      const stock = await stockOf('SKU-1');
      expect(stock.body.onHand).toBe(100);
      return stock;
    });
    expect(afterReceipt.body.locations).toEqual([{ locationId: 'S001', onHand: 100, reserved: 0, available: 100, inTransit: 0 }]);

    await sendJson(producer, topics.offlineSales, [
      {
        key: 'S001',
        value: {
          eventId: 'e-2',
          type: 'StoreSaleRecorded',
          occurredAt: '2026-11-11T00:00:01+08:00',
          storeId: 'S001',
          receiptId: 'R-9',
          lines: [{ sku: 'SKU-1', quantity: 2 }],
        },
      },
    ]);
    const afterSale = await eventually(async () => {
      const stock = await stockOf('SKU-1');
      expect(stock.body.onHand).toBe(98);
      return stock;
    });
    expect(afterSale.status).toBe(200);
    expect(afterSale.body).toMatchObject({ sku: 'SKU-1', onHand: 98, reserved: 0, available: 98 });
    expect(compareCheckpoints(parseViewPosition(afterSale.body.position)!, parseViewPosition(afterReceipt.body.position)!)).toBe(1);
  });

  it('answers 304 to If-None-Match while nothing changed, and a fresh body after a change', async () => {
    const first = await fetch(`${service.baseUrl}/v1/stock/SKU-1`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+\.\d+-[\w-]+"$/);
    const again = await fetch(`${service.baseUrl}/v1/stock/SKU-1`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    await sendJson(producer, service.config.kafka.topics.offlineSales, [
      {
        key: 'S001',
        value: {
          eventId: 'e-3',
          type: 'StoreSaleRecorded',
          occurredAt: '2026-11-11T00:00:02+08:00',
          storeId: 'S001',
          receiptId: 'R-10',
          lines: [{ sku: 'SKU-1', quantity: 1 }],
        },
      },
    ]);
    const changed = await eventually(async () => {
      const response = await fetch(`${service.baseUrl}/v1/stock/SKU-1`, { headers: { 'if-none-match': etag } });
      expect(response.status).toBe(200);
      return (await response.json()) as { onHand: number; position: string };
    });
    expect(changed.onHand).toBe(97);
  });

  it('serves minPosition once the view has reached it, and 503 with Retry-After when it does not in time', async () => {
    const { position } = (await (await fetch(`${service.baseUrl}/v1/stock/SKU-1`)).json()) as { position: string };
    const reached = await fetch(`${service.baseUrl}/v1/stock/SKU-1?minPosition=${position}`);
    expect(reached.status).toBe(200);

    const ahead = await fetch(`${service.baseUrl}/v1/stock/SKU-1?minPosition=999999999999.1`);
    expect(ahead.status).toBe(503);
    expect(ahead.headers.get('retry-after')).toBe('1');
    expect(await ahead.json()).toMatchObject({ code: 'STOCK.VIEW_BEHIND', details: [{ field: 'minPosition' }] });

    const bad = await fetch(`${service.baseUrl}/v1/stock/SKU-1?minPosition=yesterday`);
    expect(bad.status).toBe(400);
  });

  it('answers 400 with the field and the problem for a bad lookup', async () => {
    const response = await fetch(`${service.baseUrl}/v1/stock?skus=${Array.from({ length: 501 }, (_, i) => `S${i}`).join(',')}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'STOCK.TOO_MANY_SKUS', details: [{ field: 'skus' }] });
  });

  it('serves its OpenAPI document at /docs-json and the browsable docs at /docs', async () => {
    const document = (await (await fetch(`${service.baseUrl}/docs-json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/v1/stock/{sku}');
    const page = await fetch(`${service.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/swagger/i);
  });
});
