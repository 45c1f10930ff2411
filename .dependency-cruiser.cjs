/**
 * The house rules, checked by `npm run layering` (infra/layering/check-layering.mjs) in the test command.
 * An area is a folder under apps/inventory-service/src (platform/<name> counts as one); its index.ts is
 * the only file other areas may import. Specs may reach into what they test and are left out.
 */
const SRC = '^apps/inventory-service/src/';
const AREA = `${SRC}(platform/[^/]+|[^/]+)/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'libs-never-import-apps',
      comment: 'libs/ hold what is not specific to one app; an app wires them together, never the other way round.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'stock-domain-is-pure',
      comment: 'Stock arithmetic, sourcing and replenishment are pure TypeScript: no framework, database or Kafka package.',
      severity: 'error',
      from: { path: '^libs/stock-domain/' },
      to: {
        path: [
          '^(node_modules/)?(@nestjs|typeorm|pg|pg-[^/]+|kafkajs|express|rxjs|reflect-metadata|zod|pino)(/|$)',
          '^libs/(?!stock-domain/)',
          '^apps/',
        ],
      },
    },
    {
      name: 'libs-reached-through-their-index',
      comment: 'A library is imported as @app/<name>, through its index.ts.',
      severity: 'error',
      from: { path: '^apps/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'area-reached-through-its-public-file',
      comment: 'Another area is imported through its index.ts only: what it exports there is what others may use.',
      severity: 'error',
      from: { path: AREA, pathNot: '\\.spec\\.ts$' },
      to: { path: AREA, pathNot: [`${SRC}$1/`, `${AREA}index\\.ts$`] },
    },
    {
      name: 'app-reaches-areas-through-their-public-files',
      comment: 'main, bootstrap, the app module and the CLI entry import areas through their index.ts.',
      severity: 'error',
      from: { path: `${SRC}[^/]+\\.ts$`, pathNot: '\\.spec\\.ts$' },
      to: { path: AREA, pathNot: `${AREA}index\\.ts$` },
    },
    {
      name: 'platform-knows-no-area',
      comment: 'Config, database, Kafka, logging, HTTP, access and metrics serve every area and know none of them.',
      severity: 'error',
      from: { path: `${SRC}platform/`, pathNot: '\\.spec\\.ts$' },
      to: { path: SRC, pathNot: `${SRC}platform/` },
    },
    {
      name: 'area-never-imports-its-own-index',
      comment: 'Inside an area, files import each other directly; its index.ts is for the others (and importing it invites a cycle).',
      severity: 'error',
      from: { path: AREA },
      to: { path: `${SRC}$1/index\\.ts$` },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: { pathNot: '\\.spec\\.ts$' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)node_modules/', 'operations/dashboard/page/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
