import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { Partitioners } from 'kafkajs';
import { freePort, processTestEnv, ServiceProcess } from '../test/support/service-process';
import { createTestDatabase, dropSchema } from '../test/support/test-database';
import { testKafka } from '../test/support/test-kafka';
import { measureStreams } from './query-streams';
import { round, printTable, type BenchReport } from './report';

interface QuerySettings {
  skus: number;
  locations: number;
  seconds: number;
  connections: number;
  /** Live streams open at once, and SKU changes a second among them. */
  streams: number;
  streamChangesPerSecond: number;
}

/** A SKU rank in 1..skus: uniform, or Zipf-like (rank r with weight 1/r), as storefront traffic on a sale day. */
type SkuPicker = () => number;
const uniform =
  (skus: number): SkuPicker =>
  () =>
    1 + Math.floor(Math.random() * skus);
function zipf(skus: number): SkuPicker {
  const harmonic = Math.log(skus) + 0.5772; // ≈ sum of 1/r for r = 1..skus
  return () => Math.min(skus, Math.max(1, Math.floor(Math.exp(Math.random() * harmonic - 0.5772))));
}

/** Sizes of `GET /v1/stock?skus=` lookups in the bulk measurement. */
const SKUS_PER_LOOKUP = 50;
const skuName = (rank: number) => `SKU-${String(rank).padStart(6, '0')}`;

type Path = () => string;
const oneSku =
  (pick: SkuPicker): Path =>
  () =>
    `/v1/stock/${skuName(pick())}`;
const manySkus =
  (pick: SkuPicker): Path =>
  () =>
    `/v1/stock?skus=${Array.from({ length: SKUS_PER_LOOKUP }, () => skuName(pick())).join(',')}`;

async function load(url: string, path: Path, seconds: number, connections: number) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, path: path() }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    total: result.requests.total,
  };
}
type Load = Awaited<ReturnType<typeof load>>;

