import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDocumentOf, documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { lagOf } from './support/service-process';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
let producer: Producer;

beforeAll(async () => {
  service = await startTestService();
  await registerLocations(service.baseUrl, ['S001'], service.operatorHeaders);
  // A registration moves every SKU's available: let the view pass it first, so no stream below sees it.
  await eventually(async () => expect((await lagOf(service.baseUrl)).stockViewEvents).toBe(0));
  producer = await connectedProducer(testKafka());
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
});

/**
 * Reads server-sent events from a streaming fetch, one parsed `data` object per event. Each is
 * checked against the document: a `stock` event's data is the GET /v1/stock/{sku} answer, its id the position.
 */
async function* serverSentEvents(response: Response): AsyncGenerator<{ event: string; data: any }> {
  const document = await apiDocumentOf(service.baseUrl);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      if (!fields.data) continue;
      const event = { event: fields.event ?? 'message', data: JSON.parse(fields.data) };
      expect(event.event).toBe('stock');
      document.expectAnswer('GET', `/v1/stock/${encodeURIComponent(event.data.sku)}`, 200, event.data);
      expect(fields.id).toBe(event.data.position);
      yield event;
    }
  }
}

describe('GET /v1/stock/stream (server-sent events)', () => {
  it('sends the stock of each SKU on connect and again after it changes, and nothing for other SKUs', async () => {
    const controller = new AbortController();
    const response = await fetch(`${service.baseUrl}/v1/stock/stream?skus=SSE-1,SSE-2`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = serverSentEvents(response);
    const initial = [(await events.next()).value!, (await events.next()).value!];
    expect(initial.map((e) => [e.event, e.data.sku, e.data.onHand])).toEqual([
      ['stock', 'SSE-1', 0],
      ['stock', 'SSE-2', 0],
    ]);

    const { topics } = service.config.kafka;
    await sendJson(producer, topics.stockMovements, [
      {
        key: 'S001',
        value: {
          eventId: 'sse-0',
          type: 'StockReceived',
          occurredAt: '2026-11-11T00:00:00Z',
          locationId: 'S001',
          lines: [{ sku: 'OTHER', quantity: 9 }],
        },
      },
    ]);
    await sendJson(producer, topics.stockMovements, [
      {
        key: 'S001',
        value: {
          eventId: 'sse-1',
          type: 'StockReceived',
          occurredAt: '2026-11-11T00:00:01Z',
          locationId: 'S001',
          lines: [{ sku: 'SSE-2', quantity: 3 }],
        },
      },
    ]);
    const update = (await Promise.race([
      events.next(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no update within 15 s')), 15_000)),
    ])) as IteratorResult<{ event: string; data: any }>;
    expect(update.value!.data).toMatchObject({ sku: 'SSE-2', onHand: 3 });
    controller.abort();
  });

  it('refuses a stream without SKUs', async () => {
    expect((await fetch(`${service.baseUrl}/v1/stock/stream`)).status).toBe(400);
  });
});
