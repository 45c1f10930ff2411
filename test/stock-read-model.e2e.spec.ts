import { compareCheckpoints, parseViewPosition } from '@app/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLocationsInSchema } from './support/locations';
import { bearer, issueOperatorKeyWithCli } from './support/operator-keys';
import { freePort, processTestEnv, ServiceProcess } from './support/service-process';
import { dropSchema } from './support/test-database';
import { eventually } from './support/test-kafka';

/**
 * Two service processes on one schema, on real Kafka and PostgreSQL, each answering stock reads from
 * its in-process read model (STOCK_READ_MODEL=on, the default) before NestJS.
 */
const { schema, env } = processTestEnv('read_model', { MIN_POSITION_WAIT_MS: '2000' });
const instances: ServiceProcess[] = [];
let operator: Record<string, string>;

async function modelLoaded(instance: ServiceProcess): Promise<void> {
  await eventually(async () => expect(instance.log).toContain('stock read model loaded'), { timeoutMs: 30_000 });
}

beforeAll(async () => {
  await registerLocationsInSchema(schema, { S001: {}, S002: {} });
  operator = bearer(await issueOperatorKeyWithCli(env));
  for (let i = 0; i < 2; i += 1) {
    const instance = new ServiceProcess(env, await freePort());
    instances.push(instance);
    await instance.start();
  }
  await Promise.all(instances.map(modelLoaded));
}, 120_000);
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.kill()));
  await dropSchema(schema);
});

let received = 0;
async function receiveThrough(instance: ServiceProcess, sku: string): Promise<void> {
  received += 1;
  const response = await fetch(`${instance.baseUrl}/v1/stock/movements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...operator },
    body: JSON.stringify({
      eventId: `rm-${process.pid}-${received}`,
      type: 'StockReceived',
      occurredAt: new Date().toISOString(),
      locationId: 'S001',
      lines: [{ sku, quantity: 1 }],
    }),
  });
  expect(response.status).toBe(202);
}

async function stockOf(instance: ServiceProcess, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${instance.baseUrl}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: response.status === 200 ? ((await response.json()) as any) : null };
}

describe('stock reads from the in-process read model, two instances', () => {
  it('a change seen on one instance at a position is shown by the other for a read with that minPosition, every time', async () => {
    // Both ways round: whichever instance applies the batch learns of it at once, the other within its feed's poll.
    for (let round = 1; round <= 12; round += 1) {
      const [writer, reader] = round % 2 === 0 ? [instances[0]!, instances[1]!] : [instances[1]!, instances[0]!];
      await receiveThrough(writer, 'SKU-RYW');
      const seen = await eventually(
        async () => {
          const stock = await stockOf(writer, '/v1/stock/SKU-RYW');
          expect(stock.body?.onHand).toBe(round);
          return stock.body as { onHand: number; position: string };
        },
        { intervalMs: 5 },
      );
      const [one, many] = await Promise.all([
        stockOf(reader, `/v1/stock/SKU-RYW?minPosition=${seen.position}`),
        stockOf(reader, `/v1/stock?skus=SKU-RYW,SKU-OTHER&minPosition=${seen.position}`),
      ]);
      expect(one.status).toBe(200);
      expect(one.body.onHand).toBe(round);
      expect(compareCheckpoints(parseViewPosition(one.body.position)!, parseViewPosition(seen.position)!)).toBeGreaterThanOrEqual(0);
      expect(many.body.items[0].onHand).toBe(round);
      for (const item of many.body.items) {
        expect(compareCheckpoints(parseViewPosition(item.position)!, parseViewPosition(seen.position)!)).toBeGreaterThanOrEqual(0);
      }
    }
  }, 120_000);

  it('answers as the NestJS route does: body, ETag, headers and 304 (Cache-Control in the request leaves it to NestJS)', async () => {
    const [instance] = instances;
    for (const path of ['/v1/stock/SKU-RYW', '/v1/stock?skus=SKU-RYW,SKU-NONE', '/v1/stock/SKU-NONE']) {
      const fast = await stockOf(instance!, path, { 'x-correlation-id': 'same' });
      const nest = await stockOf(instance!, path, { 'x-correlation-id': 'same', 'cache-control': 'max-age=60' });
      expect(fast.body).toEqual(nest.body);
      const headersOf = (answer: typeof fast) => [...answer.headers].filter(([name]) => name !== 'date');
      expect(headersOf(fast)).toEqual(headersOf(nest));
      const etag = fast.headers.get('etag')!;
      expect((await stockOf(instance!, path, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    }
    const beyond = await stockOf(instance!, '/v1/stock/SKU-RYW?minPosition=999999999999.1');
    expect(beyond.status).toBe(503); // left to NestJS: it waits, then says the view is behind
  }, 30_000);

  it("shows a location's or a SKU policy's change at once on the instance that wrote it", async () => {
    const [instance] = instances;
    const put = async (path: string, body: unknown) => {
      const response = await fetch(`${instance!.baseUrl}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...operator },
        body: JSON.stringify(body),
      });
      expect([200, 201]).toContain(response.status);
    };
    await put('/v1/locations/S001/skus/SKU-RYW/policy', { safetyStock: 3 });
    const afterPolicy = (await stockOf(instance!, '/v1/stock/SKU-RYW')).body;
    expect(afterPolicy.available).toBe(afterPolicy.onHand - afterPolicy.reserved - 3); // S001's own safety stock no longer counts

    await receiveThrough(instance!, 'SKU-LOC');
    await eventually(async () => expect((await stockOf(instance!, '/v1/stock/SKU-LOC')).body.onHand).toBe(1));
    const {
      locationId: _,
      version: __,
      updatedAt: ___,
      ...s001
    } = (await (await fetch(`${instance!.baseUrl}/v1/locations/S001`)).json()) as any;
    await put('/v1/locations/S001', { ...s001, shipsOnline: !s001.shipsOnline });
    const afterLocation = (await stockOf(instance!, '/v1/stock/SKU-LOC')).body;
    expect(afterLocation.onlineAvailableToPromise).toBe(s001.shipsOnline ? 0 : Math.max(0, 1 - s001.safetyStock));
  }, 60_000);
});
