import { TransactionRunner } from '@app/event-store';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiKey } from '../apps/inventory-service/src/platform/access/api-keys';
import { revokeOperatorKey } from '../apps/inventory-service/src/platform/access/operator-keys';
import { OPERATOR_SCOPES, type OperatorScope } from '../apps/inventory-service/src/platform/access/operator-scopes';
import type { RouteAccess } from '../apps/inventory-service/src/platform/access/route-table';
import { servedRoutes } from '../apps/inventory-service/src/bootstrap';
import { issuePosKey } from '../apps/inventory-service/src/platform/access/pos-api-keys';
import { runCli } from './support/built-apps';
// Every answer read here is also checked against the service's OpenAPI document.
import { documentedFetch as fetch } from './support/documented-answers';
import { bearer, issueOperatorKeyWithCli, issueTestOperatorKey } from './support/operator-keys';
import { freePort, processTestEnv, ServiceProcess } from './support/service-process';
import { dropSchema } from './support/test-database';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

/*
 * Every route the running service serves (its route table, read through Nest's DiscoveryService),
 * called as its access rule says it may and may not be: a protected route answers 401 without a
 * key (or with an unknown, revoked or wrong kind of key), 403 with a key that lacks its scope and
 * 2xx with one that has it; an open route answers 2xx to anyone. The table drives the test: a new
 * protected route needs an example request below, or this test fails and says so.
 */

const STORE = 'ACC-S1';
const WAREHOUSE = 'ACC-W1';
const SKU = 'ACC-1';
const ORDER = 'ACC-O1';
const profile = (type: 'store' | 'warehouse') => ({
  type,
  name: type,
  lat: 30.25,
  lng: 120.15,
  shipsOnline: true,
  pickup: type === 'store',
  dailyCapacity: 100,
  safetyStock: 0,
});
let posSeq = 0;
const sale = (storeId: string) => ({
  eventId: `acc-pos-${(posSeq += 1)}`,
  type: 'StoreSaleRecorded',
  occurredAt: new Date().toISOString(),
  storeId,
  receiptId: `R-${posSeq}`,
  lines: [{ sku: SKU, quantity: 1 }],
});

interface Example {
  path: string;
  body?: () => unknown;
  /** A live stream: only its status is read. */
  stream?: boolean;
}

/** One request per route that a caller allowed in answers 2xx to, by "METHOD /route/{pattern}". */
const EXAMPLES: Record<string, Example> = {
  'PUT /v1/locations/{locationId}': { path: `/v1/locations/${STORE}`, body: () => profile('store') },
  'PUT /v1/locations/{locationId}/skus/{sku}/policy': {
    path: `/v1/locations/${STORE}/skus/${SKU}/policy`,
    body: () => ({ safetyStock: 0, reorderPoint: 1, reorderQuantity: 5 }),
  },
  'POST /v1/stock/movements': {
    path: '/v1/stock/movements',
    body: () => ({
      eventId: `acc-mv-${(posSeq += 1)}`,
      type: 'StockReceived',
      occurredAt: new Date().toISOString(),
      locationId: STORE,
      lines: [{ sku: SKU, quantity: 1 }],
    }),
  },
  'GET /v1/orders/{orderId}/fulfillment': { path: `/v1/orders/${ORDER}/fulfillment` },
  'GET /v1/dashboard/summary': { path: '/v1/dashboard/summary' },
  'GET /metrics': { path: '/metrics' },
  'POST /v1/pos/events': { path: '/v1/pos/events', body: () => sale(STORE) },
  'GET /v1/stock/{sku}': { path: `/v1/stock/${SKU}` },
  'GET /v1/stock': { path: `/v1/stock?skus=${SKU}` },
  'GET /v1/stock/stream': { path: `/v1/stock/stream?skus=${SKU}`, stream: true },
  'GET /v1/stock/{sku}/pickup': { path: `/v1/stock/${SKU}/pickup?lat=30.25&lng=120.15` },
  'GET /v1/locations/{locationId}/stock': { path: `/v1/locations/${STORE}/stock` },
  'GET /v1/stock-alerts/low': { path: '/v1/stock-alerts/low' },
  'GET /v1/stock-alerts/negative': { path: '/v1/stock-alerts/negative' },
  'GET /v1/locations': { path: '/v1/locations' },
  'GET /v1/locations/{locationId}': { path: `/v1/locations/${STORE}` },
  'GET /health/live': { path: '/health/live' },
  'GET /health/ready': { path: '/health/ready' },
  'GET /dashboard': { path: '/dashboard' },
  'GET /dashboard/{file}': { path: '/dashboard/dashboard.js' },
};

