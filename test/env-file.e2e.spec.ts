import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT, requireBuilt } from './support/built-apps';

const dir = mkdtempSync(join(tmpdir(), 'inventory-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a built app in `dir` (where .env is), with the environment given and nothing of ours. */
async function run(app: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const base = { PATH: process.env.PATH ?? '' };
  try {
    const { stderr } = await promisify(execFile)('node', [requireBuilt(app), ...args], {
      cwd: dir,
      env: { ...base, ...env },
      timeout: 60_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stderr: failed.stderr ?? '' };
  }
}

describe('.env in the working directory', () => {
  // A setting the service refuses at start-up shows which value it read, before anything connects.
  writeFileSync(join(dir, '.env'), '# as .env.example writes them\nDATABASE_SCHEMA=From-The-File   # not an identifier\n');

  it('is read by the service and the CLI', async () => {
    for (const [app, args] of [
      [BUILT.service, []],
      [BUILT.cli, ['rebuild', 'all']],
    ] as const) {
      const { code, stderr } = await run(app, [...args], {});
      expect(code).toBe(2);
      expect(stderr).toContain('DATABASE_SCHEMA="From-The-File": must be a lower-case SQL identifier');
    }
  });

  it('loses to a variable set in the environment', async () => {
    for (const [app, args] of [
      [BUILT.service, []],
      [BUILT.cli, ['rebuild', 'all']],
    ] as const) {
      const { code, stderr } = await run(app, [...args], { DATABASE_SCHEMA: 'From-The-Environment' });
      expect(code).toBe(2);
      expect(stderr).toContain('DATABASE_SCHEMA="From-The-Environment"');
      expect(stderr).not.toContain('From-The-File');
    }
  });
});
