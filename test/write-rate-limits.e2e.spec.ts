import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { bearer, issueTestOperatorKey } from './support/operator-keys';
import { startTestService, type RunningTestService } from './support/test-service';

/** Writes are limited per key and per client address, so one client cannot crowd out the rest. */
let service: RunningTestService;

beforeAll(async () => {
  service = await startTestService({ WRITE_RATE_LIMIT_PER_KEY_PER_MINUTE: '3', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '5' });
});
afterAll(async () => {
  await service?.stop();
});

const profile = {
  type: 'store',
  name: 'rate test',
  lat: 30.25,
  lng: 120.15,
  shipsOnline: false,
  pickup: false,
  dailyCapacity: 0,
  safetyStock: 0,
};
const put = (headers: Record<string, string>, id: string) =>
  fetch(`${service.baseUrl}/v1/locations/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(profile),
  });

describe('write rate limits', () => {
  it('refuses a key past its writes a minute with 429, Retry-After and the field at fault; reads are not counted; the address limit holds for every key', async () => {
    const first = bearer(await issueTestOperatorKey(service.app, null, 'rate-first'));
    for (let i = 0; i < 3; i += 1) expect((await put(first, `RATE-${i}`)).status).toBeLessThan(300);
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${service.baseUrl}/v1/locations/RATE-0`)).status).toBe(200);

    const overKey = await put(first, 'RATE-3');
    expect(overKey.status).toBe(429);
    expect(Number(overKey.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await overKey.json()) as { code: string; details: Array<{ field: string }> };
    expect(body.code).toBe('RATE.TOO_MANY_WRITES');
    expect(body.details.map((d) => d.field)).toEqual(['authorization']);

    // Another key has writes of its own, until the address has made its five.
    const second = bearer(await issueTestOperatorKey(service.app, null, 'rate-second'));
    expect((await put(second, 'RATE-4')).status).toBeLessThan(300);
    expect((await put(second, 'RATE-5')).status).toBeLessThan(300);
    const overAddress = await put(second, 'RATE-6');
    expect(overAddress.status).toBe(429);
    expect(((await overAddress.json()) as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(['address']);
    // A write without a key is refused by the access guard, which runs first.
    expect((await put({}, 'RATE-7')).status).toBe(401);
  });
});
