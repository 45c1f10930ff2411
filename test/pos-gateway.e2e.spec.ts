import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { eventually } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
let keyForS001: string;
let keyIdForS001: string;

beforeAll(async () => {
  service = await startTestService();
  await registerLocations(service.baseUrl, ['S001'], service.operatorHeaders);
  const issued = await runCli(['issue-pos-key', 'S001'], {
    DATABASE_URL: service.config.database.url,
    DATABASE_SCHEMA: service.config.database.schema,
  });
  expect(issued.code).toBe(0);
  keyForS001 = /^(pos_\S+)$/m.exec(issued.stdout)![1]!;
  keyIdForS001 = /POS key (\S+) for store S001/.exec(issued.stdout)![1]!;
});
afterAll(async () => {
  await service?.stop();
});

const sale = (eventId: string, storeId = 'S001', quantity = 2) => ({
  eventId,
  type: 'StoreSaleRecorded',
  occurredAt: '2026-11-11T00:00:01+08:00',
  storeId,
  receiptId: `R-${eventId}`,
  lines: [{ sku: 'POS-1', quantity }],
});

async function post(body: unknown, key: string | null = keyForS001) {
  const response = await fetch(`${service.baseUrl}/v1/pos/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function onHand(): Promise<number> {
  return ((await (await fetch(`${service.baseUrl}/v1/stock/POS-1`)).json()) as { onHand: number }).onHand;
}

describe('POST /v1/pos/events', () => {
  it("accepts a sale for the key's store (202 with the eventId), applies it once however often the POS retries", async () => {
    const first = await post(sale('pos-1'));
    expect(first).toEqual({ status: 202, body: { eventId: 'pos-1', topic: service.config.kafka.topics.offlineSales } });
    expect((await post(sale('pos-1'))).status).toBe(202); // a retry after a lost response
    await eventually(async () => expect(await onHand()).toBe(-2));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await onHand()).toBe(-2);
  });

  it('rejects a key of another store with 403, and says which field', async () => {
    const response = await post(sale('pos-2', 'S002'));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'POS.WRONG_STORE', details: [{ field: 'storeId' }] });
  });

  it('answers 401 without a key or with a wrong one', async () => {
    expect((await post(sale('pos-3'), null)).body).toMatchObject({ code: 'POS.KEY_REQUIRED' });
    expect((await post(sale('pos-3'), `${keyForS001.slice(0, -3)}abc`)).status).toBe(401);
    expect((await post(sale('pos-3'), 'pos_nonsense')).status).toBe(401);
  });

  it('answers 400 naming each bad field', async () => {
    const response = await post({ ...sale('pos-4'), occurredAt: '11/11/2026', lines: [{ sku: 'POS-1', quantity: 0 }] });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('POS.INVALID_EVENT');
    expect(response.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['lines.0.quantity', 'occurredAt']);
    const tooMany = await post({ ...sale('pos-4'), lines: [{ sku: 'POS-1', quantity: 3_000_000_000 }] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual([{ field: 'lines.0.quantity', problem: expect.stringMatching(/1000000/) }]);
  });

  it('answers 400 naming occurredAt when it lies before 2000 or past the clock plus MAX_CLOCK_SKEW, and writes nothing', async () => {
    for (const occurredAt of [
      '1999-12-31T23:59:59Z',
      new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString(),
      '2066-01-01T00:00:00+08:00',
    ]) {
      const response = await post({ ...sale('pos-window'), occurredAt });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'POS.INVALID_EVENT',
        details: [{ field: 'occurredAt', problem: expect.stringMatching(/outside the accepted window 2000-01-01T00:00:00\.000Z to /) }],
      });
    }
  });

  it('takes the largest event the contract allows, and answers a body too large with 413 and one not JSON with 400, naming the body', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => ({ sku: `POS-BIG-${String(i).padStart(4, '0')}-${'x'.repeat(87)}`, quantity: 1 }));
    const largest = { ...sale('pos-largest'), lines };
    expect(JSON.stringify(largest).length).toBeGreaterThan(100 * 1024); // over Express's default limit
    expect(await post(largest)).toEqual({ status: 202, body: expect.objectContaining({ eventId: 'pos-largest' }) });

    const tooLarge = await post({ ...largest, eventId: 'pos-too-large', note: 'x'.repeat(1024 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ code: 'HTTP.BODY_TOO_LARGE', details: [{ field: 'body' }] });

    const notJson = await fetch(`${service.baseUrl}/v1/pos/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keyForS001}` },
      body: '{"eventId": "pos-broken", ',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'HTTP.400', error: expect.stringMatching(/JSON/) });
  });

  it('stops accepting a revoked key', async () => {
    const revoked = await runCli(['revoke-pos-key', keyIdForS001], {
      DATABASE_URL: service.config.database.url,
      DATABASE_SCHEMA: service.config.database.schema,
    });
    expect(revoked.stdout).toMatch(/revoked POS key .* of store S001/);
    expect((await post(sale('pos-5'))).status).toBe(401);
  });
});
