import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { bearer } from './support/operator-keys';
import { startTestService, type RunningTestService } from './support/test-service';

let service: RunningTestService;
let env: Record<string, string>;

beforeAll(async () => {
  service = await startTestService();
  env = { DATABASE_URL: service.config.database.url, DATABASE_SCHEMA: service.config.database.schema };
});
afterAll(async () => {
  await service?.stop();
});

const metricsWith = async (key: string) => (await fetch(`${service.baseUrl}/metrics`, { headers: bearer(key) })).status;
const summaryWith = async (key: string) => (await fetch(`${service.baseUrl}/v1/dashboard/summary`, { headers: bearer(key) })).status;
const putLocationWith = async (key: string) =>
  (
    await fetch(`${service.baseUrl}/v1/locations/CLI-S1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(key) },
      body: JSON.stringify({
        type: 'store',
        name: 'CLI',
        lat: 30.2,
        lng: 120.1,
        shipsOnline: true,
        pickup: true,
        dailyCapacity: 10,
        safetyStock: 0,
      }),
    })
  ).status;

describe('operator keys from the CLI', () => {
  it('issues a key printed once, alone on the last line, that may do everything without --scopes', async () => {
    const issued = await runCli(['issue-operator-key', 'alice@ops'], env);
    expect(issued.code, issued.stderr).toBe(0);
    const lines = issued.stdout.trimEnd().split('\n');
    const key = lines[lines.length - 1]!;
    expect(key).toMatch(/^op_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(lines.slice(0, -1).join('\n')).not.toContain(key.split('_').slice(2).join('_'));
    expect(issued.stdout).toContain('all (');
    expect(await metricsWith(key)).toBe(200);
    expect(await putLocationWith(key)).toBe(201);
  });

  it('issues a key with only the scopes given, and refuses an unknown scope or a name in use', async () => {
    const issued = await runCli(['issue-operator-key', 'prometheus', '--scopes', 'operations:read'], env);
    expect(issued.code, issued.stderr).toBe(0);
    const key = issued.stdout.trimEnd().split('\n').pop()!;
    expect(await metricsWith(key)).toBe(200);
    expect(await summaryWith(key)).toBe(200);
    expect(await putLocationWith(key)).toBe(403);

    const unknown = await runCli(['issue-operator-key', 'bob', '--scopes', 'operations:read,everything'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scope "everything"');
    const taken = await runCli(['issue-operator-key', 'prometheus'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already named "prometheus"');
    expect((await runCli(['issue-operator-key'], env)).code).toBe(2);
  });

  it('lists keys without a secret, and revokes by name or id with effect on the next request', async () => {
    const issued = await runCli(['issue-operator-key', 'carol'], env);
    const key = issued.stdout.trimEnd().split('\n').pop()!;
    const keyId = key.split('_')[1]!;
    expect(await metricsWith(key)).toBe(200);

    const listed = await runCli(['list-operator-keys'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId}\\s+carol\\s+active\\s`, 'm'));
    expect(listed.stdout).toMatch(/prometheus\s+active\s+\S+\s+operations:read$/m);
    expect(listed.stdout).not.toContain(key.split('_').slice(2).join('_'));
    expect(listed.stdout).not.toContain(service.operatorKey.split('_').slice(2).join('_'));

    const revoked = await runCli(['revoke-operator-key', 'carol'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked operator key ${keyId} "carol"`);
    expect(await metricsWith(key)).toBe(401);
    expect((await runCli(['list-operator-keys'], env)).stdout).toMatch(new RegExp(`^${keyId}\\s+carol\\s+revoked `, 'm'));
    expect((await runCli(['revoke-operator-key', keyId], env)).code).toBe(1);

    const again = (await runCli(['issue-operator-key', 'carol'], env)).stdout.trimEnd().split('\n').pop()!;
    const againId = again.split('_')[1]!;
    expect(await metricsWith(again)).toBe(200);
    expect((await runCli(['revoke-operator-key', againId], env)).code).toBe(0);
    expect(await metricsWith(again)).toBe(401);
  });
});
