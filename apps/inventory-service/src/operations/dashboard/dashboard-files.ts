import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm run build` puts the page (tsc for page/*.ts, nest-cli.json's assets for the HTML and CSS), under the service's outDir. */
export const BUILT_PAGE_DIR = 'operations/dashboard/page';
const SERVICE_OUT_DIR = 'dist/apps/inventory-service';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A file of the page other than its HTML, as served at GET /dashboard/{name}. */
export interface DashboardFile {
  contentType: string;
  body: string;
}

/** The built page, read once: its HTML and the scripts and stylesheets it loads, by file name. */
export interface DashboardFiles {
  html: string;
  files: ReadonlyMap<string, DashboardFile>;
}

/**
 * The built page's folder. The bundle (dist/apps/inventory-service/main.js) has it beside itself;
 * the service run from its sources (the tests do) serves what the last `npm run build` left in the
 * repository's dist, so what the browser gets is always the compiled output.
 */
export function builtDashboardDir(from: string = __dirname): string {
  const besideBundle = join(from, BUILT_PAGE_DIR);
  if (existsSync(join(besideBundle, 'dashboard.html'))) return besideBundle;
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, SERVICE_OUT_DIR, BUILT_PAGE_DIR);
  }
  return besideBundle;
}

/**
 * Reads dashboard.html and every .js and .css beside it. Fails, naming what is missing, when the
 * folder or the HTML is absent or when the HTML or a script refers to a file of its own that is not
 * there (a page that cannot load is a broken build, better refused at start than found by an operator).
 */
export function loadDashboardFiles(dir: string = builtDashboardDir()): DashboardFiles {
  const htmlPath = join(dir, 'dashboard.html');
  if (!existsSync(htmlPath)) throw new Error(`the dashboard page is missing: no ${htmlPath} (run 'npm run build')`);
  const html = readFileSync(htmlPath, 'utf8');
  const files = new Map<string, DashboardFile>();
  for (const name of readdirSync(dir).sort()) {
    const contentType = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
    if (contentType) files.set(name, { contentType, body: readFileSync(join(dir, name), 'utf8') });
  }
  const asked = [
    ...referencesOf(html, /\b(?:src|href)="\/dashboard\/([^"]+)"/g).map((name) => ({ name, from: 'dashboard.html' })),
    // Modules import each other as './name.js'; anything else would not load from GET /dashboard/{name}.
    ...[...files]
      .filter(([name]) => name.endsWith('.js'))
      .flatMap(([from, file]) =>
        referencesOf(file.body, /\b(?:from|import)\s*['"]([^'"]+)['"]/g).map((specifier) => ({
          name: /^\.\/([^/]+)$/.exec(specifier)?.[1] ?? specifier,
          from,
        })),
      ),
  ];
  const missing = asked.filter(({ name }) => !files.has(name));
  if (missing.length > 0) {
    const list = missing.map(({ name, from }) => `${name} (asked for by ${from})`).join(', ');
    throw new Error(`the dashboard page in ${dir} is incomplete: ${list} missing (run 'npm run build')`);
  }
  return { html, files };
}

function referencesOf(text: string, pattern: RegExp): string[] {
  return Array.from(text.matchAll(pattern), (match) => match[1] ?? '');
}
