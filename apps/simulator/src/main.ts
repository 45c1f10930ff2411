import { topicNamesFromEnv, type SkuStock } from '@app/contracts';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { ZipfCatalogue, seededRandom, type SimulatedLocation } from './city';
import { SimulatedLogisticsWorkers } from './logistics-workers';
import { MarketplaceFeed } from './marketplace-feed';
import { OmnichannelDay, type SimulatedMessage } from './omnichannel-day';
import { ProgressBar } from '@app/console';

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
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })),
      })),
    });
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
    if (!workers.busy && lag.inboundMessages === 0 && lag.outboxMessages === 0) break;
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

/** The city's stores and warehouses, registered (or re-described) with the service. */
async function registerLocations(serviceUrl: string, operatorKey: string, locations: readonly SimulatedLocation[]): Promise<void> {
  if (!operatorKey)
    throw new Error(
      'SIM_OPERATOR_KEY is not set: the simulator registers locations with an operator key (npm run cli -- issue-operator-key simulator --scopes locations:write)',
    );
  for (const location of locations) {
    const warehouse = location.type === 'warehouse';
    const profile = {
      type: location.type,
      name: location.name,
      lat: location.lat,
      lng: location.lng,
      shipsOnline: true,
      pickup: !warehouse,
      dailyCapacity: warehouse ? 5000 : 400,
      safetyStock: warehouse ? 5 : 1,
    };
    const response = await fetch(`${serviceUrl}/v1/locations/${location.locationId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
      body: JSON.stringify(profile),
    });
    if (!response.ok) throw new Error(`PUT /v1/locations/${location.locationId} answered ${response.status}: ${await response.text()}`);
  }
}

async function lagOf(serviceUrl: string): Promise<{ inboundMessages: number; outboxMessages: number }> {
  const body = (await (await fetch(`${serviceUrl}/health/ready`)).json()) as {
    lag?: { inboundMessages?: number; outboxMessages?: number };
  };
  return { inboundMessages: body.lag?.inboundMessages ?? 1, outboxMessages: body.lag?.outboxMessages ?? 1 };
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

/** The service's stock bodies; the key goes along, for a service with STOREFRONT_READ_KEY_REQUIRED=true. */
async function skuStocks(serviceUrl: string, operatorKey: string, skus: readonly string[]): Promise<SkuStock[]> {
  const stocks: SkuStock[] = [];
  for (let i = 0; i < skus.length; i += 500) {
    const response = await fetch(`${serviceUrl}/v1/stock?skus=${encodeURIComponent(skus.slice(i, i + 500).join(','))}`, {
      headers: { authorization: `Bearer ${operatorKey}` },
    });
    if (!response.ok) throw new Error(`GET /v1/stock answered ${response.status}: ${await response.text()}`);
    stocks.push(...((await response.json()) as { items: SkuStock[] }).items);
  }
  return stocks;
}

/** On-hand per `location|sku` as the service shows it now. */
async function stockShown(serviceUrl: string, operatorKey: string, skus: readonly string[]): Promise<Map<string, number>> {
  const shown = new Map<string, number>();
  for (const item of await skuStocks(serviceUrl, operatorKey, skus))
    for (const l of item.locations) shown.set(`${l.locationId}|${item.sku}`, l.onHand);
  return shown;
}

/** Wait (bounded) until the marketplace's copy shows what the service shows for every SKU, then report how many match. */
async function compareMarketplace(serviceUrl: string, operatorKey: string, marketplace: MarketplaceFeed, skus: readonly string[]) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mismatches = marketplace.mismatches(await skuStocks(serviceUrl, operatorKey, skus));
    const result = { compared: skus.length, matching: skus.length - mismatches.length, mismatches };
    if (mismatches.length === 0 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The service's stock once it has applied everything already on the topics (it may be catching up). */
async function settledStock(serviceUrl: string, operatorKey: string, skus: readonly string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${serviceUrl}/health/ready`);
    const body = (await response.json()) as { lag?: { inboundMessages?: number; stockViewEvents?: number } };
    const behind = (body.lag?.inboundMessages ?? 1) + (body.lag?.stockViewEvents ?? 1);
    if (response.ok && behind === 0) return stockShown(serviceUrl, operatorKey, skus);
    if (Date.now() > deadline) throw new Error(`the service is still ${behind} messages/events behind after 120 s`);
    process.stderr.write(`simulator: waiting for the service to catch up (${behind} behind)\n`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Per copy of the ledger: on-hand as of its moment, as the service folds it from the log now, against the copy. */
async function compareAsOf(
  serviceUrl: string,
  operatorKey: string,
  ledgers: ReadonlyArray<ReturnType<OmnichannelDay['ledgerAtThisMoment']>>,
  skus: readonly string[],
) {
  const mismatches: string[] = [];
  let compared = 0;
  for (const { moment, onHand } of ledgers) {
    const shown = new Map<string, number>();
    for (const sku of skus) {
      const url = `${serviceUrl}/v1/stock/${encodeURIComponent(sku)}?asOf=${encodeURIComponent(moment)}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${operatorKey}` } });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
      for (const l of ((await response.json()) as SkuStock).locations) shown.set(`${l.locationId}|${sku}`, l.onHand);
    }
    for (const key of new Set([...onHand.keys(), ...shown.keys()])) {
      compared += 1;
      const expected = onHand.get(key) ?? 0;
      const actual = shown.get(key) ?? 0;
      if (actual !== expected) mismatches.push(`${key} at ${moment} expected ${expected}, service shows ${actual}`);
    }
  }
  return { compared, matching: compared - mismatches.length, mismatches };
}

/** Wait (bounded) until the service shows the simulator's numbers, then report how many match. */
async function compareWithService(serviceUrl: string, operatorKey: string, day: OmnichannelDay) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await stockShown(serviceUrl, operatorKey, day.skusTouched);
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
