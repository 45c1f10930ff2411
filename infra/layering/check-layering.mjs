// The layering check of the test command: dependency-cruiser's rules (.dependency-cruiser.cjs), then
// "no cycle between folders": within any folder, its subfolders' imports of each other (specs left out)
// must form no cycle. Prints every violation and exits 1 if there is any.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const cruise = (outputType) =>
  execFileSync('npx', ['depcruise', 'apps', 'libs', '--config', '.dependency-cruiser.cjs', '--output-type', outputType], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });

const result = JSON.parse(cruise('json'));
let failures = 0;
for (const violation of result.summary.violations) {
  failures += 1;
  console.error(`  ${violation.rule.name}: ${violation.from} → ${violation.to}`);
}

// Folder graph: for a file import a → b, the first folders on their paths that differ are an edge.
const edges = new Map();
const isSpec = (file) => /\.spec\.ts$/.test(file);
for (const module of result.modules) {
  if (isSpec(module.source) || !/^(apps|libs)\//.test(module.source)) continue;
  for (const dependency of module.dependencies) {
    const target = dependency.resolved;
    if (!/^(apps|libs)\//.test(target)) continue;
    const from = path.dirname(module.source).split('/');
    const to = path.dirname(target).split('/');
    let shared = 0;
    while (shared < from.length && shared < to.length && from[shared] === to[shared]) shared += 1;
    if (shared === from.length || shared === to.length) continue; // one folder contains the other
    const a = from.slice(0, shared + 1).join('/');
    const b = to.slice(0, shared + 1).join('/');
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a).has(b)) edges.get(a).set(b, `${module.source} → ${target}`);
  }
}

// Tarjan's strongly connected components over the folder graph.
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
let counter = 0;
const cycles = [];
function connect(folder) {
  index.set(folder, counter);
  low.set(folder, counter);
  counter += 1;
  stack.push(folder);
  onStack.add(folder);
  for (const next of edges.get(folder)?.keys() ?? []) {
    if (!index.has(next)) {
      connect(next);
      low.set(folder, Math.min(low.get(folder), low.get(next)));
    } else if (onStack.has(next)) low.set(folder, Math.min(low.get(folder), index.get(next)));
  }
  if (low.get(folder) === index.get(folder)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) cycles.push(component);
  }
}
for (const folder of edges.keys()) if (!index.has(folder)) connect(folder);
for (const component of cycles) {
  failures += 1;
  console.error(`  no-folder-cycles: ${component.join(' ⇄ ')}`);
  for (const a of component)
    for (const [b, example] of edges.get(a) ?? []) if (component.includes(b)) console.error(`      ${a} → ${b}, e.g. ${example}`);
}

const files = result.summary.totalCruised;
if (failures > 0) {
  console.error(`layering: ${failures} violation(s) in ${files} files`);
  process.exit(1);
}
console.log(`layering: ${files} files, ${result.summary.totalDependenciesCruised} imports, no violation and no cycle between folders`);
