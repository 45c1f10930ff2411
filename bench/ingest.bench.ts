import { ProgressBar } from '@app/console';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { backlogsOf, freePort, processTestEnv, ServiceProcess } from '../test/support/service-process';
import { createTestDatabase, dropSchema, TEST_DATABASE_URL } from '../test/support/test-database';
import { testKafka } from '../test/support/test-kafka';
import { registerLocationsInSchema } from '../test/support/locations';
import { prefillLog } from './log-prefill';
import { sampleRss } from './process-usage';
import { measureServiceCpu } from './service-cpu';
import { percentile, printTable, round, type BenchReport } from './report';

interface IngestSettings {
  lines: number;
  linesPerMessage: number;
  freshnessLinesPerSecond: number;
  freshnessSeconds: number;
  /** Events in the log before the second run (the growth measurement). */
  prefillEvents: number;
  idleSeconds: number;
}

const STORES = 40;
const SKUS = 20_000;

/** The store of message i (every one registered before the stream starts). */
const storeId = (i: number) => `S${String(i % STORES).padStart(3, '0')}`;

/** Message i of the stream: a store sale, return or receipt of `linesPerMessage` lines. */
export function shopMessage(i: number, linesPerMessage: number, topics: Record<string, string>, run: string) {
  const store = storeId(i);
  const lines = Array.from({ length: linesPerMessage }, (_, k) => ({
    sku: `SKU-${(i * 31 + k * 7919) % SKUS}`,
    quantity: 1 + ((i + k) % 3),
  }));
  const base = { eventId: `${run}-${i}`, occurredAt: new Date(Date.UTC(2026, 10, 11) + i).toISOString() };
  const kind = i % 10;
  if (kind < 2)
    return {
      topic: topics.TOPIC_STOCK_MOVEMENTS!,
      key: store,
      value: JSON.stringify({ ...base, type: 'StockReceived', locationId: store, lines }),
    };
  const type = kind < 9 ? 'StoreSaleRecorded' : 'StoreReturnRecorded';
  return {
    topic: topics.TOPIC_OFFLINE_SALES!,
    key: store,
    value: JSON.stringify({ ...base, type, storeId: store, receiptId: `R-${i}`, lines }),
  };
}

export async function produceAll(
  producer: Producer,
  count: number,
  make: (i: number) => { topic: string; key: string; value: string },
  label: string,
): Promise<number> {
  const bar = new ProgressBar(label.padEnd(34), count);
  const started = Date.now();
  const inFlight: Array<Promise<unknown>> = [];
  for (let from = 0; from < count; from += 2000) {
    const batch = Array.from({ length: Math.min(2000, count - from) }, (_, k) => make(from + k));
    const byTopic = new Map<string, typeof batch>();
    for (const m of batch) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    inFlight.push(
      producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map(({ key, value }) => ({ key, value })) })),
      }),
    );
    if (inFlight.length >= 4) await inFlight.shift();
    bar.update(from + batch.length);
  }
  await Promise.all(inFlight);
  return (Date.now() - started) / 1000;
}

