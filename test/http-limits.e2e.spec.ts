import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.stop();
});

const store = {
  type: 'store',
  name: 'West Lake',
  lat: 30.259,
  lng: 120.15,
  shipsOnline: true,
  pickup: true,
  dailyCapacity: 500,
  safetyStock: 2,
};

async function send(method: string, path: string, body: string) {
  const response = await fetch(`${service.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as any };
}

describe('body limits per route', () => {
  it('refuses a location or policy body over 16 KiB with 413 naming that limit, before reading it', async () => {
    const padded = JSON.stringify({ ...store, name: 'x'.repeat(17 * 1024) });
    for (const path of ['/v1/locations/S-LIMIT', '/v1/locations/S-LIMIT/skus/SKU-1/policy']) {
      const refused = await send('PUT', path, padded);
      expect(refused).toEqual({
        status: 413,
        body: {
          error: 'the request body is over 16384 bytes; send less at once',
          code: 'HTTP.BODY_TOO_LARGE',
          details: [{ field: 'body', problem: 'more than 16384 bytes' }],
        },
      });
    }
  });

  it('still reads up to 1 MiB on the POS gateway (the contract allows events of about 130 kB)', async () => {
    const sale = JSON.stringify({
      eventId: 'e-big',
      type: 'StoreSaleRecorded',
      occurredAt: '2026-11-11T10:00:00Z',
      storeId: 'S1',
      receiptId: 'R',
      lines: [],
      pad: 'x'.repeat(200 * 1024),
    });
    const read = await send('POST', '/v1/pos/events', sale);
    expect(read.status).not.toBe(413); // read, then refused for what it says (no key)
    const tooLarge = await send('POST', '/v1/pos/events', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect(tooLarge).toMatchObject({ status: 413, body: { details: [{ field: 'body', problem: 'more than 1048576 bytes' }] } });
  });
});

describe('live stream caps', () => {
  const open = async (baseUrl: string, controller: AbortController) =>
    fetch(`${baseUrl}/v1/stock/stream?skus=CAP-1`, { signal: controller.signal });

  it('turns away a client over STOCK_STREAMS_PER_CLIENT_MAX with 429 and Retry-After, and frees a slot when a client disconnects', async () => {
    const capped = await startTestService({ STOCK_STREAMS_PER_CLIENT_MAX: '2', STOCK_STREAMS_MAX: '5' });
    const streams = [new AbortController(), new AbortController()];
    try {
      for (const controller of streams) expect((await open(capped.baseUrl, controller)).status).toBe(200);
      const refused = await fetch(`${capped.baseUrl}/v1/stock/stream?skus=CAP-1`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({
        code: 'STOCK.TOO_MANY_STREAMS',
        details: [{ field: 'streams', problem: expect.stringContaining('STOCK_STREAMS_PER_CLIENT_MAX') }],
      });
      streams[0]!.abort();
      const again = new AbortController();
      streams.push(again);
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const response = await open(capped.baseUrl, again);
        status = response.status;
        if (status !== 200) await response.body?.cancel();
      }
      expect(status).toBe(200);
    } finally {
      for (const controller of streams) controller.abort();
      await capped.stop();
    }
  });

  it('answers 503 with Retry-After when the instance serves STOCK_STREAMS_MAX streams', async () => {
    const full = await startTestService({ STOCK_STREAMS_MAX: '1' });
    const first = new AbortController();
    try {
      expect((await open(full.baseUrl, first)).status).toBe(200);
      const refused = await fetch(`${full.baseUrl}/v1/stock/stream?skus=CAP-1`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ code: 'STOCK.STREAMS_FULL' });
    } finally {
      first.abort();
      await full.stop();
    }
  });
});