const nameOf = (route: RouteAccess) => `${route.method} ${route.path}`;
function exampleOf(route: RouteAccess): Example {
  const example = EXAMPLES[nameOf(route)];
  if (!example) throw new Error(`${nameOf(route)} has no example request: add one to EXAMPLES in test/operator-access.e2e.spec.ts`);
  return example;
}

interface Answer {
  status: number;
  authenticate: string | null;
  body: any;
}

async function call(baseUrl: string, route: RouteAccess, key: string | null): Promise<Answer> {
  const example = exampleOf(route);
  const controller = new AbortController();
  const body = example.body?.();
  const response = await fetch(`${baseUrl}${example.path}`, {
    method: route.method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? bearer(key) : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: controller.signal,
  });
  const authenticate = response.headers.get('www-authenticate');
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  if (example.stream && response.ok) {
    controller.abort();
    return { status: response.status, authenticate, body: null };
  }
  return { status: response.status, authenticate, body: isJson ? await response.json() : await response.text() };
}

function expectRefused(answer: Answer, status: 401 | 403, code: string, where: string): void {
  expect(answer.status, where).toBe(status);
  expect(answer.body, where).toEqual({
    error: expect.any(String),
    code,
    details: [expect.objectContaining({ field: 'authorization', problem: expect.any(String) })],
  });
  if (status === 401) expect(answer.authenticate, where).toMatch(/^Bearer\b/);
}

