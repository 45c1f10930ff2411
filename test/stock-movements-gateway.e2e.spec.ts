import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { bearer, issueTestOperatorKey } from './support/operator-keys';
import { eventually } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

/** POST /v1/stock/movements (contract v1.1): receipts, adjustments and counts for systems without Kafka. */
let service: RunningTestService;
const WAREHOUSE = 'W-HTTP 1';

beforeAll(async () => {
  service = await startTestService();
  await registerLocations(service.baseUrl, { [WAREHOUSE]: { type: 'warehouse' } }, service.operatorHeaders);
});
afterAll(async () => {
  await service?.stop();
});

async function postMovement(
  body: unknown,
  headers: Record<string, string> = service.operatorHeaders,
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${service.baseUrl}/v1/stock/movements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function onHandAt(sku: string, locationId: string): Promise<number | undefined> {
  const body = (await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as {
    locations: Array<{ locationId: string; onHand: number }>;
  };
  return body.locations.find((l) => l.locationId === locationId)?.onHand;
}

const now = () => new Date().toISOString();

describe('POST /v1/stock/movements', () => {
  it('writes a receipt, an adjustment and a count to retail.stock.movements and answers 202; ingestion applies each once, retries included', async () => {
    const receipt = {
      eventId: 'mv-http-1',
      type: 'StockReceived',
      occurredAt: now(),
      locationId: WAREHOUSE,
      lines: [{ sku: 'HTTP-SKU', quantity: 40 }],
    };
    const accepted = await postMovement(receipt);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ eventId: 'mv-http-1', topic: service.config.kafka.topics.stockMovements });
    await eventually(async () => expect(await onHandAt('HTTP-SKU', WAREHOUSE)).toBe(40));

    // A retry of the same eventId (the client did not see the 202) is accepted and has no second effect.
    expect((await postMovement(receipt)).status).toBe(202);
    const adjustment = {
      eventId: 'mv-http-2',
      type: 'StockAdjusted',
      occurredAt: now(),
      locationId: WAREHOUSE,
      reason: 'damaged',
      lines: [{ sku: 'HTTP-SKU', delta: -3 }],
    };
    expect((await postMovement(adjustment)).status).toBe(202);
    await eventually(async () => expect(await onHandAt('HTTP-SKU', WAREHOUSE)).toBe(37));

    const count = {
      eventId: 'mv-http-3',
      type: 'StockCounted',
      occurredAt: now(),
      locationId: WAREHOUSE,
      lines: [{ sku: 'HTTP-SKU', countedQuantity: 30 }],
    };
    expect((await postMovement(count)).status).toBe(202);
    await eventually(async () => expect(await onHandAt('HTTP-SKU', WAREHOUSE)).toBe(30));
    // The count would hide a receipt counted twice, so the retry must show as a duplicate on this instance.
    const metrics = await (await fetch(`${service.baseUrl}/metrics`, { headers: service.operatorHeaders })).text();
    const topic = service.config.kafka.topics.stockMovements;
    const duplicates = metrics.split('\n').find((line) => line.startsWith(`inventory_inbound_duplicates_total{topic="${topic}"}`));
    expect(Number(duplicates?.split(' ').pop())).toBe(1);
  });

  it('answers 400 naming each field that is not valid, the occurredAt window included, and writes nothing', async () => {
    const bad = await postMovement({
      eventId: '',
      type: 'StockReceived',
      occurredAt: now(),
      locationId: WAREHOUSE,
      lines: [{ sku: 'HTTP-SKU', quantity: 0 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MOVEMENT.INVALID_EVENT');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['eventId', 'lines.0.quantity']);

    const unknownType = await postMovement({
      eventId: 'mv-bad-type',
      type: 'StockSold',
      occurredAt: now(),
      locationId: WAREHOUSE,
      lines: [{ sku: 'X', quantity: 1 }],
    });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.details.map((d: { field: string }) => d.field)).toContain('type');

    const future = await postMovement({
      eventId: 'mv-future',
      type: 'StockCounted',
      occurredAt: '2066-01-01T00:00:00Z',
      locationId: WAREHOUSE,
      lines: [{ sku: 'HTTP-SKU', countedQuantity: 0 }],
    });
    expect(future.status).toBe(400);
    expect(future.body.details).toEqual([expect.objectContaining({ field: 'occurredAt' })]);
    // The count dated 2066 was never written: on-hand stays as the valid movements left it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await onHandAt('HTTP-SKU', WAREHOUSE)).toBe(30);
  });

  it('needs an operator key that may write movements: 401 without one, 403 for a key without the scope', async () => {
    const body = {
      eventId: 'mv-auth',
      type: 'StockReceived',
      occurredAt: now(),
      locationId: WAREHOUSE,
      lines: [{ sku: 'HTTP-SKU', quantity: 1 }],
    };
    const anonymous = await postMovement(body, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const readOnly = bearer(await issueTestOperatorKey(service.app, ['orders:read'], 'movements-read-only'));
    const forbidden = await postMovement(body, readOnly);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('ACCESS.SCOPE_MISSING');
    const writer = bearer(await issueTestOperatorKey(service.app, ['movements:write'], 'movements-writer'));
    expect((await postMovement(body, writer)).status).toBe(202);
  });
});
