import { topicNamesFromEnv } from '@app/contracts';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { ZipfCatalogue, seededRandom } from './city';
import { OmnichannelDay, type SimulatedMessage } from './omnichannel-day';
import { ProgressBar } from '@app/console';

interface SimulatorSettings {
  serviceUrl: string;
  brokers: string[];
  skus: number;
  ratePerSecond: number;
  durationSeconds: number;
  seed: number;
}

function settingsFromEnv(env: NodeJS.ProcessEnv): SimulatorSettings {
  const number = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${JSON.stringify(raw)}: must be a positive number`);
    return value;
  };
  return {
    serviceUrl: env.SIM_SERVICE_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`,
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    skus: number('SIM_SKUS', 200),
    ratePerSecond: number('SIM_RATE', 200),
    durationSeconds: number('SIM_DURATION_S', 20),
    seed: number('SIM_SEED', Date.now() % 1_000_000),
  };
}

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env);
  const topics = topicNamesFromEnv(process.env);
  const runId = settings.seed.toString(36);
  const day = new OmnichannelDay(ZipfCatalogue.ofSize(settings.skus), seededRandom(settings.seed), runId);
  const kafka = new Kafka({ clientId: 'omnichannel-simulator', brokers: settings.brokers, logLevel: logLevel.WARN });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const send = async (messages: SimulatedMessage[]) => {
    const byTopic = new Map<string, SimulatedMessage[]>();
    for (const m of messages) byTopic.set(topics[m.topic], [...(byTopic.get(topics[m.topic]) ?? []), m]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) })),
    });
  };

  day.startFrom(await settledStock(settings.serviceUrl, day.catalogue.skus));
  let events = 0;
  let lines = 0;
  const opening = [...day.openingReceipts()];
  await send(opening);
  events += opening.length;
  lines += opening.reduce((sum, m) => sum + m.lines, 0);
  process.stderr.write(`simulator: stocked ${day.locations.length} locations with ${settings.skus} SKUs (${lines} lines)\n`);

  const total = Math.round(settings.ratePerSecond * settings.durationSeconds);
  const progress = new ProgressBar('simulator: shop floor', total);
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((settings.ratePerSecond * tickMs) / 1000));
  const started = Date.now();
  for (let sent = 0; sent < total; ) {
    const batch: SimulatedMessage[] = [];
    for (let i = 0; i < perTick && sent < total; i += 1, sent += 1) batch.push(day.next());
    await send(batch);
    events += batch.length;
    lines += batch.reduce((sum, m) => sum + m.lines, 0);
    progress.update(sent, `(${lines} lines)`);
    const due = started + (sent / settings.ratePerSecond) * 1000;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  }
  await producer.disconnect();

  const accuracy = await compareWithService(settings.serviceUrl, day);
  process.stdout.write(
    [
      '',
      'simulator summary',
      `  events sent:        ${events} (${lines} lines) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  stock accuracy:     ${accuracy.matching}/${accuracy.compared} SKU-locations match the simulator's own ledger` +
        (accuracy.mismatches.length > 0 ? ` (first mismatches: ${accuracy.mismatches.slice(0, 5).join('; ')})` : ''),
      `  look at:            ${settings.serviceUrl}/v1/stock/${day.catalogue.skus[0]}`,
      '',
    ].join('\n'),
  );
  if (accuracy.matching !== accuracy.compared) process.exitCode = 1;
}

/** On-hand per `location|sku` as the service shows it now. */
async function stockShown(serviceUrl: string, skus: readonly string[]): Promise<Map<string, number>> {
  const shown = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 500) {
    const response = await fetch(`${serviceUrl}/v1/stock?skus=${encodeURIComponent(skus.slice(i, i + 500).join(','))}`);
    if (!response.ok) throw new Error(`GET /v1/stock answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { items: Array<{ sku: string; locations: Array<{ locationId: string; onHand: number }> }> };
    for (const item of body.items) for (const l of item.locations) shown.set(`${l.locationId}|${item.sku}`, l.onHand);
  }
  return shown;
}

/** The service's stock once it has applied everything already on the topics (it may be catching up). */
async function settledStock(serviceUrl: string, skus: readonly string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${serviceUrl}/health/ready`);
    const body = (await response.json()) as { lag?: { inboundMessages?: number; stockViewEvents?: number } };
    const behind = (body.lag?.inboundMessages ?? 1) + (body.lag?.stockViewEvents ?? 1);
    if (response.ok && behind === 0) return stockShown(serviceUrl, skus);
    if (Date.now() > deadline) throw new Error(`the service is still ${behind} messages/events behind after 120 s`);
    process.stderr.write(`simulator: waiting for the service to catch up (${behind} behind)\n`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Wait (bounded) until the service shows the simulator's numbers, then report how many match. */
async function compareWithService(serviceUrl: string, day: OmnichannelDay) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await stockShown(serviceUrl, day.skusTouched);
    const mismatches: string[] = [];
    for (const [key, expected] of day.expectedOnHand) {
      const actual = shown.get(key) ?? 0;
      if (actual !== expected) mismatches.push(`${key} expected ${expected}, service shows ${actual}`);
    }
    const result = { compared: day.expectedOnHand.size, matching: day.expectedOnHand.size - mismatches.length, mismatches };
    if (mismatches.length === 0 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
