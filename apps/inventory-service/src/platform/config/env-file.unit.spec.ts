import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvFile } from './env-file';

const names = ['ENV_FILE_TEST_FROM_FILE', 'ENV_FILE_TEST_SET_BEFORE', 'ENV_FILE_TEST_WITH_COMMENT'];
const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
afterEach(() => {
  for (const name of names) delete process.env[name];
});

describe('loadEnvFile', () => {
  it('reads the file into the environment, the environment winning, lines written like .env.example', () => {
    const path = join(dir, '.env');
    writeFileSync(
      path,
      '# a comment\nENV_FILE_TEST_FROM_FILE=from-file\nENV_FILE_TEST_SET_BEFORE=from-file\nENV_FILE_TEST_WITH_COMMENT=20000      # a note\n',
    );
    process.env.ENV_FILE_TEST_SET_BEFORE = 'from-environment';
    expect(loadEnvFile(path)).toBe(true);
    expect(process.env.ENV_FILE_TEST_FROM_FILE).toBe('from-file');
    expect(process.env.ENV_FILE_TEST_SET_BEFORE).toBe('from-environment');
    expect(process.env.ENV_FILE_TEST_WITH_COMMENT).toBe('20000');
  });

  it('does nothing without a file', () => {
    expect(loadEnvFile(join(dir, 'missing.env'))).toBe(false);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
