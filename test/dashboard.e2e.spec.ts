import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TransactionRunner } from '@app/event-store';
import type { Producer } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiKey } from '../apps/inventory-service/src/platform/access/api-keys';
import { enqueueOutboxMessages } from '../apps/inventory-service/src/outbox/outbox';
import { apiDocumentOf, documentedFetch as fetch, mediaTypeOf } from './support/documented-answers';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

/** The Debian package's browser (infra/install-chromium.sh installs it); Playwright's own browsers are never downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(__dirname, 'artifacts/dashboard.png');

// Hangzhou: three stores and a warehouse south-east of them.
const LOCATIONS = {
  S001: { type: 'store', name: 'West Lake', lat: 30.259, lng: 120.15, shipsOnline: true, pickup: true, dailyCapacity: 300, safetyStock: 0 },
  S002: { type: 'store', name: 'Wulin', lat: 30.276, lng: 120.163, shipsOnline: true, pickup: true, dailyCapacity: 300, safetyStock: 0 },
  S003: {
    type: 'store',
    name: 'Binjiang',
    lat: 30.208,
    lng: 120.212,
    shipsOnline: false,
    pickup: true,
    dailyCapacity: 200,
    safetyStock: 0,
  },
  W01: {
    type: 'warehouse',
    name: 'Xiaoshan DC',
    lat: 30.18,
    lng: 120.27,
    shipsOnline: true,
    pickup: false,
    dailyCapacity: 5000,
    safetyStock: 0,
  },
} as const;

let service: RunningTestService;
let producer: Producer;
let browser: Browser;
let page: Page;
let eventSeq = 0;
const offSite: string[] = [];
const pageErrors: string[] = [];
/** Every URL the page asked for, and the Authorization header of each request to the service. */
const requested: string[] = [];
const authorizationSent = new Map<string, Set<string>>();
/** What the service answered for each of the page's own files the browser loaded (GET /dashboard/{file}). */
const pageFileAnswers = new Map<string, { status: number; type: string | undefined }>();
/** Every answer the page itself got from the service (its body too when JSON), for the last test to check against the document. */
const pageAnswers: Array<Promise<{ method: string; path: string; status: number; type: string | null; body?: unknown; unread?: string }>> =
  [];