function expectAllowed(answer: Answer, where: string): void {
  expect(answer.status, `${where}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${where}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
}

/** A key with every scope but this one, and one with this one only. */
async function keysAround(issue: (scopes: OperatorScope[]) => Promise<string>, scope: OperatorScope) {
  return { without: await issue(OPERATOR_SCOPES.filter((s) => s !== scope)), only: await issue([scope]) };
}

describe('operator access on every route of the route table (storefront reads open)', () => {
  let service: RunningTestService;
  let producer: Producer;
  let routes: RouteAccess[];
  let posKey: string;
  let otherStorePosKey: string;

  beforeAll(async () => {
    service = await startTestService();
    producer = await connectedProducer(testKafka());
    routes = servedRoutes(service.app);
    const tx = service.app.get(TransactionRunner);
    posKey = (await tx.inTransaction((sql) => issuePosKey(sql, STORE))).apiKey;
    otherStorePosKey = (await tx.inTransaction((sql) => issuePosKey(sql, 'ACC-S2'))).apiKey;
    // An order to read the fulfillment of: a warehouse with stock ships it.
    for (const [id, type] of [
      [STORE, 'store'],
      [WAREHOUSE, 'warehouse'],
    ] as const) {
      const put = await fetch(`${service.baseUrl}/v1/locations/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...service.operatorHeaders },
        body: JSON.stringify(profile(type)),
      });
      expect(put.status).toBe(201);
    }
    const { topics } = service.config.kafka;
    await sendJson(producer, topics.stockMovements, [
      {
        key: WAREHOUSE,
        value: {
          eventId: 'acc-rcv-1',
          type: 'StockReceived',
          occurredAt: new Date().toISOString(),
          locationId: WAREHOUSE,
          lines: [{ sku: SKU, quantity: 10 }],
        },
      },
    ]);
    await eventually(async () =>
      expect(((await (await fetch(`${service.baseUrl}/v1/stock/${SKU}`)).json()) as { onHand: number }).onHand).toBe(10),
    );
    await sendJson(producer, topics.onlineOrders, [
      {
        key: ORDER,
        value: {
          eventId: 'acc-ord-1',
          type: 'OnlineOrderPlaced',
          occurredAt: new Date().toISOString(),
          orderId: ORDER,
          lines: [{ sku: SKU, quantity: 1 }],
          delivery: { mode: 'ship', lat: 30.26, lng: 120.16 },
        },
      },
    ]);
    await eventually(async () =>
      expect((await fetch(`${service.baseUrl}/v1/orders/${ORDER}/fulfillment`, { headers: service.operatorHeaders })).status).toBe(200),
    );
  }, 120_000);
  afterAll(async () => {
    await producer?.disconnect();
    await service?.stop();
  });

  it("reads the table from the running app: every route declares a rule, and the contract's protected routes are among them", () => {
    expect(routes.filter((route) => route.rule === null).map(nameOf)).toEqual([]);
    const protectedRoutes = routes.filter((route) => route.rule?.kind === 'operator').map(nameOf);
    expect(protectedRoutes).toEqual(
      expect.arrayContaining([
        'PUT /v1/locations/{locationId}',
        'PUT /v1/locations/{locationId}/skus/{sku}/policy',
        'GET /v1/orders/{orderId}/fulfillment',
        'GET /v1/dashboard/summary',
        'GET /metrics',
      ]),
    );
    for (const route of routes) exampleOf(route);
  });

  it('answers each operator route 401 without a key, with an unknown, revoked or POS key; 403 without its scope; 2xx with it', async () => {
    const revoked = await issueTestOperatorKey(service.app, null, 'acc-revoked');
    const unknown = mintApiKey('op').apiKey;
    const tx = service.app.get(TransactionRunner);
    const operatorRoutes = routes.filter((route) => route.rule?.kind === 'operator');
    expect(operatorRoutes.length).toBeGreaterThanOrEqual(5);
    expectAllowed(await call(service.baseUrl, operatorRoutes[0]!, revoked), 'before revocation');
    expect(await tx.inTransaction((sql) => revokeOperatorKey(sql, 'acc-revoked'))).toMatchObject({ name: 'acc-revoked' });
    for (const route of operatorRoutes) {
      const scope = (route.rule as { scope: OperatorScope }).scope;
      const where = `${nameOf(route)} (${scope})`;
      expectRefused(await call(service.baseUrl, route, null), 401, 'ACCESS.KEY_REQUIRED', `${where} without a key`);
      expectRefused(await call(service.baseUrl, route, unknown), 401, 'ACCESS.KEY_INVALID', `${where} with an unknown key`);
      expectRefused(await call(service.baseUrl, route, revoked), 401, 'ACCESS.KEY_INVALID', `${where} with a revoked key`);
      expectRefused(await call(service.baseUrl, route, posKey), 401, 'ACCESS.KEY_INVALID', `${where} with a POS key`);
      const { without, only } = await keysAround((scopes) => issueTestOperatorKey(service.app, scopes), scope);
      const refused = await call(service.baseUrl, route, without);
      expectRefused(refused, 403, 'ACCESS.SCOPE_MISSING', `${where} with every other scope`);
      expect(refused.body.error).toContain(scope);
      expectAllowed(await call(service.baseUrl, route, only), `${where} with its scope only`);
      expectAllowed(await call(service.baseUrl, route, service.operatorKey), `${where} with every scope`);
    }
  });

  it("answers each POS route 401 without a key or with an operator key, 403 with another store's key, 2xx with the store's", async () => {
    const posRoutes = routes.filter((route) => route.rule?.kind === 'posStore');
    expect(posRoutes.map(nameOf)).toEqual(['POST /v1/pos/events']);
    for (const route of posRoutes) {
      expectRefused(await call(service.baseUrl, route, null), 401, 'POS.KEY_REQUIRED', `${nameOf(route)} without a key`);
      expectRefused(
        await call(service.baseUrl, route, service.operatorKey),
        401,
        'POS.KEY_INVALID',
        `${nameOf(route)} with an operator key`,
      );
      const wrongStore = await call(service.baseUrl, route, otherStorePosKey);
      expect(wrongStore.status).toBe(403);
      expect(wrongStore.body).toMatchObject({ code: 'POS.WRONG_STORE', details: [{ field: 'storeId' }] });
      expectAllowed(await call(service.baseUrl, route, posKey), `${nameOf(route)} with the store's key`);
    }
  });

  it('answers open routes and, by default, storefront reads 2xx to anyone', async () => {
    const anyone = routes.filter((route) => route.rule?.kind === 'open' || route.rule?.kind === 'storefront');
    expect(anyone.map(nameOf)).toEqual(
      expect.arrayContaining(['GET /health/live', 'GET /health/ready', 'GET /v1/stock/{sku}', 'GET /v1/stock/stream']),
    );
    for (const route of anyone) expectAllowed(await call(service.baseUrl, route, null), `${nameOf(route)} without a key`);
    expect((await fetch(`${service.baseUrl}/docs-json`)).status).toBe(200);
  });
});

