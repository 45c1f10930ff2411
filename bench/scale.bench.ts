import { ProgressBar } from '@app/console';
import { AssignerProtocol, Partitioners } from 'kafkajs';
import { freePort, lagOf, processTestEnv, ServiceProcess } from '../test/support/service-process';
import { dropSchema } from '../test/support/test-database';
import { testKafka } from '../test/support/test-kafka';
import { registerLocationsInSchema } from '../test/support/locations';
import { produceAll, shopMessage } from './ingest.bench';
import { cpuWindow } from './process-usage';
import { printTable, round, type BenchReport } from './report';

interface ScaleSettings {
  lines: number;
  linesPerMessage: number;
  /** Partitions of each inbound topic (sales and movements): the most instances that can share the work. */
  partitions: number;
  /** Instance counts to measure, each on a stream, schema and consumer group of its own. */
  instances: number[];
}

const STORES = 40;

/** Partitions each member of the group holds now (after the run, before the services stop). */
async function shares(groupId: string): Promise<number[]> {
  const admin = testKafka('inventory-bench-scale-admin').admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? [])
      .map((member) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        return Object.values(assignment?.assignment ?? {}).reduce((sum, partitions) => sum + partitions.length, 0);
      })
      .sort((a, b) => b - a);
  } finally {
    await admin.disconnect();
  }
}

/** One measurement: the stream on Kafka first, then `instances` services started together in one group, until every line is in the stock view. */
async function measure(settings: ScaleSettings, instances: number) {
  const messages = Math.ceil(settings.lines / settings.linesPerMessage);
  const { schema, topicEnv, env } = processTestEnv(`bench_scale_${instances}`, {
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
    PROJECTION_BATCH_SIZE: '5000',
  });
  const kafka = testKafka('inventory-bench-scale');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const services: ServiceProcess[] = [];
  for (let i = 0; i < instances; i += 1) services.push(new ServiceProcess(env, await freePort()));
  try {
    await registerLocationsInSchema(
      schema,
      Array.from({ length: STORES }, (_, i) => `S${String(i).padStart(3, '0')}`),
    );
    await producer.connect();
    await services[0]!.start(); // creates the topics
    await services[0]!.stop();
    await produceAll(
      producer,
      messages,
      (i) => shopMessage(i, settings.linesPerMessage, topicEnv, `scale${instances}`),
      `produce for ${instances} instance(s)`,
    );

    const cpu = cpuWindow(() => services.map((s) => s.pid).filter((pid): pid is number => pid !== undefined));
    const started = Date.now();
    await Promise.all(services.map((service) => service.start()));
    const bar = new ProgressBar(`${instances} instance(s): Kafka -> views`.padEnd(34), messages);
    for (;;) {
      const lag = await lagOf(services[0]!.baseUrl);
      bar.update(messages - lag.inboundMessages);
      if (lag.inboundMessages === 0 && lag.stockViewEvents === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const usage = cpu();
    const partitionsHeld = await shares(env.KAFKA_GROUP_ID!);
    return {
      instances,
      lines: settings.lines,
      seconds: round(seconds, 1),
      linesPerSecond: Math.round(settings.lines / seconds),
      partitionsHeld,
      ...usage,
    };
  } finally {
    await Promise.all(services.map((service) => service.kill()));
    await producer.disconnect();
    await dropSchema(schema);
  }
}

export async function runScaleBench(settings: ScaleSettings): Promise<BenchReport> {
  const runs = [];
  for (const instances of settings.instances) runs.push(await measure(settings, instances));
  printTable(runs.map((run) => ({ ...run, partitionsHeld: run.partitionsHeld.join('/') })));
  const one = runs.find((run) => run.instances === 1) ?? runs[0]!;
  const best = runs.reduce((a, b) => (b.linesPerSecond > a.linesPerSecond ? b : a));
  return {
    suite: 'scale',
    unit: 'lines/s',
    value: best.linesPerSecond,
    baselineName: `${one.instances} instance(s), same stream size, same run`,
    baselineValue: one.linesPerSecond,
    ratio: round(best.linesPerSecond / one.linesPerSecond, 3),
    p50Ms: 0,
    p99Ms: 0,
    details: {
      settings,
      best: { instances: best.instances, linesPerSecond: best.linesPerSecond },
      runs,
      meaning:
        "per instance count: a stream of sales, returns and receipts (the ingest suite's, 40 stores, 20,000 SKUs) on Kafka first, then that many service processes started together in one consumer group (each KAFKA_PARTITIONS_CONCURRENTLY 4) on one PostgreSQL; seconds from the start until every line is in the stock view, services' start included. servicesCores/postgresCores/machineBusyCores: CPU over that window, in cores (the machine has 2; the broker and this process are in machineBusyCores too). partitionsHeld: inbound partitions per member at the end. p50Ms/p99Ms not measured (0)",
      machine: '2 cores; broker, PostgreSQL, services and load generator on the same machine, shared with other work',
    },
  };
}
