import { SKU_PATTERN, SKU_RULE } from '@app/contracts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_PAGE_DIR, builtDashboardDir, loadDashboardFiles } from './dashboard-files';
import * as pageSkuRule from './page/sku-rule';

const HTML = '<link rel="stylesheet" href="/dashboard/dashboard.css"><script type="module" src="/dashboard/dashboard.js"></script>';
let scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  scratch = [];
});

/** A folder holding these files (name: content). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-files-'));
  scratch.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('the built dashboard page', () => {
  it('is read once with its scripts and stylesheets, each with its content type; nothing else is served', () => {
    const dir = folder({
      'dashboard.html': HTML,
      'dashboard.css': 'body {}',
      'dashboard.js': "import { a } from './a.js';\nimport './b.js';",
      'a.js': 'export const a = 1;',
      'b.js': '',
      'notes.txt': 'not served',
      'a.ts': 'not served',
    });
    const page = loadDashboardFiles(dir);
    expect(page.html).toBe(HTML);
    expect([...page.files.keys()]).toEqual(['a.js', 'b.js', 'dashboard.css', 'dashboard.js']);
    expect(page.files.get('dashboard.js')).toEqual({
      contentType: 'text/javascript; charset=utf-8',
      body: "import { a } from './a.js';\nimport './b.js';",
    });
    expect(page.files.get('dashboard.css')).toEqual({ contentType: 'text/css; charset=utf-8', body: 'body {}' });
  });

  it('refuses to start without the build', () => {
    const dir = folder({ 'dashboard.js': '' });
    expect(() => loadDashboardFiles(dir)).toThrow(`the dashboard page is missing: no ${join(dir, 'dashboard.html')} (run 'npm run build')`);
    expect(() => loadDashboardFiles(join(dir, 'nowhere'))).toThrow(/the dashboard page is missing/);
  });

  it('refuses a page that asks for a file it does not have, or imports a module the browser could not load from it', () => {
    expect(() => loadDashboardFiles(folder({ 'dashboard.html': HTML, 'dashboard.css': '' }))).toThrow(
      /incomplete: dashboard\.js \(asked for by dashboard\.html\) missing/,
    );
    const withImport = (source: string) =>
      loadDashboardFiles(folder({ 'dashboard.html': HTML, 'dashboard.css': '', 'dashboard.js': source }));
    expect(() => withImport("import { a } from './a.js';")).toThrow(/incomplete: a\.js \(asked for by dashboard\.js\) missing/);
    expect(() => withImport("import { a } from './a';")).toThrow(/a \(asked for by dashboard\.js\) missing/);
    expect(() => withImport("export { a } from '../a.js';")).toThrow(/\.\.\/a\.js \(asked for by dashboard\.js\) missing/);
    expect(() => withImport("import 'zod';")).toThrow(/zod \(asked for by dashboard\.js\) missing/);
  });

  it("is found beside the bundle, or, run from the sources, in the repository's dist", () => {
    const bundle = folder({ [`${BUILT_PAGE_DIR}/dashboard.html`]: HTML });
    expect(builtDashboardDir(bundle)).toBe(join(bundle, BUILT_PAGE_DIR));
    const repository = folder({ 'package.json': '{}', 'apps/inventory-service/src/operations/dashboard/x.ts': '' });
    expect(builtDashboardDir(join(repository, 'apps/inventory-service/src/operations/dashboard'))).toBe(
      join(repository, 'dist/apps/inventory-service', BUILT_PAGE_DIR),
    );
  });

  it("checks SKUs in the browser with the contract's own rule (page/sku-rule.ts is a copy)", () => {
    expect(pageSkuRule.SKU_PATTERN.source).toBe(SKU_PATTERN.source);
    expect(pageSkuRule.SKU_PATTERN.flags).toBe(SKU_PATTERN.flags);
    expect(pageSkuRule.SKU_RULE).toBe(SKU_RULE);
  });
});
