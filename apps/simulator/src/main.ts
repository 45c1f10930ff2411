import { topicNamesFromEnv } from '@app/contracts';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { ZipfCatalogue, seededRandom } from './city';
import { SimulatedLogisticsWorkers } from './logistics-workers';
import { MarketplaceFeed } from './marketplace-feed';
import { OmnichannelDay, type SimulatedMessage } from './omnichannel-day';
import { compareAsOf, compareMarketplace, compareWithService, registerLocations, settledStock } from './service-checks';
import { ProgressBar } from '@app/console';
import { sendWithoutLoss } from '@app/kafka-delivery';

interface SimulatorSettings {
  serviceUrl: string;
  /** An operator key with locations:write (SIM_OPERATOR_KEY), for registering the city's locations. */
  operatorKey: string;
  brokers: string[];
  skus: number;
  ratePerSecond: number;
  durationSeconds: number;
  seed: number;
  pickDelayMs: number;
  failedPickRate: number;
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
    operatorKey: env.SIM_OPERATOR_KEY ?? '',
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    skus: number('SIM_SKUS', 200),
    ratePerSecond: number('SIM_RATE', 200),
    durationSeconds: number('SIM_DURATION_S', 20),
    seed: number('SIM_SEED', Date.now() % 1_000_000),
    pickDelayMs: number('SIM_PICK_DELAY_MS', 1500),
    failedPickRate: number('SIM_FAILED_PICK_RATE', 0.03),
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
    await sendWithoutLoss(
      producer,
      [...byTopic].map(([topic, list]) => ({ topic, messages: list.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) })),
    );
  };

  await registerLocations(settings.serviceUrl, settings.operatorKey, day.locations);
  const workers = new SimulatedLogisticsWorkers(kafka, topics, day, seededRandom(settings.seed + 1), settings);
  await workers.start();
  const marketplace = new MarketplaceFeed(kafka, topics.stockChanges);
  await marketplace.start();
  const deadLettersBefore = await topicSize(kafka, topics.deadLetters);
  day.startFrom(await settledStock(settings.serviceUrl, settings.operatorKey, day.catalogue.skus));
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
  // Copies of the ledger at three moments of the day, to check GET /v1/stock/{sku}?asOf= against at the end.
  const ledgerMoments = [0.25, 0.5, 0.75].map((share) => Math.round(total * share));
  const ledgers: Array<ReturnType<OmnichannelDay['ledgerAtThisMoment']>> = [];
  for (let sent = 0; sent < total;) {
    const batch: SimulatedMessage[] = [];
    for (let i = 0; i < perTick && sent < total; i += 1, sent += 1) batch.push(day.next());
    batch.push(...workers.due());
    if (ledgerMoments.some((moment) => moment <= sent && moment > sent - perTick)) ledgers.push(day.ledgerAtThisMoment());
    await send(batch);
    events += batch.length;
    lines += batch.reduce((sum, m) => sum + m.lines, 0);
    progress.update(sent, `(${lines} lines)`);
    const due = started + (sent / settings.ratePerSecond) * 1000;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  }
  // The workers finish what is in hand (the service may still be sourcing the last orders).
  const drainDeadline = Date.now() + 120_000;
  while (Date.now() < drainDeadline) {
    const answers = workers.due();
    if (answers.length > 0) await send(answers);
    const lag = await lagOf(settings.serviceUrl);
    if (!workers.busy && lag.inboundMessages === 0 && lag.stockChangesEvents === 0 && lag.outboxMessages === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await producer.disconnect();

  const accuracy = await compareWithService(settings.serviceUrl, settings.operatorKey, day);
  const past = await compareAsOf(settings.serviceUrl, settings.operatorKey, ledgers, day.skusTouched);
  const feed = await compareMarketplace(settings.serviceUrl, settings.operatorKey, marketplace, day.catalogue.skus);
  await marketplace.stop();
  await workers.stop();
  const deadLetters = (await topicSize(kafka, topics.deadLetters)) - deadLettersBefore;
  const w = workers.counts;
  const expectedDeadLetters = 2 * w.transfersCalledOffAfterLeaving; // its TransferShipped and TransferReceived
  process.stdout.write(
    [
      '',
      'simulator summary',
      `  events sent:        ${events} (${lines} lines) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  web orders:         ${day.webOrders.placed} placed (${day.webOrders.ship} ship, ${day.webOrders.pickup} pickup), ${day.webOrders.cancelled} cancelled by shoppers`,
      `  fulfillments:       ${w.dispatches} dispatched: ${w.shipped} shipped, ${w.collected} collected, ${w.failedPicks} short picks (re-sourced), ${w.cancelledBeforePick} cancelled before the pick`,
      `  backordered:        ${w.backorders} orders with lines no location could supply`,
      `  transfers:          ${w.transfers} (replenishment and pickups): ${w.transfers - w.transfersCalledOff} shipped and received, ${w.transfersCalledOff} called off before they left` +
        `, ${w.transfersCalledOffAfterLeaving} called off after they left (recorded as movements)`,
      `  dead letters:       ${deadLetters}, ${deadLetters - expectedDeadLetters} unexpected` +
        (expectedDeadLetters > 0
          ? ` (${expectedDeadLetters} expected: the refused feedback of transfers called off after they left)`
          : '') +
        (deadLetters > expectedDeadLetters
          ? ' (their reasons: npm run cli -- replay-dead-letters --dry-run; an "unknown location" one names a location to register)'
          : ''),
      `  repeated commands:  ${w.repeatsDropped} (dropped by commandId)`,
      `  stock accuracy:     ${accuracy.matching}/${accuracy.compared} SKU-locations match the simulator's own ledger` +
        (accuracy.mismatches.length > 0 ? ` (first mismatches: ${accuracy.mismatches.slice(0, 5).join('; ')})` : ''),
      `  stock in the past:  ${past.matching}/${past.compared} SKU-locations at ${ledgers.length} moments of the day match the ledger's copies (GET /v1/stock/{sku}?asOf=)` +
        (past.mismatches.length > 0 ? ` (first mismatches: ${past.mismatches.slice(0, 5).join('; ')})` : ''),
      `  marketplace feed:   ${feed.matching}/${feed.compared} SKUs of its copy (${marketplace.received} messages on ${topics.stockChanges}) match GET /v1/stock/{sku}` +
        `; ${marketplace.positionsBackwards} positions went backwards` +
        (feed.mismatches.length > 0 ? ` (first mismatches: ${feed.mismatches.slice(0, 5).join('; ')})` : ''),
      `  look at:            ${settings.serviceUrl}/dashboard?sku=${day.catalogue.skus[0]}`,
      `                      ${settings.serviceUrl}/v1/stock/${day.catalogue.skus[0]}`,
      '',
    ].join('\n'),
  );
  if (
    accuracy.matching !== accuracy.compared ||
    past.matching !== past.compared ||
    feed.matching !== feed.compared ||
    marketplace.positionsBackwards > 0
  )
    process.exitCode = 1;
}

/** What the service has still to do; the stock change feed's figure is left out when the feed is off (0 then). */
async function lagOf(serviceUrl: string): Promise<{ inboundMessages: number; stockChangesEvents: number; outboxMessages: number }> {
  const body = (await (await fetch(`${serviceUrl}/health/ready`)).json()) as {
    lag?: { inboundMessages?: number; stockChangesEvents?: number; outboxMessages?: number };
  };
  return {
    inboundMessages: body.lag?.inboundMessages ?? 1,
    stockChangesEvents: body.lag?.stockChangesEvents ?? 0,
    outboxMessages: body.lag?.outboxMessages ?? 1,
  };
}

/** Messages on a topic so far (sum of end offsets minus start offsets). */
async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