describe('STOREFRONT_READ_KEY_REQUIRED=true, and the log output of keyed requests', () => {
  const { schema, env } = processTestEnv('access', { STOREFRONT_READ_KEY_REQUIRED: 'true', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
  let inProcess: RunningTestService;
  let service: ServiceProcess;
  let routes: RouteAccess[];
  const keys: string[] = [];

  beforeAll(async () => {
    // The route table of the same code, read from an in-process app (the process is the built copy of it).
    inProcess = await startTestService();
    routes = servedRoutes(inProcess.app);
    service = new ServiceProcess(env, await freePort());
    await service.start();
    const registrar = await issueOperatorKeyWithCli(env, ['registrar', '--scopes', 'locations:write']);
    keys.push(registrar);
    const put = await fetch(`${service.baseUrl}/v1/locations/${STORE}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(registrar) },
      body: JSON.stringify(profile('store')),
    });
    expect(put.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await inProcess?.stop();
    await service?.stop();
    await dropSchema(schema);
  });

  it('puts every storefront read behind stock:read: 401 without a key, 403 without the scope, 2xx with it', async () => {
    const { without, only } = await keysAround(
      (scopes) => issueOperatorKeyWithCli(env, [`reader-${scopes.length}`, '--scopes', scopes.join(',')]),
      'stock:read',
    );
    keys.push(without, only);
    const storefront = routes.filter((route) => route.rule?.kind === 'storefront');
    expect(storefront.map(nameOf)).toEqual(
      expect.arrayContaining(['GET /v1/stock/{sku}', 'GET /v1/stock', 'GET /v1/stock/stream', 'GET /v1/stock/{sku}/pickup']),
    );
    for (const route of storefront) {
      expectRefused(await call(service.baseUrl, route, null), 401, 'ACCESS.KEY_REQUIRED', `${nameOf(route)} without a key`);
      expectRefused(await call(service.baseUrl, route, without), 403, 'ACCESS.SCOPE_MISSING', `${nameOf(route)} without stock:read`);
      expectAllowed(await call(service.baseUrl, route, only), `${nameOf(route)} with stock:read`);
    }
    for (const route of routes.filter((r) => r.rule?.kind === 'open'))
      expectAllowed(await call(service.baseUrl, route, null), `${nameOf(route)} stays open`);
  });

  it('writes no key and no Authorization header value to its log, whatever the answer', async () => {
    const operatorKey = await issueOperatorKeyWithCli(env, ['log-probe']);
    const issuedPos = await runCli(['issue-pos-key', STORE], env);
    const posKey = issuedPos.stdout.trimEnd().split('\n').pop()!;
    const unknownKey = mintApiKey('op').apiKey;
    keys.push(operatorKey, posKey, unknownKey);
    const put = (key: string, body: unknown) =>
      fetch(`${service.baseUrl}/v1/locations/${STORE}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...bearer(key) },
        body: JSON.stringify(body),
      });
    expect((await put(operatorKey, { ...profile('store'), name: 'logged' })).status).toBe(200);
    expect((await put(operatorKey, { ...profile('store'), lat: 'north' })).status).toBe(400);
    expect((await put(unknownKey, profile('store'))).status).toBe(401);
    expect((await put(posKey, profile('store'))).status).toBe(401);
    const pos = await fetch(`${service.baseUrl}/v1/pos/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(posKey) },
      body: JSON.stringify(sale('ACC-OTHER')),
    });
    expect(pos.status).toBe(403);
    expect((await fetch(`${service.baseUrl}/metrics`, { headers: bearer(operatorKey) })).status).toBe(200);
    // The requests were logged (LOG_LEVEL=debug writes a line per request) ...
    await eventually(async () => expect(service.log).toContain(`"url":"/v1/locations/${STORE}"`), { timeoutMs: 10_000, intervalMs: 100 });
    await eventually(async () => expect(service.log).toContain('"url":"/metrics"'), { timeoutMs: 10_000, intervalMs: 100 });
    const lines = service.log
      .split('\n')
      .filter((line) => line.includes('"context":"HttpRequest"'))
      .map((line) => JSON.parse(line) as Record<string, any>);
    const keyed = lines.filter((line) => line.headers?.authorization !== undefined);
    expect(keyed.length).toBeGreaterThanOrEqual(6);
    for (const line of keyed) expect(line.headers.authorization).toBe('[redacted]');
    const operatorKeyId = operatorKey.split('_')[1]!;
    expect(lines.filter((line) => line.url === '/metrics').map((line) => line.caller)).toContain(`operator ${operatorKeyId} (log-probe)`);
    // ... and not one secret is in the output.
    for (const key of keys) {
      expect(service.log).not.toContain(key);
      expect(service.log).not.toContain(key.split('_').slice(2).join('_')); // the secret (base64url: it may hold '_' itself)
    }
    expect(service.log).not.toMatch(/Bearer (op|pos)_/i);
  });
});