/** While a wrong key (or an unknown order) is tried, Chromium reports the refused request (401, 404) on the console: expected then only. */
let expectingRefusal = false;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'bash infra/install-chromium.sh' (infra/test.sh does)`);
  service = await startTestService();
  producer = await connectedProducer(testKafka());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, timezoneId: 'UTC' });
  // Only this service, on 127.0.0.1, may be reached: anything else is refused and reported.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    if (url.startsWith(`${service.baseUrl}/`)) {
      const { pathname } = new URL(url);
      const sent = authorizationSent.get(pathname) ?? new Set<string>();
      sent.add(route.request().headers().authorization ?? '(none)');
      authorizationSent.set(pathname, sent);
    }
    if (url.startsWith(`${service.baseUrl}/`) || url.startsWith('data:')) return route.continue();
    offSite.push(url);
    return route.abort();
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin === service.baseUrl) {
      const answer = { method: response.request().method(), path: url.pathname, status: response.status() };
      const type = response.headers()['content-type'] ?? null;
      const body = mediaTypeOf(type) === 'application/json' ? response.json() : Promise.resolve(undefined);
      pageAnswers.push(
        body.then(
          (body: unknown) => ({ ...answer, type, body }),
          (error: Error) => ({ ...answer, type, unread: error.message }),
        ),
      );
    }
    if (url.origin === service.baseUrl && url.pathname.startsWith('/dashboard/'))
      pageFileAnswers.set(url.pathname, { status: response.status(), type: response.headers()['content-type'] });
  });
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !(expectingRefusal && /status of 40[14]/.test(message.text())))
      pageErrors.push(`console: ${message.text()}`);
  });
});
afterAll(async () => {
  await browser?.close();
  await producer?.disconnect();
  await service?.stop();
});

async function put(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...service.operatorHeaders },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

function receipt(locationId: string, sku: string, quantity: number) {
  eventSeq += 1;
  const value = {
    eventId: `dash-${eventSeq}`,
    type: 'StockReceived',
    occurredAt: new Date(Date.UTC(2026, 10, 11, 8, 0, eventSeq)).toISOString(),
    locationId,
    lines: [{ sku, quantity }],
  };
  return { key: locationId, value };
}

function sale(storeId: string, sku: string, quantity: number) {
  eventSeq += 1;
  const value = {
    eventId: `dash-${eventSeq}`,
    type: 'StoreSaleRecorded',
    occurredAt: new Date(Date.UTC(2026, 10, 11, 8, 0, eventSeq)).toISOString(),
    storeId,
    receiptId: `R-${eventSeq}`,
    lines: [{ sku, quantity }],
  };
  return { key: storeId, value };
}

/** The commands this test queued (the service may queue its own too, e.g. a replenishment), in the order given. */
function ours(commands: Array<{ commandId: string; published: boolean }>) {
  return commands.filter((c) => c.commandId === 'c-1' || c.commandId === 'c-2');
}

async function summary(): Promise<any> {
  const response = await fetch(`${service.baseUrl}/v1/dashboard/summary`, { headers: service.operatorHeaders });
  expect(response.status).toBe(200);
  return response.json();
}

/** What the map shows: on-hand per location id. */
function mapOnHand(): Promise<Record<string, number>> {
  return page.$$eval('[data-testid="map-location"]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.getAttribute('data-location-id'), Number(n.getAttribute('data-on-hand'))])),
  );
}

async function shown(testId: string): Promise<string | null> {
  return page.getAttribute(`[data-testid="${testId}"]`, 'data-value');
}

async function markCentre(locationId: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`[data-location-id="${locationId}"] .mark`).boundingBox();
  if (!box) throw new Error(`${locationId} is not drawn`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const soon = { timeoutMs: 15_000, intervalMs: 100 };

describe('GET /dashboard in headless Chromium', () => {
  it('serves one page that loads nothing but its own files from this service, and runs no inline script or style', async () => {
    const response = await fetch(`${service.baseUrl}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = await response.text();
    // What it loads: a data: icon and exactly its own stylesheets and script, same origin; nothing inline.
    const loads = Array.from(html.matchAll(/<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]*)"/gi), (match) => match[1]);
    expect(loads).toEqual(['data:,', '/dashboard/dashboard.css', '/dashboard/charts.css', '/dashboard/dashboard.js']);
    expect(html).not.toMatch(/<style|<script(?![^>]*\ssrc=)|\sstyle=|\son\w+=/i);
    expect(html).toContain('data-testid="stock-map"');
    for (const [path, type] of [
      ['/dashboard/dashboard.css', 'text/css; charset=utf-8'],
      ['/dashboard/charts.css', 'text/css; charset=utf-8'],
      ['/dashboard/dashboard.js', 'text/javascript; charset=utf-8'],
    ]) {
      const file = await fetch(`${service.baseUrl}${path}`);
      expect(file.status, path).toBe(200);
      expect(file.headers.get('content-type'), path).toBe(type);
      expect(file.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect((await file.text()).length, path).toBeGreaterThan(0);
    }
    // Only the built page's own files: not its sources, not its HTML under another name, nothing else.
    for (const path of ['/dashboard/nope.js', '/dashboard/dashboard.ts', '/dashboard/dashboard.html', '/dashboard/..%2Fmain.js']) {
      const refused = await fetch(`${service.baseUrl}${path}`);
      expect(refused.status, path).toBe(404);
      expect(await refused.json(), path).toMatchObject({ code: 'DASHBOARD.NO_SUCH_FILE' });
    }
  });

  it('asks for an operator key first: says so when it is wrong, keeps the right one in session storage and sends it as a header, never in a URL', async () => {
    await page.goto(`${service.baseUrl}/dashboard?sku=DASH-1`);
    expect(await page.isVisible('[data-testid="signin-form"]')).toBe(true);
    expect(await page.isVisible('[data-testid="stock-map"]')).toBe(false);

    const wrongKey = mintApiKey('op').apiKey;
    expectingRefusal = true;
    await page.fill('[data-testid="signin-key"]', wrongKey);
    await page.click('[data-testid="signin-form"] button[type="submit"]');
    await eventually(
      async () => expect(await page.textContent('[data-testid="signin-error"]')).toContain('not an active operator key'),
      soon,
    );
    expectingRefusal = false;
    expect(await page.evaluate('window.sessionStorage.length')).toBe(0);
    expect(await page.isVisible('[data-testid="stock-map"]')).toBe(false);

    await page.fill('[data-testid="signin-key"]', service.operatorKey);
    await page.press('[data-testid="signin-key"]', 'Enter');
    await eventually(async () => expect(await page.isVisible('[data-testid="stock-map"]')).toBe(true), soon);
    expect(await page.isVisible('[data-testid="signin-form"]')).toBe(false);
    expect(await page.evaluate('Object.values(window.sessionStorage)')).toEqual([service.operatorKey]);
    await eventually(async () => expect(await page.textContent('[data-testid="stream-status"]')).toBe('live'), soon);
    expect(authorizationSent.get('/v1/dashboard/summary')).toEqual(new Set([`Bearer ${wrongKey}`, `Bearer ${service.operatorKey}`]));
    expect(authorizationSent.get('/v1/stock/stream')).toEqual(new Set([`Bearer ${service.operatorKey}`]));
  });

  it('shows the SKU at each location on the map, the alerts, the recent commands and readiness', async () => {
    for (const [locationId, profile] of Object.entries(LOCATIONS)) expect(await put(`/v1/locations/${locationId}`, profile)).toBe(201);
    expect(await put('/v1/locations/S002/skus/DASH-1/policy', { safetyStock: 1, reorderPoint: 10, reorderQuantity: 24 })).toBe(201);
    const { topics } = service.config.kafka;
    await sendJson(producer, topics.stockMovements, [
      receipt('S001', 'DASH-1', 12),
      receipt('S002', 'DASH-1', 7),
      receipt('W01', 'DASH-1', 100),
      receipt('S001', 'DASH-2', 4),
    ]);
    await sendJson(producer, topics.offlineSales, [sale('S003', 'DASH-1', 2)]);
    // Two logistics commands queued the way the service queues them: through the outbox, in a transaction.
    const commands = [
      {
        commandId: 'c-1',
        type: 'TransferStock',
        issuedAt: '2026-11-11T08:01:00Z',
        transferId: 'T-1',
        fromLocationId: 'W01',
        toLocationId: 'S002',
        lines: [{ sku: 'DASH-1', quantity: 24 }],
      },
      {
        commandId: 'c-2',
        type: 'DispatchFulfillment',
        issuedAt: '2026-11-11T08:02:00Z',
        fulfillmentId: 'F-1',
        orderId: 'O-1',
        fromLocationId: 'S001',
        lines: [{ sku: 'DASH-1', quantity: 1 }],
        delivery: { mode: 'ship', lat: 30.27, lng: 120.15 },
      },
    ];
    await service.app.get(TransactionRunner).inTransaction((sql) =>
      enqueueOutboxMessages(
        sql,
        commands.map((command) => ({
          topic: topics.logisticsCommands,
          key: Buffer.from(command.fromLocationId),
          value: Buffer.from(JSON.stringify(command)),
          headers: {},
        })),
      ),
    );

    // The summary the page polls, once the events are applied, in the stock view and the commands published.
    const body = await eventually(async () => {
      const s = await summary();
      expect(s.eventsApplied).toBe(5);
      expect(s.stockViewBacklog).toBe(0);
      expect(s.negativeStock).toHaveLength(1);
      expect(ours(s.recentCommands).map((c) => [c.commandId, c.published])).toEqual([
        ['c-2', true],
        ['c-1', true],
      ]);
      return s;
    }, soon);
    expect(ours(body.recentCommands)[1]).toEqual({ ...commands[0], published: true });
    expect(body.negativeStock).toEqual([expect.objectContaining({ locationId: 'S003', sku: 'DASH-1', onHand: -2 })]);
    expect(body.lowStock).toEqual([{ locationId: 'S002', sku: 'DASH-1', available: 6, reorderPoint: 10, reorderQuantity: 24 }]);
    expect(body).toMatchObject({ ready: true, consumerLag: { total: 0 } });
    expect(typeof body.eventsPerSecond).toBe('number');

    await page.goto(`${service.baseUrl}/dashboard?sku=DASH-1`); // signed in still: the key is in this tab's session storage
    await eventually(async () => expect(await page.inputValue('[data-testid="sku-input"]')).toBe('DASH-1'), soon);
    await eventually(async () => expect(await mapOnHand()).toEqual({ S001: 12, S002: 7, S003: -2, W01: 100 }), soon);
    expect(await page.textContent('[data-location-id="S001"] [data-testid="map-qty"]')).toBe('12 on hand · 12 avail');
    expect(await page.textContent('[data-location-id="S003"] text.name')).toBe('S003');
    expect(await shown('sku-onhand')).toBe('117');
    // Stores are dots, the warehouse a square; laid out by coordinates (north up, east right).
    expect(await page.locator('[data-location-id="W01"] rect.mark').count()).toBe(1);
    expect(await page.locator('[data-type="store"] circle.mark').count()).toBe(3);
    const [s001, s002, w01] = [await markCentre('S001'), await markCentre('S002'), await markCentre('W01')];
    expect(w01.x).toBeGreaterThan(s001.x);
    expect(w01.y).toBeGreaterThan(s001.y);
    expect(s002.y).toBeLessThan(s001.y);
    expect(await page.textContent('[data-testid="stream-status"]')).toBe('live');

    await eventually(async () => expect(await shown('events-applied')).toBe('5'), soon);
    await eventually(async () => expect(await page.getAttribute('[data-testid="readiness"]', 'data-ready')).toBe('true'), soon);
    await eventually(async () => expect(await shown('consumer-lag')).toBe('0'), soon);
    const rows = (testId: string) =>
      page.$$eval(`[data-testid="${testId}"]`, (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent)),
      );
    await eventually(async () => expect(await rows('negative-alert-row')).toEqual([['S003', 'DASH-1', '-2']]), soon);
    expect(await rows('low-alert-row')).toEqual([['S002', 'DASH-1', '6', '10', '24']]);
    const commandRows = await page.$$eval('[data-testid="command-row"]', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-command-id'),
        ...Array.from(tr.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent),
      ]),
    );
    expect(commandRows.filter(([id]) => id === 'c-1' || id === 'c-2')).toEqual([
      ['c-2', '08:02:00', 'DispatchFulfillment', 'F-1', 'S001 → ship', 'DASH-1 × 1', 'published'],
      ['c-1', '08:01:00', 'TransferStock', 'T-1', 'W01 → S002', 'DASH-1 × 24', 'published'],
    ]);
  });

  it('changes the numbers and the event rate as more events are applied', async () => {
    // Let the first burst leave the rate's 5-second window, so the rate starts from 0.
    await eventually(async () => expect(await shown('event-rate')).toBe('0'), { timeoutMs: 20_000, intervalMs: 200 });
    const { topics } = service.config.kafka;
    const noise = Array.from({ length: 40 }, (_, i) => receipt('W01', `NOISE-${i}`, 1));
    await sendJson(producer, topics.stockMovements, [receipt('S001', 'DASH-1', 5), ...noise]);
    await sendJson(producer, topics.offlineSales, [sale('S002', 'DASH-1', 3)]);

    const rates: number[] = [];
    await eventually(
      async () => {
        rates.push(Number(await shown('event-rate')));
        expect(rates.some((rate) => rate > 0)).toBe(true);
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    await eventually(async () => expect(await mapOnHand()).toEqual({ S001: 17, S002: 4, S003: -2, W01: 100 }), soon);
    expect(await page.textContent('[data-location-id="S002"] [data-testid="map-qty"]')).toBe('4 on hand · 3 avail');
    expect(await shown('sku-onhand')).toBe('119');
    await eventually(async () => expect(await shown('events-applied')).toBe('47'), soon);

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('switches SKU from the picker and keeps following it live', async () => {
    await page.fill('[data-testid="sku-input"]', 'DASH-2');
    await page.press('[data-testid="sku-input"]', 'Enter');
    await eventually(async () => expect(await mapOnHand()).toEqual({ S001: 4, S002: 0, S003: 0, W01: 0 }), soon);
    expect(new URL(page.url()).searchParams.get('sku')).toBe('DASH-2');
    await sendJson(producer, service.config.kafka.topics.stockMovements, [receipt('S003', 'DASH-2', 6)]);
    await eventually(async () => expect(await mapOnHand()).toEqual({ S001: 4, S002: 0, S003: 6, W01: 0 }), soon);
    expect(await page.textContent('[data-testid="map-title"]')).toBe('Stock of DASH-2 by location');
  });

  it("shows an order's timeline when given an order id", async () => {
    await sendJson(producer, service.config.kafka.topics.onlineOrders, [
      {
        key: 'O-DASH',
        value: {
          eventId: 'dash-order-1',
          type: 'OnlineOrderPlaced',
          occurredAt: new Date().toISOString(),
          orderId: 'O-DASH',
          lines: [{ sku: 'DASH-1', quantity: 2 }],
          delivery: { mode: 'ship', lat: 30.26, lng: 120.151 },
        },
      },
    ]);
    const steps = () =>
      page.$$eval('[data-testid="timeline-step"]', (items) =>
        items.map((item) => [item.querySelector('b')?.textContent, item.getAttribute('data-state')]),
      );
    // Once the order is placed (the page's lookup of an unknown order is a 404 Chromium logs), look it up on the page.
    await eventually(async () => {
      const response = await fetch(`${service.baseUrl}/v1/orders/O-DASH/fulfillment`, { headers: service.operatorHeaders });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { fulfillments: unknown[] }).fulfillments).toHaveLength(1);
    }, soon);
    await page.fill('[data-testid="order-input"]', 'O-DASH');
    await page.press('[data-testid="order-input"]', 'Enter');
    await eventually(
      async () =>
        expect(await steps()).toEqual([
          ['O-DASH', 'open'],
          ['F-O-DASH-1', 'dispatched'],
        ]),
      soon,
    );
    expect(await page.textContent('[data-testid="order-timeline"]')).toContain('from S001: DASH-1 × 2');
    expect(authorizationSent.get('/v1/orders/O-DASH/fulfillment')).toEqual(new Set([`Bearer ${service.operatorKey}`]));

    expectingRefusal = true;
    await page.fill('[data-testid="order-input"]', 'O-NEVER');
    await page.press('[data-testid="order-input"]', 'Enter');
    await eventually(async () => expect(await page.textContent('[data-testid="order-error"]')).toBe('No order O-NEVER is known.'), soon);
    expectingRefusal = false;
    expect(await steps()).toEqual([]);
  });

  it('signs out: forgets the key and asks for one again', async () => {
    await page.click('[data-testid="signout"]');
    await eventually(async () => expect(await page.isVisible('[data-testid="signin-form"]')).toBe(true), soon);
    expect(await page.evaluate('window.sessionStorage.length')).toBe(0);
    await page.reload();
    expect(await page.isVisible('[data-testid="signin-form"]')).toBe(true);
  });

  it('reached nothing but the service, put no key in a URL and logged no errors', () => {
    expect(offSite).toEqual([]);
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => url.includes('op_') || url.includes(service.operatorKey.split('_').slice(2).join('_')))).toEqual([]);
    expect(pageErrors).toEqual([]);
    // Its stylesheets and modules (dashboard.js and what it imports) all loaded, each with its own content type.
    expect([...pageFileAnswers.keys()]).toEqual(
      expect.arrayContaining(['/dashboard/dashboard.css', '/dashboard/charts.css', '/dashboard/dashboard.js']),
    );
    for (const [path, answer] of pageFileAnswers)
      expect(answer, path).toEqual({
        status: 200,
        type: path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      });
  });

  it("got only answers the service's OpenAPI document describes", async () => {
    const document = await apiDocumentOf(service.baseUrl);
    const answers = await Promise.all(pageAnswers);
    expect(answers.map((answer) => answer.path)).toEqual(
      expect.arrayContaining(['/dashboard', '/v1/dashboard/summary', '/v1/stock/stream']),
    );
    for (const { method, path, status, type, body, unread } of answers) {
      expect(unread, `${method} ${path}: its body could not be read`).toBeUndefined();
      document.expectResponse(method, path, status, type, body);
    }
  });
});