/** The stream's producer: idempotent, one request in flight (the stream arrives in order). */
async function benchProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Baseline 1: how fast kafkajs alone reads the same messages (eachBatch, no work). */
async function kafkajsConsumeOnly(kafka: Kafka, topics: Record<string, string>, messages: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-consume-only-${Date.now()}`, maxBytesPerPartition: 2 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.TOPIC_STOCK_MOVEMENTS!, topics.TOPIC_OFFLINE_SALES!], fromBeginning: true });
  let seen = 0;
  let started = 0;
  const bar = new ProgressBar('baseline: kafkajs consume only'.padEnd(34), messages);
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        if (started === 0) started = Date.now();
        seen += batch.messages.length;
        bar.update(Math.min(seen, messages));
        if (seen >= messages) resolve();
      },
    });
  });
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  return messages / seconds;
}

/** Baseline 2: a raw multi-row INSERT of one row per line into a plain table. */
async function rawInsertLinesPerSecond(lines: number): Promise<number> {
  const db = await createTestDatabase();
  try {
    await db.reads.query(
      'CREATE TABLE raw_lines (id bigserial PRIMARY KEY, location_id text, sku text, quantity int, event_id text, data jsonb)',
    );
    const bar = new ProgressBar('baseline: raw INSERT'.padEnd(34), lines);
    const started = Date.now();
    for (let from = 0; from < lines; from += 2000) {
      const n = Math.min(2000, lines - from);
      const idx = Array.from({ length: n }, (_, k) => from + k);
      await db.transactions.inTransaction((sql) =>
        sql.query(
          'INSERT INTO raw_lines (location_id, sku, quantity, event_id, data) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::jsonb[])',
          [
            idx.map((i) => `S${i % STORES}`),
            idx.map((i) => `SKU-${i % SKUS}`),
            idx.map((i) => 1 + (i % 3)),
            idx.map((i) => `raw-${i}`),
            idx.map((i) => JSON.stringify({ quantity: 1 + (i % 3), onHandChange: -1, occurredAt: '2026-11-11T00:00:00Z' })),
          ],
        ),
      );
      bar.update(from + n);
    }
    return lines / ((Date.now() - started) / 1000);
  } finally {
    await db.drop();
  }
}

/**
 * From start to every line of the stream visible in the stock view (`seconds`), and on to every
 * stock change of it sent by the feed and the outbox published (`feedSeconds`: the same when the
 * feed is off), with the service's RSS sampled every second until then.
 */
async function endToEnd(service: ServiceProcess, lines: number, messages: number, label: string) {
  const rss = sampleRss(() => service.pid);
  const started = Date.now();
  await service.start();
  const bar = new ProgressBar(label.padEnd(34), messages);
  let seconds: number | null = null;
  for (;;) {
    const lag = await backlogsOf(service.baseUrl);
    bar.update(messages - lag.inboundMessages);
    if (seconds === null && lag.inboundMessages === 0 && lag.stockViewEvents === 0) seconds = (Date.now() - started) / 1000;
    if (seconds !== null && lag.stockChangesEvents === 0 && lag.outboxMessages === 0) break;
    // Four looks a second: each readiness answer counts backlogs, which the service pays for.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const feedSeconds = (Date.now() - started) / 1000;
  return { linesPerSecond: lines / seconds, seconds, feedLinesPerSecond: lines / feedSeconds, feedSeconds, rss: rss.stop() };
}

/**
 * What the stock change feed costs: the stream on an empty log with the feed (`withFeed`, already
 * run) against a service of its own with STOCK_CHANGES_FEED=false, each until the feed has queued and
 * the relay published every change.
 */
function feedCostOf(withFeed: Awaited<ReturnType<typeof endToEnd>>, withoutFeed: Awaited<ReturnType<typeof endToEnd>>) {
  return {
    linesPerSecondWithFeedOff: Math.round(withoutFeed.feedLinesPerSecond),
    linesPerSecondWithFeed: Math.round(withFeed.feedLinesPerSecond),
    extraCost: round(withoutFeed.feedLinesPerSecond / withFeed.feedLinesPerSecond - 1, 3),
    extraCostUntilTheViewOnly: round(withoutFeed.linesPerSecond / withFeed.linesPerSecond - 1, 3),
    secondsWithFeed: round(withFeed.feedSeconds, 1),
    secondsWithFeedOff: round(withoutFeed.feedSeconds, 1),
    meaning:
      'the same stream on an empty log read by a third service with STOCK_CHANGES_FEED=false; each run ends once every line is in the stock view, every stock change is sent by the feed and the outbox is published (lines/s counts that); extraCost = (lines/s without the feed) / (lines/s with it) - 1: the extra time per line the feed costs (target <= 0.10); extraCostUntilTheViewOnly: the same, with each run ending once every line is in the stock view',
  };
}

/**
 * CPU of the service and PostgreSQL once every line is in, its stock changes queued and the outbox
 * published, and nothing is asked of them (no HTTP polls meanwhile).
 */
async function idleCpu(service: ServiceProcess, seconds: number) {
  for (;;) {
    const lag = await backlogsOf(service.baseUrl);
    if (lag.inboundMessages === 0 && lag.stockViewEvents === 0 && lag.stockChangesEvents === 0 && lag.outboxMessages === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 5000)); // the last batch's commits and HTTP connections settle
  process.stdout.write(`idle: measuring CPU of the service and PostgreSQL for ${seconds} s\n`);
  return measureServiceCpu(service.pid!, seconds, TEST_DATABASE_URL);
}

export async function runIngestBench(settings: IngestSettings): Promise<BenchReport> {
  const messages = Math.ceil(settings.lines / settings.linesPerMessage);
  const serviceEnv = {
    PROJECTION_BATCH_SIZE: '5000',
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
  };
  const { schema, topicEnv, env } = processTestEnv('bench_ingest', serviceEnv);
  // The same stream again, read by a service of its own (schema, consumer group) over a pre-filled log.
  const full = processTestEnv('bench_ingest_full', { ...serviceEnv, ...topicEnv });
  // And once more on an empty log with the stock change feed off: what the feed costs, in the same run.
  const feedOff = processTestEnv('bench_ingest_nofeed', { ...serviceEnv, ...topicEnv, STOCK_CHANGES_FEED: 'false' });
  const kafka = testKafka('inventory-bench');
  const producer = await benchProducer(kafka);
  const service = new ServiceProcess(env, await freePort());
  const fullService = new ServiceProcess(full.env, await freePort());
  const feedOffService = new ServiceProcess(feedOff.env, await freePort());
  try {
    const stores = Array.from({ length: STORES }, (_, i) => storeId(i));
    await registerLocationsInSchema(schema, stores);
    await registerLocationsInSchema(full.schema, stores);
    await registerLocationsInSchema(feedOff.schema, stores);
    await service.start(); // creates the topics
    await service.stop();

    const prefillBar = new ProgressBar(`prefill: ${settings.prefillEvents.toLocaleString('en')} events`.padEnd(34), settings.prefillEvents);
    const prefill = await prefillLog(
      {
        schema: full.schema,
        events: settings.prefillEvents,
        stores: STORES,
        skus: SKUS,
        topics: {
          movements: topicEnv.TOPIC_STOCK_MOVEMENTS!,
          sales: topicEnv.TOPIC_OFFLINE_SALES!,
          logisticsCommands: topicEnv.TOPIC_LOGISTICS_COMMANDS!,
        },
      },
      (done) => prefillBar.update(done),
    );

    // The whole stream first, so the end-to-end run measures the service, not the producer.
    const produceSeconds = await produceAll(
      producer,
      messages,
      (i) => shopMessage(i, settings.linesPerMessage, topicEnv, 'bench'),
      'produce stream',
    );
    const consumeOnlyPerMessage = await kafkajsConsumeOnly(kafka, topicEnv, messages);
    const consumeOnlyLines = consumeOnlyPerMessage * settings.linesPerMessage;
    const rawInsertLines = await rawInsertLinesPerSecond(settings.lines);

    const empty = await endToEnd(service, settings.lines, messages, 'service: Kafka -> views (empty log)');
    const idleOnEmptyLog = await idleCpu(service, settings.idleSeconds);
    await service.stop();
    const withoutFeed = await endToEnd(feedOffService, settings.lines, messages, 'same, STOCK_CHANGES_FEED=false');
    await feedOffService.stop();
    const feedCost = feedCostOf(empty, withoutFeed);
    const onFullLog = await endToEnd(fullService, settings.lines, messages, 'service: Kafka -> views (full log)');
    const sustained = empty.linesPerSecond;
    const growthRatio = onFullLog.linesPerSecond / empty.linesPerSecond;

    const freshness = await measureFreshness(producer, fullService, topicEnv, settings);
    const idle = await idleCpu(fullService, settings.idleSeconds);

    const slower = consumeOnlyLines < rawInsertLines ? 'kafkajs consume-only' : 'raw INSERT';
    printTable([
      { measurement: 'produce (kafkajs, acks -1)', lines: settings.lines, 'lines/s': Math.round(settings.lines / produceSeconds) },
      { measurement: 'baseline: kafkajs consume only', lines: settings.lines, 'lines/s': Math.round(consumeOnlyLines) },
      { measurement: 'baseline: raw INSERT', lines: settings.lines, 'lines/s': Math.round(rawInsertLines) },
      { measurement: 'service end to end, empty log', lines: settings.lines, 'lines/s': Math.round(sustained) },
      {
        measurement: `  same, ${settings.prefillEvents.toLocaleString('en')} events before`,
        lines: settings.lines,
        'lines/s': `${Math.round(onFullLog.linesPerSecond)} (growth ratio ${round(growthRatio, 3)})`,
      },
      {
        measurement: '  same, stock change feed off',
        lines: settings.lines,
        'lines/s': `${feedCost.linesPerSecondWithFeedOff} (the feed costs ${round(feedCost.extraCost * 100, 1)} %; until the view only ${round(feedCost.extraCostUntilTheViewOnly * 100, 1)} %)`,
      },
      {
        measurement: `freshness at ${settings.freshnessLinesPerSecond} lines/s (full log)`,
        lines: freshness.probes,
        'lines/s': `p50 ${freshness.p50Ms} ms, p99 ${freshness.p99Ms} ms`,
      },
      {
        measurement: `service RSS (empty / full log)`,
        lines: settings.lines,
        'lines/s': `max ${empty.rss.maxMb} / ${onFullLog.rss.maxMb} MB, mean ${empty.rss.meanMb} / ${onFullLog.rss.meanMb} MB`,
      },
      {
        measurement: `idle CPU, service + PostgreSQL`,
        lines: 0,
        'lines/s': `${round(idle.attributedCoreShare * 100, 2)} % of a core (service ${round(idle.serviceCoreShare * 100, 2)} %, its PostgreSQL ${round(idle.attributedPostgresCoreShare * 100, 2)} %; every PostgreSQL process ${round(idle.postgresCoreShare * 100, 2)} %)`,
      },
      {
        measurement: `  same on the empty log, after its run`,
        lines: 0,
        'lines/s': `${round(idleOnEmptyLog.attributedCoreShare * 100, 2)} % of a core (service ${round(idleOnEmptyLog.serviceCoreShare * 100, 2)} %, its PostgreSQL ${round(idleOnEmptyLog.attributedPostgresCoreShare * 100, 2)} %; every PostgreSQL process ${round(idleOnEmptyLog.postgresCoreShare * 100, 2)} %)`,
      },
    ]);
    return {
      suite: 'ingest',
      unit: 'lines/s',
      value: Math.round(sustained),
      baselineName: 'raw INSERT of one row per line (same run)',
      baselineValue: Math.round(rawInsertLines),
      ratio: round(sustained / rawInsertLines, 3),
      p50Ms: freshness.p50Ms,
      p99Ms: freshness.p99Ms,
      details: {
        settings,
        targets:
          '>= 20,000 lines/s end to end (service start included); ratio >= 0.25 of raw INSERT (long term 0.5); p99 freshness <= 250 ms at 5,000 lines/s; growthRatio >= 0.9; idleCpuCoreShare <= 0.03',
        growthRatio: round(growthRatio, 3),
        idleCpuCoreShare: idle.attributedCoreShare,
        stockChangesFeed: feedCost,
        kafkajsConsumeOnlyLinesPerSecond: Math.round(consumeOnlyLines),
        rawInsertLinesPerSecond: Math.round(rawInsertLines),
        slowerBaseline: slower,
        endToEndSecondsIncludingServiceStart: round(empty.seconds, 1),
        fullLog: {
          prefill,
          linesPerSecond: Math.round(onFullLog.linesPerSecond),
          endToEndSecondsIncludingServiceStart: round(onFullLog.seconds, 1),
          meaning: `the same stream read by a second service (schema and consumer group of its own) whose log held ${settings.prefillEvents.toLocaleString('en')} events of the same stores and SKUs before it started`,
        },
        serviceRss: {
          emptyLog: empty.rss,
          fullLog: onFullLog.rss,
          meaning: 'VmRSS of the service process, sampled every second from its start until every line was in the stock view',
        },
        idleCpuOnEmptyLog: idleOnEmptyLog,
        idleCpu: {
          ...idle,
          meaning:
            "CPU time (utime + stime) over the window as a share of one core, with the service on the full log, caught up and asked nothing. attributedCoreShare (= idleCpuCoreShare): the service process, the PostgreSQL backends of its own connections (by client port) and PostgreSQL's own processes (postmaster, WAL writer, checkpointer, autovacuum…); coreShare: the service and every PostgreSQL process on the machine, other clients' backends included (other tests and benchmarks on this shared machine)",
        },
        freshness: {
          ...freshness,
          meaning:
            'on the full log, after its run: produced (acks -1) -> visible through GET /v1/stock?skus= (one watcher polls every probe still waiting every 5 ms), under a steady background load',
        },
        machine:
          '2 cores; broker, PostgreSQL, service and load generator on the same machine, shared with other work (figures vary from run to run)',
      },
    };
  } finally {
    await Promise.all([service.stop(), fullService.stop(), feedOffService.stop()]); // gracefully, so that a profiler hook (BENCH_SERVICE_NODE_OPTIONS) can write its file
    await Promise.all([service.kill(), fullService.kill(), feedOffService.kill()]);
    await producer.disconnect();
    await Promise.all([dropSchema(schema), dropSchema(full.schema), dropSchema(feedOff.schema)]);
  }
}

/**
 * A steady background load at the given rate, and every 100 ms a probe: a receipt of a SKU of its
 * own, timed from the produce call until the HTTP API shows it. One watcher asks for every probe
 * still waiting in one batch lookup (`GET /v1/stock?skus=…`) every 5 ms, as a storefront polling its
 * badges would: a poller per probe would load the service with the very traffic it is timing.
 */
async function measureFreshness(producer: Producer, service: ServiceProcess, topics: Record<string, string>, settings: IngestSettings) {
  const latencies: number[] = [];
  const perTick = Math.round(settings.freshnessLinesPerSecond / settings.linesPerMessage / 20); // 50 ms ticks
  const end = Date.now() + settings.freshnessSeconds * 1000;
  let i = 0;
  const background = (async () => {
    while (Date.now() < end) {
      const tick = Date.now();
      const batch = Array.from({ length: perTick }, () => shopMessage(i++, settings.linesPerMessage, topics, 'steady'));
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...new Set(batch.map((m) => m.topic))].map((topic) => ({
          topic,
          messages: batch.filter((m) => m.topic === topic).map(({ key, value }) => ({ key, value })),
        })),
      });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (Date.now() - tick))));
    }
  })();
  /** Probe SKU -> when its produce call started; only probes whose produce call has returned are looked up. */
  const waiting = new Map<string, number>();
  let probing = true;
  const bar = new ProgressBar('freshness probes'.padEnd(34), settings.freshnessSeconds * 10);
  const watcher = (async () => {
    while (probing || waiting.size > 0) {
      if (waiting.size > 0) {
        const skus = [...waiting.keys()].slice(0, 500);
        const { items } = (await (await fetch(`${service.baseUrl}/v1/stock?skus=${skus.join(',')}`)).json()) as {
          items: Array<{ sku: string; onHand: number }>;
        };
        const now = performance.now();
        for (const { sku, onHand } of items) {
          if (onHand !== 1) continue;
          latencies.push(now - waiting.get(sku)!);
          waiting.delete(sku);
        }
        bar.update(latencies.length);
        const oldest = Math.min(...waiting.values());
        if (now - oldest > 120_000) throw new Error(`a freshness probe was still not visible after 120 s (${waiting.size} waiting)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const produced: Array<Promise<void>> = [];
  for (let p = 0; Date.now() < end; p += 1) {
    const sku = `PROBE-${p}`;
    const started = performance.now();
    produced.push(
      producer
        .send({
          topic: topics.TOPIC_STOCK_MOVEMENTS!,
          acks: -1,
          messages: [
            {
              key: 'S000',
              value: JSON.stringify({
                eventId: `probe-${p}`,
                type: 'StockReceived',
                occurredAt: new Date().toISOString(),
                locationId: 'S000',
                lines: [{ sku, quantity: 1 }],
              }),
            },
          ],
        })
        .then(() => void waiting.set(sku, started)),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await background;
  await Promise.all(produced);
  probing = false;
  await watcher;
  return { probes: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/**
 * The ingest suite's feed cost alone, for quicker iteration (no pre-filled log, no baselines, no
 * freshness or idle CPU): the stream on an empty log with the stock change feed, once per window of
 * `windowsMs` (STOCK_CHANGES_WINDOW_MS), then with STOCK_CHANGES_FEED=false, each by a service of
 * its own, every service with `serviceEnv` besides. Writes bench/results/ingest-feed.json.
 */
export async function runIngestFeedBench(
  settings: Pick<IngestSettings, 'lines' | 'linesPerMessage'> & { windowsMs: number[]; serviceEnv: Record<string, string> },
): Promise<BenchReport> {
  const messages = Math.ceil(settings.lines / settings.linesPerMessage);
  const serviceEnv = { PROJECTION_BATCH_SIZE: '5000', ...settings.serviceEnv };
  const first = processTestEnv('bench_feed', { ...serviceEnv, STOCK_CHANGES_WINDOW_MS: String(settings.windowsMs[0]) });
  const { topicEnv } = first;
  const withFeedEnvs = [
    first,
    ...settings.windowsMs
      .slice(1)
      .map((windowMs, i) =>
        processTestEnv(`bench_feed${i + 2}`, { ...serviceEnv, ...topicEnv, STOCK_CHANGES_WINDOW_MS: String(windowMs) }),
      ),
  ];
  const feedOff = processTestEnv('bench_feed_off', { ...serviceEnv, ...topicEnv, STOCK_CHANGES_FEED: 'false' });
  const kafka = testKafka('inventory-bench');
  const producer = await benchProducer(kafka);
  const services = await Promise.all(withFeedEnvs.map(async ({ env }) => new ServiceProcess(env, await freePort())));
  const feedOffService = new ServiceProcess(feedOff.env, await freePort());
  try {
    const stores = Array.from({ length: STORES }, (_, i) => storeId(i));
    for (const { schema } of [...withFeedEnvs, feedOff]) await registerLocationsInSchema(schema, stores);
    await services[0]!.start(); // creates the topics
    await services[0]!.stop();
    await produceAll(producer, messages, (i) => shopMessage(i, settings.linesPerMessage, topicEnv, 'bench'), 'produce stream');
    const runs = [];
    for (const [i, service] of services.entries()) {
      runs.push(await endToEnd(service, settings.lines, messages, `views + feed, window ${settings.windowsMs[i]} ms`));
      await service.stop();
    }
    const withoutFeed = await endToEnd(feedOffService, settings.lines, messages, 'same, STOCK_CHANGES_FEED=false');
    await feedOffService.stop();
    const byWindow = runs.map((run, i) => ({ windowMs: settings.windowsMs[i]!, ...feedCostOf(run, withoutFeed) }));
    printTable([
      ...byWindow.map((cost) => ({
        measurement: `service, empty log, feed on, window ${cost.windowMs} ms`,
        lines: settings.lines,
        'lines/s': `${cost.linesPerSecondWithFeed} (the feed costs ${round(cost.extraCost * 100, 1)} %; until the view only ${round(cost.extraCostUntilTheViewOnly * 100, 1)} %)`,
      })),
      { measurement: '  same, stock change feed off', lines: settings.lines, 'lines/s': byWindow[0]!.linesPerSecondWithFeedOff },
    ]);
    const feedCost = byWindow[0]!;
    return {
      suite: 'ingest-feed',
      unit: 'lines/s',
      value: feedCost.linesPerSecondWithFeed,
      baselineName: 'the same with STOCK_CHANGES_FEED=false (same run)',
      baselineValue: feedCost.linesPerSecondWithFeedOff,
      ratio: round(feedCost.linesPerSecondWithFeed / feedCost.linesPerSecondWithFeedOff, 3),
      p50Ms: 0, // no latencies measured here
      p99Ms: 0,
      details: { settings, stockChangesFeed: feedCost, byWindow },
    };
  } finally {
    await Promise.all([...services, feedOffService].map((service) => service.kill()));
    await producer.disconnect();
    await Promise.all([...withFeedEnvs, feedOff].map(({ schema }) => dropSchema(schema)));
  }
}