/** A baseline script as its own process (its own process group, so the npx/tsx/node chain stops together). */
async function startScript(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn('npx', ['tsx', resolve(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

/** The service's resident memory now and at its peak (VmRSS, VmHWM), in MiB. */
function memoryOf(pid: number): { vmRssMiB: number; vmHwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { vmRssMiB: round(kib('VmRSS') / 1024, 1), vmHwmMiB: round(kib('VmHWM') / 1024, 1) };
}

/** Seconds from the service answering until its stock read model has loaded the whole view (null when it is off). */
async function readModelLoaded(service: ServiceProcess, readModel: 'on' | 'off'): Promise<number | null> {
  if (readModel === 'off') return null;
  const started = Date.now();
  while (!service.log.includes('stock read model loaded')) {
    if (Date.now() - started > 300_000) throw new Error(`the stock read model did not load in 5 minutes:\n${service.log.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  process.stderr.write(`stock read model loaded in ${((Date.now() - started) / 1000).toFixed(1)} s after start\n`);
  return round((Date.now() - started) / 1000, 1);
}

const row = (measurement: string, figures: Load, skusPerRequest = 1) => ({
  measurement,
  'req/s': Math.round(figures.requestsPerSecond),
  'SKUs/s': Math.round(figures.requestsPerSecond * skusPerRequest),
  'p50 ms': figures.p50Ms,
  'p99 ms': figures.p99Ms,
  errors: figures.errors,
});

/**
 * GET /v1/stock/{sku} over 100,000 SKUs x 50 locations against three baselines, each its own process
 * in the same run: (a) a bare NestJS endpoint doing one indexed SELECT, (b) plain node:http with a pg
 * pool running the service's own SELECT and building the same body, (c) plain node:http answering
 * precomputed bodies from a Map. Then Zipf-skewed SKUs, 50-SKU lookups, live streams and memory.
 */
export async function runQueryBench(settings: QuerySettings): Promise<BenchReport> {
  const readModel = process.env.BENCH_STOCK_READ_MODEL === 'off' ? 'off' : 'on';
  const { schema, topicEnv, env } = processTestEnv('bench_query', {
    STOCK_STREAMS_MAX: String(settings.streams),
    STOCK_STREAMS_PER_CLIENT_MAX: String(settings.streams), // every stream comes from this one address
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
    STOCK_READ_MODEL: readModel,
  });
  const db = await createTestDatabase(schema);
  const service = new ServiceProcess(env, await freePort());
  const baselines: ChildProcess[] = [];
  const producer = testKafka('inventory-bench-query').producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    const started = Date.now();
    process.stderr.write(`loading ${settings.skus} SKUs x ${settings.locations} locations into stock_levels ...\n`);
    await db.reads.query(
      `INSERT INTO locations (location_id, type, name, lat, lng, ships_online, pickup, daily_capacity, safety_stock, version, updated_at)
       SELECT 'L' || lpad(l::text, 3, '0'), CASE WHEN l % 10 = 0 THEN 'warehouse' ELSE 'store' END, 'Location ' || l,
              30 + l / 100.0, 120 + l / 100.0, l % 3 <> 0, l % 10 <> 0, 500, 1, 1, now()
       FROM generate_series(1, $1::int) l`,
      [settings.locations],
    );
    // In slices of 10,000 SKUs: one statement for all of them can outlast the session's statement timeout on a busy machine.
    for (let from = 1; from <= settings.skus; from += 10_000) {
      await db.reads.query(
        `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
         SELECT 'L' || lpad(l::text, 3, '0'), 'SKU-' || lpad(s::text, 6, '0'), (s * 7 + l) % 40, (s + l) % 3, 0, now(), 1
         FROM generate_series($1::int, $2::int) s, generate_series(1, $3::int) l`,
        [from, Math.min(settings.skus, from + 9_999), settings.locations],
      );
    }
    await db.reads.query('ANALYZE stock_levels');
    await db.reads.query('ANALYZE locations');
    process.stderr.write(`loaded in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    await db.dataSource.destroy();

    await service.start();
    const readModelLoadS = await readModelLoaded(service, readModel);
    const ports = { bare: await freePort(), pg: await freePort(), map: await freePort() };
    const database = { DATABASE_URL: env.DATABASE_URL!, DATABASE_SCHEMA: schema };
    baselines.push(await startScript('bare-endpoint.ts', { ...database, PORT: String(ports.bare) }));
    baselines.push(await startScript('query-baselines.ts', { ...database, PORT: String(ports.pg), BASELINE: 'pg', POOL_SIZE: '5' }));
    baselines.push(
      await startScript('query-baselines.ts', { ...database, PORT: String(ports.map), BASELINE: 'map', SKUS: String(settings.skus) }),
    );
    const url = {
      service: service.baseUrl,
      bare: `http://127.0.0.1:${ports.bare}`,
      pg: `http://127.0.0.1:${ports.pg}`,
      map: `http://127.0.0.1:${ports.map}`,
    };
    const { seconds, connections } = settings;
    const uniformSku = oneSku(uniform(settings.skus));
    const zipfSku = oneSku(zipf(settings.skus));

    // Warm each (JIT, pools, caches), then measure them one after the other.
    for (const target of Object.values(url)) await load(target, uniformSku, 3, connections);
    const measured = await load(url.service, uniformSku, seconds, connections);
    const memoryAfterUniform = memoryOf(service.pid!);
    const bare = await load(url.bare, uniformSku, seconds, connections);
    const pg = await load(url.pg, uniformSku, seconds, connections);
    const map = await load(url.map, uniformSku, seconds, connections);
    // Sale-day traffic is skewed: a few SKUs get most reads, where the per-instance stock read cache serves repeats.
    const hot = { service: await load(url.service, zipfSku, seconds, connections), pg: await load(url.pg, zipfSku, seconds, connections) };
    const manyUniform = manySkus(uniform(settings.skus));
    await load(url.service, manyUniform, 3, connections);
    const bulk = {
      service: await load(url.service, manyUniform, seconds, connections),
      pg: await load(url.pg, manyUniform, seconds, connections),
    };

    await producer.connect();
    const streams = await measureStreams(url.service, producer, {
      streams: settings.streams,
      changesPerSecond: settings.streamChangesPerSecond,
      seconds,
      locationId: 'L001',
      topic: topicEnv.TOPIC_STOCK_MOVEMENTS!,
    });
    const memory = { afterUniformLoad: memoryAfterUniform, atEnd: memoryOf(service.pid!) };

    printTable([
      row('GET /v1/stock/{sku}: the service', measured),
      row('(a) bare NestJS endpoint, one indexed SELECT', bare),
      row('(b) node:http + pg pool, the same SELECT and body', pg),
      row('(c) node:http, precomputed bodies from a Map', map),
      row('the service, Zipf-skewed SKUs', hot.service),
      row('(b), Zipf-skewed SKUs', hot.pg),
      row(`the service, ?skus= ${SKUS_PER_LOOKUP} SKUs a request`, bulk.service, SKUS_PER_LOOKUP),
      row(`(b), ?skus= ${SKUS_PER_LOOKUP} SKUs a request`, bulk.pg, SKUS_PER_LOOKUP),
    ]);
    process.stdout.write(
      `\nlive streams: ${streams.streams} open, ${streams.changesPerSecond} changes/s for ${streams.seconds} s: ` +
        `${streams.delivered} delivered, change -> delivered p50 ${streams.p50Ms} ms, p99 ${streams.p99Ms} ms, max ${streams.maxMs} ms; ` +
        `${streams.undeliveredAfter10s} undelivered\n` +
        `service memory: VmRSS ${memory.atEnd.vmRssMiB} MiB (peak ${memory.atEnd.vmHwmMiB} MiB) at ${settings.skus} x ${settings.locations}\n`,
    );
    const ratioTo = (baseline: Load) => round(measured.requestsPerSecond / baseline.requestsPerSecond, 3);
    return {
      suite: 'query',
      unit: 'requests/s',
      value: Math.round(measured.requestsPerSecond),
      baselineName: '(b) plain node:http with a pg pool running the service SELECT and building the same body, same run',
      baselineValue: Math.round(pg.requestsPerSecond),
      ratio: ratioTo(pg),
      p50Ms: measured.p50Ms,
      p99Ms: measured.p99Ms,
      details: {
        settings,
        targets:
          '>= 5,000 requests/s with p99 <= 10 ms and ratio (service / (b)) >= 1.0; live streams change -> delivered p99 <= 250 ms; memory <= 1 GiB',
        service: measured,
        baselines: {
          bareNestEndpoint: {
            name: '(a) bare NestJS endpoint on Express + TypeORM pool, one indexed SELECT',
            ...bare,
            serviceRatio: ratioTo(bare),
          },
          nodeHttpPg: { name: '(b) node:http + pg pool (5), the service SELECT (prepared) and body, ETag', ...pg },
          nodeHttpMap: { name: '(c) node:http, precomputed JSON bodies from a Map', ...map, serviceRatio: ratioTo(map) },
        },
        skewedTraffic: {
          note: 'SKUs drawn Zipf-like (rank r with weight 1/r)',
          service: hot.service,
          nodeHttpPg: hot.pg,
          ratio: round(hot.service.requestsPerSecond / hot.pg.requestsPerSecond, 3),
        },
        manySkus: {
          note: `GET /v1/stock?skus= with ${SKUS_PER_LOOKUP} uniformly random SKUs a request`,
          service: { ...bulk.service, skusPerSecond: Math.round(bulk.service.requestsPerSecond * SKUS_PER_LOOKUP) },
          nodeHttpPg: { ...bulk.pg, skusPerSecond: Math.round(bulk.pg.requestsPerSecond * SKUS_PER_LOOKUP) },
        },
        liveStreams: {
          note: 'change -> delivered: from just before the Kafka send of a StockReceived to the stock event on the SKU stream',
          ...streams,
        },
        serviceMemory: memory,
        readModel: { STOCK_READ_MODEL: readModel, loadSeconds: readModelLoadS },
        machine: '2 cores shared with other work; PostgreSQL, Kafka, the service, the baselines and autocannon on the same machine',
      },
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    for (const child of baselines) if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await service.stop(); // gracefully, so that a profiler hook (BENCH_SERVICE_NODE_OPTIONS) can write its file
    await service.kill();
    await dropSchema(schema);
  }
}
