import { Partitioners } from 'kafkajs';
import { freePort, lagOf, processTestEnv, ServiceProcess } from '../test/support/service-process';
import { dropSchema } from '../test/support/test-database';
import { testKafka } from '../test/support/test-kafka';
import { registerLocationsInSchema } from '../test/support/locations';
import { prefillLog } from './log-prefill';
import { produceAll, shopMessage } from './ingest.bench';
import { measureServiceCpu } from './service-cpu';
import { TEST_DATABASE_URL } from '../test/support/test-database';
import { round } from './report';
import { sampleStatements } from './statement-sampler';

/**
 * The ingest suite's growth measurement, smaller and on its own, to find what makes the cost of a
 * line grow with the log: the same stream of POS lines read by a service on an empty log and by one
 * on a log pre-filled with --prefill-events events (bench/log-prefill.ts, the ingest suite's stores
 * and SKUs), each in a schema and consumer group of its own; then --idle-seconds of idle CPU on the
 * full log. Prints lines/s of each and their ratio.
 *
 *   npx tsx bench/ingest-growth.ts [--lines 100000] [--prefill-events 1000000] [--idle-seconds 10] [--keep] [--sample-statements] [--feed-off]
 *
 * BENCH_SERVICE_NODE_OPTIONS as for the ingest suite (a --cpu-prof, say); --keep leaves the schemas
 * (named in the output) for EXPLAIN afterwards; --sample-statements samples pg_stat_activity of
 * the service's connections every 10 ms and prints the statements it found running most often;
 * --feed-off runs both services with STOCK_CHANGES_FEED=false.
 */
const STORES = 40;
const SKUS = 20_000;

function flag(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(argv[at + 1]);
}

async function main(argv: string[]): Promise<void> {
  const lines = flag(argv, 'lines', 100_000);
  const prefillEvents = flag(argv, 'prefill-events', 1_000_000);
  const idleSeconds = flag(argv, 'idle-seconds', 10);
  const keep = argv.includes('--keep');
  const sample = argv.includes('--sample-statements');
  const linesPerMessage = 2;
  const messages = Math.ceil(lines / linesPerMessage);
  const serviceEnv = {
    PROJECTION_BATCH_SIZE: '5000',
    ...(argv.includes('--feed-off') ? { STOCK_CHANGES_FEED: 'false' } : {}),
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
  };
  const empty = processTestEnv('growth_empty', serviceEnv);
  const full = processTestEnv('growth_full', { ...serviceEnv, ...empty.topicEnv });
  const services = [new ServiceProcess(empty.env, await freePort()), new ServiceProcess(full.env, await freePort())] as const;
  const kafka = testKafka('inventory-growth');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const stores = Array.from({ length: STORES }, (_, i) => `S${String(i).padStart(3, '0')}`);
    await registerLocationsInSchema(empty.schema, stores);
    await registerLocationsInSchema(full.schema, stores);
    await services[0].start(); // migrates the schema and creates the topics
    await services[0].stop();
    await services[1].start();
    await services[1].stop();
    const prefill = await prefillLog({
      schema: full.schema,
      events: prefillEvents,
      stores: STORES,
      skus: SKUS,
      topics: {
        movements: empty.topicEnv.TOPIC_STOCK_MOVEMENTS!,
        sales: empty.topicEnv.TOPIC_OFFLINE_SALES!,
        logisticsCommands: empty.topicEnv.TOPIC_LOGISTICS_COMMANDS!,
      },
    });
    process.stdout.write(`prefill: ${JSON.stringify(prefill)}\n`);
    await produceAll(producer, messages, (i) => shopMessage(i, linesPerMessage, empty.topicEnv, 'bench'), 'produce stream');
    const results: Record<string, number> = {};
    for (const [label, service] of [
      ['empty', services[0]],
      ['full', services[1]],
    ] as const) {
      const started = Date.now();
      const sampler = sample ? sampleStatements(() => service.pid, TEST_DATABASE_URL) : null;
      await service.start();
      for (;;) {
        const lag = await lagOf(service.baseUrl);
        if (lag.inboundMessages === 0 && lag.stockViewEvents === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seconds = (Date.now() - started) / 1000;
      results[label] = lines / seconds;
      process.stdout.write(`${label} log: ${Math.round(lines / seconds)} lines/s (${round(seconds, 1)} s, service start included)\n`);
      for (const { statement, share, seconds: busy } of (await sampler?.stop())?.slice(0, 15) ?? [])
        process.stdout.write(`  ${round(share, 3).toFixed(3)} of samples (~${round(busy, 1)} s) ${statement}\n`);
      if (label === 'full' && idleSeconds > 0) {
        await new Promise((resolve) => setTimeout(resolve, 5000));
        const idle = await measureServiceCpu(service.pid!, idleSeconds, TEST_DATABASE_URL);
        process.stdout.write(
          `idle on the full log: ${round(idle.attributedCoreShare * 100, 2)} % of a core (service ${round(idle.serviceCoreShare * 100, 2)} %, its PostgreSQL ${round(idle.attributedPostgresCoreShare * 100, 2)} %)\n`,
        );
      }
      await service.stop();
    }
    process.stdout.write(`growth ratio: ${round(results.full! / results.empty!, 3)}\n`);
    if (keep) process.stdout.write(`schemas kept: ${empty.schema} ${full.schema}\n`);
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all(services.map((service) => service.kill()));
    await producer.disconnect();
    if (!keep) await Promise.all([dropSchema(empty.schema), dropSchema(full.schema)]);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`ingest-growth failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
