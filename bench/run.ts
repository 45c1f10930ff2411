import { runAppendBench } from './append.bench';
import { runFlashSaleBench } from './flash-sale.bench';
import { runIngestBench, runIngestFeedBench } from './ingest.bench';
import { runQueryBench } from './query.bench';
import { runScaleBench } from './scale.bench';
import { runSourcingBench } from './sourcing.bench';
import { writeReport, type BenchReport } from './report';

/**
 * npm run bench -- --suite append [--events N] [--streams N] [--batch N] [--one-by-one N]
 * npm run bench -- --suite ingest [--lines N] [--lines-per-message N] [--freshness-rate N] [--freshness-seconds N]
 *     [--prefill-events N] [--idle-seconds N]
 *   (the stream read twice: on an empty log, then by a second service on a log pre-filled with
 *   --prefill-events events, default 5,000,000; then freshness and --idle-seconds of idle CPU on it)
 * npm run bench -- --suite ingest --feed-only true [--lines N] [--lines-per-message N] [--windows 2000,10000]
 *     [--service-env NAME=VALUE,NAME=VALUE]
 *   (only what the stock change feed costs: the stream on an empty log with the feed, once per
 *   STOCK_CHANGES_WINDOW_MS of --windows, and without it, every service with --service-env besides;
 *   a few minutes instead of a quarter of an hour; writes bench/results/ingest-feed.json)
 * npm run bench -- --suite query [--skus N] [--locations N] [--seconds N] [--connections N] [--streams N] [--stream-changes N]
 * npm run bench -- --suite flash-sale [--orders N] [--units N] [--partitions N]
 *   (--orders orders of one unit of one SKU, default 20,000, that one warehouse holds --units of, default
 *   1,000, sent at once over --partitions partitions, default 4; then as many orders of a SKU each)
 * npm run bench -- --suite scale [--lines N] [--lines-per-message N] [--partitions N] [--instances 1,2,3]
 *   (the ingest suite's stream, default 200,000 lines over 6 partitions a topic, read by 1, 2 and 3
 *   service instances in one consumer group, each on a stream and schema of its own)
 * npm run bench -- --suite sourcing [--locations N] [--orders N] [--lines N]
 *   (planSourcing per order over a seeded network: defaults 1,000 locations, 20,000 orders, 5 lines
 *   an order; pure and in process, so `npx tsx bench/run.ts --suite sourcing` runs it without
 *   PostgreSQL or Kafka. With --suite all, --lines and --locations are shared with ingest and query.)
 * BENCH_SERVICE_NODE_OPTIONS: NODE_OPTIONS for the service process of the ingest and query suites (say,
 *   a --require of a profiler hook).
 * Each suite prints a table and writes bench/results/<suite>.json. Needs PostgreSQL (and Kafka for
 * the suites that use it) like the tests: TEST_DATABASE_URL, KAFKA_BROKERS.
 */
const SUITES: Record<string, (flags: Map<string, string>) => Promise<BenchReport>> = {
  append: (flags) =>
    runAppendBench({
      events: number(flags, 'events', 200_000),
      streams: number(flags, 'streams', 10_000),
      batchSize: number(flags, 'batch', 1_000),
      oneByOneEvents: number(flags, 'one-by-one', 20_000), // ~40 s at ~500 appends/s; pass --one-by-one 200000 for the full count
    }),
  ingest: (flags) =>
    flags.has('feed-only')
      ? runIngestFeedBench({
          lines: number(flags, 'lines', 500_000),
          linesPerMessage: number(flags, 'lines-per-message', 2),
          windowsMs: (flags.get('windows') ?? '2000').split(',').map(Number),
          serviceEnv: Object.fromEntries(
            (flags.get('service-env') ?? '')
              .split(',')
              .filter(Boolean)
              .map((pair) => pair.split('=', 2) as [string, string]),
          ),
        })
      : runIngestBench({
          lines: number(flags, 'lines', 500_000),
          linesPerMessage: number(flags, 'lines-per-message', 2),
          freshnessLinesPerSecond: number(flags, 'freshness-rate', 5_000),
          freshnessSeconds: number(flags, 'freshness-seconds', 20),
          prefillEvents: number(flags, 'prefill-events', 5_000_000),
          idleSeconds: number(flags, 'idle-seconds', 20),
        }),
  query: (flags) =>
    runQueryBench({
      skus: number(flags, 'skus', 100_000),
      locations: number(flags, 'locations', 50),
      seconds: number(flags, 'seconds', 15),
      connections: number(flags, 'connections', 20),
      streams: number(flags, 'streams', 1_000),
      streamChangesPerSecond: number(flags, 'stream-changes', 50),
    }),
  'flash-sale': (flags) =>
    runFlashSaleBench({
      orders: number(flags, 'orders', 20_000),
      units: number(flags, 'units', 1_000),
      partitions: number(flags, 'partitions', 4),
    }),
  scale: (flags) =>
    runScaleBench({
      lines: number(flags, 'lines', 200_000),
      linesPerMessage: number(flags, 'lines-per-message', 2),
      partitions: number(flags, 'partitions', 6),
      instances: (flags.get('instances') ?? '1,2,3').split(',').map((n) => {
        const value = Number(n);
        if (!Number.isInteger(value) || value <= 0) throw new Error(`--instances ${n}: must be positive whole numbers, comma-separated`);
        return value;
      }),
    }),
  sourcing: (flags) =>
    runSourcingBench({
      locations: number(flags, 'locations', 1_000),
      orders: number(flags, 'orders', 20_000),
      linesPerOrder: number(flags, 'lines', 5),
    }),
};

function number(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} ${raw}: must be a positive whole number`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    flags.set(flag.slice(2), argv[i + 1] ?? '');
    i += 1;
  }
  const suites = flags.get('suite') === 'all' || !flags.has('suite') ? Object.keys(SUITES) : [flags.get('suite')!];
  for (const suite of suites) {
    const run = SUITES[suite];
    if (!run) throw new Error(`no suite ${JSON.stringify(suite)}; suites: ${Object.keys(SUITES).join(', ')}, all`);
    const report = await run(flags);
    const path = writeReport(report);
    process.stdout.write(
      `\n${suite}: ${report.value} ${report.unit}, ${report.ratio} of ${report.baselineName} (${report.baselineValue}); report: ${path}\n\n`,
    );
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
