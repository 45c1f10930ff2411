import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(__dirname, '../..');
export const BUILT = {
  service: resolve(root, 'dist/apps/inventory-service/main.js'),
  cli: resolve(root, 'dist/apps/inventory-service/cli.js'),
  simulator: resolve(root, 'dist/apps/simulator/main.js'),
};

/**
 * Node's flags for the service, as the Dockerfile and `npm start` run it: a young generation of
 * 64 MB semi-spaces (16 MB by default), since a batch's parsed messages, events and rows outlive
 * a smaller one and are copied into the old generation (the garbage collector took 20 % of the
 * service's CPU at ingest).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];

/** The built apps (infra/test.sh builds them first); a clear failure if someone skipped the build. */
export function requireBuilt(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run build' (infra/test.sh does) before these tests`);
  return path;
}

/** Run the operator CLI with the given environment; resolves with its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [requireBuilt(BUILT.cli), ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
