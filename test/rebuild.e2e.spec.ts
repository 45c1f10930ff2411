import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
let producer: Producer;

beforeAll(async () => {
  service = await startTestService({ PROJECTION_BATCH_SIZE: '50' });
  await registerLocations(service.baseUrl, ['L1', 'L2', 'L3'], service.operatorHeaders);
  producer = await connectedProducer(testKafka());
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
});

const receipt = (i: number, locationId: string) => ({
  key: locationId,
  value: {
    eventId: `rb-${i}`,
    type: 'StockReceived',
    occurredAt: '2026-11-11T00:00:00Z',
    locationId,
    lines: [
      { sku: 'RB-1', quantity: 1 },
      { sku: 'RB-2', quantity: 2 },
    ],
  },
});

/** A table's storage parameters (fillfactor) and index names in the service's schema. */
async function storageOf(table: string): Promise<{ parameters: string[] | null; indexes: string[] }> {
  const client = new Client({ connectionString: service.config.database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ reloptions: string[] | null; indexes: string[] }>(
      `SELECT c.reloptions, array(SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid ORDER BY 1) AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [service.config.database.schema, table],
    );
    return { parameters: rows[0]?.reloptions ?? null, indexes: rows[0]?.indexes ?? [] };
  } finally {
    await client.end();
  }
}

async function onHand(sku: string): Promise<{ status: number; onHand?: number }> {
  const response = await fetch(`${service.baseUrl}/v1/stock/${sku}`);
  return { status: response.status, onHand: response.ok ? ((await response.json()) as { onHand: number }).onHand : undefined };
}

describe('inventory-cli rebuild', () => {
  it('rebuilds the stock view from the first event while the service keeps answering, and includes what arrives meanwhile', async () => {
    const { topics } = service.config.kafka;
    await sendJson(
      producer,
      topics.stockMovements,
      Array.from({ length: 400 }, (_, i) => receipt(i, i % 2 ? 'L1' : 'L2')),
    );
    await eventually(async () => expect((await onHand('RB-1')).onHand).toBe(400));

    const statuses: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) statuses.push((await onHand('RB-2')).status);
    })();
    const env = { DATABASE_URL: service.config.database.url, DATABASE_SCHEMA: service.config.database.schema, PROJECTION_BATCH_SIZE: '50' };
    const [result] = await Promise.all([
      runCli(['rebuild', 'stock-levels'], env),
      sendJson(
        producer,
        topics.stockMovements,
        Array.from({ length: 100 }, (_, i) => receipt(400 + i, 'L3')),
      ),
    ]);
    reading = false;
    await reader;

    expect(result.stderr).toMatch(/rebuild stock-levels \[/);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/rebuilt stock-levels: \d+ events .* now live/);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await eventually(async () => {
      expect((await onHand('RB-1')).onHand).toBe(500);
      expect((await onHand('RB-2')).onHand).toBe(1000);
    });
  });

  it('rebuilds every read model with "all", the inline location registry included, and keeps taking writes after', async () => {
    const profile = {
      type: 'store',
      name: 'Rebuilt',
      lat: 30.2,
      lng: 120.1,
      shipsOnline: true,
      pickup: false,
      dailyCapacity: 10,
      safetyStock: 1,
    };
    const put = (id: string, body: unknown) =>
      fetch(`${service.baseUrl}/v1/locations/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...service.operatorHeaders },
        body: JSON.stringify(body),
      });
    expect((await put('RB-S1', profile)).status).toBe(201);
    expect((await put('RB-S1', { ...profile, dailyCapacity: 20 })).status).toBe(200);
    const before = (await (await fetch(`${service.baseUrl}/v1/locations/RB-S1`)).json()) as Record<string, unknown>;

    const tables = ['stock_levels', 'daily_sales', 'locations', 'sku_policies'];
    const storageBefore = await Promise.all(tables.map(storageOf));
    const result = await runCli(['rebuild', 'all'], {
      DATABASE_URL: service.config.database.url,
      DATABASE_SCHEMA: service.config.database.schema,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rebuilt locations: .* now live/);
    expect(result.stdout).toMatch(/rebuilt stock-levels: .* now live/);
    // The rebuilt tables keep their index names (which migrations refer to) and the room the migrations left on each page for in-place updates.
    expect(storageBefore[0]).toEqual({
      parameters: ['fillfactor=80'],
      indexes: ['stock_levels_location_sku_idx', 'stock_levels_negative_idx', 'stock_levels_pkey'],
    });
    expect(storageBefore[1]).toMatchObject({ parameters: ['fillfactor=80'] });
    expect(await Promise.all(tables.map(storageOf))).toEqual(storageBefore);

    expect(await (await fetch(`${service.baseUrl}/v1/locations/RB-S1`)).json()).toEqual(before);
    expect((await put('RB-S1', { ...profile, dailyCapacity: 30 })).status).toBe(200);
    expect(await (await fetch(`${service.baseUrl}/v1/locations/RB-S1`)).json()).toMatchObject({ dailyCapacity: 30, version: 3 });
  });

  it('says what is wrong and exits non-zero for a read model it does not know', async () => {
    const result = await runCli(['rebuild', 'no-such-view'], { DATABASE_SCHEMA: service.config.database.schema });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no read model "no-such-view"/);
  });
});
