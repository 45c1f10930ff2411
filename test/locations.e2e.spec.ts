import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLocations } from './support/locations';
// Every answer read here is also checked against the service's OpenAPI document.
import { documentedFetch as fetch } from './support/documented-answers';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
let producer: Producer;

beforeAll(async () => {
  service = await startTestService();
  producer = await connectedProducer(testKafka());
});
afterAll(async () => {
  await producer?.disconnect();
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

async function put(locationId: string, body: unknown) {
  const response = await fetch(`${service.baseUrl}/v1/locations/${locationId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...service.operatorHeaders },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('location registry and channel availability', () => {
  it('registers a location (201), treats the same PUT as a no-op (200, same version), and records a change (200, next version)', async () => {
    const created = await put('S001', store);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ locationId: 'S001', ...store, version: 1 });

    const same = await put('S001', store);
    expect(same).toMatchObject({ status: 200, body: { version: 1 } });

    const changed = await put('S001', { ...store, dailyCapacity: 800 });
    expect(changed).toMatchObject({ status: 200, body: { version: 2, dailyCapacity: 800 } });

    const fetched = (await (await fetch(`${service.baseUrl}/v1/locations/S001`)).json()) as any;
    expect(fetched).toMatchObject({ locationId: 'S001', dailyCapacity: 800, version: 2 });
    const list = (await (await fetch(`${service.baseUrl}/v1/locations`)).json()) as any;
    expect(list.items.map((l: { locationId: string }) => l.locationId)).toContain('S001');
  });

  it('says which fields of a bad profile are wrong and why', async () => {
    const bad = await put('S009', { ...store, lat: 123, dailyCapacity: -1, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('LOCATION.INVALID_PROFILE');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['(message)', 'dailyCapacity', 'lat'].sort());
    expect((await fetch(`${service.baseUrl}/v1/locations/S009`)).status).toBe(404);

    // What PostgreSQL could not store is a 400 naming the field, never a 500.
    const unstorable = await put('S009', { ...store, name: 'Wu\u0000lin', safetyStock: 3_000_000_000 });
    expect(unstorable.status).toBe(400);
    expect(unstorable.body.details).toEqual([
      { field: 'name', problem: 'contains the NUL character (U+0000), which cannot be stored' },
      { field: 'safetyStock', problem: expect.stringMatching(/1000000/) },
    ]);
  });

  it('takes any location id that events can carry (CJK, spaces), and says 400 for one PostgreSQL could not store or too long', async () => {
    const id = '杭州西湖店 1';
    expect((await put(encodeURIComponent(id), store)).status).toBe(201);
    const got = await fetch(`${service.baseUrl}/v1/locations/${encodeURIComponent(id)}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ locationId: id, name: store.name });
    for (const path of ['/v1/locations/S%00X', '/v1/locations/S%00X/stock', `/v1/locations?after=S%00X`]) {
      const refused = await fetch(`${service.baseUrl}${path}`);
      expect(refused.status, path).toBe(400);
      expect(await refused.json()).toMatchObject({
        code: 'LOCATION.INVALID_ID',
        details: [{ field: path.includes('after') ? 'after' : 'locationId' }],
      });
    }
    const tooLong = await put('S'.repeat(201), store);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({
      code: 'LOCATION.INVALID_ID',
      error: 'a location id is 1 to 200 characters, none of them NUL (U+0000)',
    });
  });

  it('keeps safety stock back from available and counts only shipping locations in online ATP', async () => {
    await put('W01', { ...store, type: 'warehouse', name: 'Xiaoshan DC', pickup: false, safetyStock: 5 });
    await put('S002', { ...store, name: 'Wulin', shipsOnline: false, safetyStock: 0 });
    const { topics } = service.config.kafka;
    await sendJson(
      producer,
      topics.stockMovements,
      ['W01', 'S002', 'S001'].map((locationId, i) => ({
        key: locationId,
        value: {
          eventId: `atp-${i}`,
          type: 'StockReceived',
          occurredAt: '2026-11-11T00:00:00Z',
          locationId,
          lines: [{ sku: 'ATP-1', quantity: 10 }],
        },
      })),
    );
    const stock = await eventually(async () => {
      const body = (await (await fetch(`${service.baseUrl}/v1/stock/ATP-1`)).json()) as any;
      expect(body.onHand).toBe(30);
      return body;
    });
    // S001: 10 - 2 = 8; W01: 10 - 5 = 5; S002 does not ship online.
    expect(stock.locations).toEqual([
      { locationId: 'S001', onHand: 10, reserved: 0, available: 8, inTransit: 0 },
      { locationId: 'S002', onHand: 10, reserved: 0, available: 10, inTransit: 0 },
      { locationId: 'W01', onHand: 10, reserved: 0, available: 5, inTransit: 0 },
    ]);
    expect(stock.onlineAvailableToPromise).toBe(13);
  });

  it('finds pickup stores with the SKU available near a point, nearest first', async () => {
    const near = { ...store, name: 'Near', lat: 30.262, lng: 120.152, safetyStock: 0 };
    await put('P-NEAR', near);
    await put('P-MID', { ...near, name: 'Mid', lat: 30.276, lng: 120.163 });
    await put('P-FAR', { ...near, name: 'Far', lat: 30.42, lng: 120.3 });
    await put('P-NOPICKUP', { ...near, name: 'No pickup', pickup: false });
    await put('P-WAREHOUSE', { ...near, type: 'warehouse', name: 'DC' });
    await put('P-SAFETY', { ...near, name: 'Kept back', safetyStock: 5 });
    const { topics } = service.config.kafka;
    await sendJson(
      producer,
      topics.stockMovements,
      ['P-NEAR', 'P-MID', 'P-FAR', 'P-NOPICKUP', 'P-WAREHOUSE', 'P-SAFETY'].map((locationId, i) => ({
        key: locationId,
        value: {
          eventId: `pk-${i}`,
          type: 'StockReceived',
          occurredAt: '2026-11-11T00:00:00Z',
          locationId,
          lines: [{ sku: 'PK-1', quantity: locationId === 'P-MID' ? 2 : 5 }],
        },
      })),
    );
    const url = `${service.baseUrl}/v1/stock/PK-1/pickup?lat=30.259&lng=120.15&radiusKm=5`;
    const body = await eventually(async () => {
      const answer = (await (await fetch(url)).json()) as any;
      expect(answer.stores).toHaveLength(2);
      return answer;
    });
    expect(body.sku).toBe('PK-1');
    expect(body.stores.map((s: { locationId: string; available: number }) => [s.locationId, s.available])).toEqual([
      ['P-NEAR', 5],
      ['P-MID', 2],
    ]);
    expect(body.stores[0].distanceKm).toBeLessThan(body.stores[1].distanceKm);

    const bad = await fetch(`${service.baseUrl}/v1/stock/PK-1/pickup?lat=91&lng=x`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).details.map((d: { field: string }) => d.field).sort()).toEqual(['lat', 'lng']);
  });

  it("pages one location's stock in SKU order", async () => {
    await registerLocations(service.baseUrl, ['PAGED'], service.operatorHeaders);
    const { topics } = service.config.kafka;
    await sendJson(producer, topics.stockMovements, [
      {
        key: 'PAGED',
        value: {
          eventId: 'pg-1',
          type: 'StockReceived',
          occurredAt: '2026-11-11T00:00:00Z',
          locationId: 'PAGED',
          lines: ['C', 'A', 'B'].map((sku) => ({ sku, quantity: 1 })),
        },
      },
    ]);
    const first = await eventually(async () => {
      const page = (await (await fetch(`${service.baseUrl}/v1/locations/PAGED/stock?limit=2`)).json()) as any;
      expect(page.items).toHaveLength(2);
      return page;
    });
    expect(first.items.map((i: { sku: string }) => i.sku)).toEqual(['A', 'B']);
    expect(first.next).toBe('B');
    const second = (await (await fetch(`${service.baseUrl}/v1/locations/PAGED/stock?limit=2&after=B`)).json()) as any;
    expect(second.items.map((i: { sku: string }) => i.sku)).toEqual(['C']);
    expect(second.next).toBeNull();
    expect((await fetch(`${service.baseUrl}/v1/locations/PAGED/stock?limit=5000`)).status).toBe(400);
  });

  it("lets a SKU's own safety stock override the location's, and lists it as low stock at its reorder point", async () => {
    // ATP-1 at S001: 10 on hand, location safety stock 2 (earlier test). Now the SKU keeps 4 back, reorder at 7.
    const url = `${service.baseUrl}/v1/locations/S001/skus/ATP-1/policy`;
    const put = (body: unknown) =>
      fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...service.operatorHeaders },
        body: JSON.stringify(body),
      });
    const created = await put({ safetyStock: 4, reorderPoint: 7, reorderQuantity: 20 });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      locationId: 'S001',
      sku: 'ATP-1',
      safetyStock: 4,
      reorderPoint: 7,
      reorderQuantity: 20,
      version: 1,
    });
    expect((await put({ safetyStock: 4, reorderPoint: 7, reorderQuantity: 20 })).status).toBe(200);

    const stock = (await (await fetch(`${service.baseUrl}/v1/stock/ATP-1`)).json()) as any;
    expect(stock.locations.find((l: { locationId: string }) => l.locationId === 'S001')).toMatchObject({ onHand: 10, available: 6 });
    expect(stock.onlineAvailableToPromise).toBe(6 + 5);

    const low = (await (await fetch(`${service.baseUrl}/v1/stock-alerts/low`)).json()) as any;
    expect(low.items).toContainEqual({ locationId: 'S001', sku: 'ATP-1', available: 6, reorderPoint: 7, reorderQuantity: 20 });

    const bad = await put({ safetyStock: -1, reorderQuantity: 0 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).details.map((d: { field: string }) => d.field).sort()).toEqual(['reorderQuantity', 'safetyStock']);
  });

  it("stamps pickup, a location's stock and the alert lists with the stock view's position and ETag, waits for minPosition, and shows sales velocity", async () => {
    await registerLocations(service.baseUrl, ['VELO'], service.operatorHeaders);
    const { topics } = service.config.kafka;
    const now = new Date().toISOString();
    await sendJson(producer, topics.stockMovements, [
      {
        key: 'VELO',
        value: { eventId: 'velo-1', type: 'StockReceived', occurredAt: now, locationId: 'VELO', lines: [{ sku: 'VEL-1', quantity: 20 }] },
      },
    ]);
    await sendJson(producer, topics.offlineSales, [
      {
        key: 'VELO',
        value: {
          eventId: 'velo-2',
          type: 'StoreSaleRecorded',
          occurredAt: now,
          storeId: 'VELO',
          receiptId: 'R-V',
          lines: [{ sku: 'VEL-1', quantity: 7 }],
        },
      },
    ]);
    const { position } = await eventually(async () => {
      const stock = (await (await fetch(`${service.baseUrl}/v1/stock/VEL-1`)).json()) as { onHand: number; position: string };
      expect(stock.onHand).toBe(13);
      return stock;
    });

    // 7 sold today at VELO: 1 a day over the last 7 days, so 13 available last 13 days.
    await eventually(async () => {
      const page = (await (await fetch(`${service.baseUrl}/v1/locations/VELO/stock`)).json()) as any;
      expect(page.items).toEqual([
        expect.objectContaining({ sku: 'VEL-1', onHand: 13, available: 13, unitsSoldPerDay: 1, daysOfCover: 13 }),
      ]);
    });

    const views = [
      `/v1/stock/VEL-1/pickup?lat=30.259&lng=120.15`,
      `/v1/locations/VELO/stock?limit=10`,
      `/v1/stock-alerts/negative?limit=10`,
      `/v1/stock-alerts/low?limit=10`,
    ];
    // Positions are `<transaction>.<global position>`, ordered by the transaction, then the position.
    const [transaction, global] = position.split('.').map(BigInt) as [bigint, bigint];
    const reaches = (answered: string) => {
      const [t, g] = answered.split('.').map(BigInt) as [bigint, bigint];
      return t > transaction || (t === transaction && g >= global);
    };
    for (const view of views) {
      const answer = await fetch(`${service.baseUrl}${view}&minPosition=${position}`);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { position: string };
      expect(body.position).toMatch(/^\d+\.\d+$/);
      expect(reaches(body.position)).toBe(true);
      // The ETag carries the position: asked again with it, and nothing changed, the answer is 304.
      const etag = answer.headers.get('etag')!;
      expect(etag).toMatch(new RegExp(`^"${body.position.replace('.', '\\.')}-`));
      expect((await fetch(`${service.baseUrl}${view}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    const ahead = `${transaction + 1000n}.${global + 1000n}`;
    const behind = await Promise.all(views.map((view) => fetch(`${service.baseUrl}${view}&minPosition=${ahead}`)));
    expect(behind.map((answer) => [answer.status, answer.headers.get('retry-after')])).toEqual(views.map(() => [503, '1']));
    const invalid = await Promise.all(
      views.map(async (view) => (await fetch(`${service.baseUrl}${view}&minPosition=soon`)).json() as Promise<any>),
    );
    expect(invalid.map((body) => body.details)).toEqual(views.map(() => [{ field: 'minPosition', problem: '"soon" is not a position' }]));
  });
});
