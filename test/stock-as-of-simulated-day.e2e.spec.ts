import { sendWithoutLoss } from '@app/kafka-delivery';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipfCatalogue, seededRandom } from '../apps/simulator/src/city';
import { SimulatedLogisticsWorkers } from '../apps/simulator/src/logistics-workers';
import { OmnichannelDay, type SimulatedMessage } from '../apps/simulator/src/omnichannel-day';
import { compareAsOf, registerLocations } from '../apps/simulator/src/service-checks';
import { OmnichannelClient } from './support/omnichannel-client';
import { eventually, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

/**
 * Stock as of a past moment, checked against the simulator's own ledger: a simulated shop-floor day
 * (store sales and returns, receipts, counts, web orders and cancels, the logistics workers' picks,
 * short picks, shipments and transfers) runs through the real service on Kafka and PostgreSQL, the
 * ledger is copied at several moments of the day's clock, and once the whole day is applied,
 * `GET /v1/stock/{sku}?asOf=<moment>` must show each copy's on-hand at every location.
 */
const SEED = 20261111;
const EVENTS = 1_200;
const MOMENTS = 4;

const kafka: Kafka = testKafka('as-of-day');
let service: RunningTestService;
let shop: OmnichannelClient;
let producer: Producer;
let workers: SimulatedLogisticsWorkers;

beforeAll(async () => {
  service = await startTestService();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  shop = new OmnichannelClient(service, producer);
});
afterAll(async () => {
  await workers?.stop();
  await producer?.disconnect();
  await service?.stop();
});

describe('GET /v1/stock/{sku}?asOf= against the simulator ledger of a simulated day', () => {
  it('shows, at each of several moments of the day, exactly the on-hand the ledger had then', async () => {
    const topics = service.config.kafka.topics;
    const day = new OmnichannelDay(ZipfCatalogue.ofSize(40), seededRandom(SEED), `asof${SEED}`);
    await registerLocations(service.baseUrl, service.operatorKey, day.locations);
    workers = new SimulatedLogisticsWorkers(kafka, topics, day, seededRandom(SEED + 1), { pickDelayMs: 150, failedPickRate: 0.05 });
    await workers.start();
    const send = (messages: SimulatedMessage[]) =>
      sendWithoutLoss(
        producer,
        messages.map((m) => ({ topic: topics[m.topic], messages: [{ key: m.key, value: JSON.stringify(m.value) }] })),
      );

    await send([...day.openingReceipts()]);
    const ledgers: Array<ReturnType<OmnichannelDay['ledgerAtThisMoment']>> = [];
    for (let sent = 0; sent < EVENTS;) {
      const batch: SimulatedMessage[] = [];
      for (let i = 0; i < 20; i += 1, sent += 1) batch.push(day.next());
      batch.push(...workers.due());
      await send(batch);
      if (sent % (EVENTS / MOMENTS) === 0) ledgers.push(day.ledgerAtThisMoment());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The workers finish what is in hand, until the service has nothing left to say or apply.
    await eventually(
      async () => {
        const answers = workers.due();
        if (answers.length > 0) await send(answers);
        const { body } = await shop.getJson('/health/ready');
        expect({ busy: workers.busy, ...body.lag }).toMatchObject({
          busy: false,
          inboundMessages: 0,
          stockViewEvents: 0,
          outboxMessages: 0,
        });
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    expect(workers.counts.dispatches).toBeGreaterThan(20);
    expect(workers.counts.failedPicks + workers.counts.transfers).toBeGreaterThan(0);
    // The day as a whole: the view now matches the ledger now (the demo's own check).
    ledgers.push(day.ledgerAtThisMoment());

    expect(ledgers).toHaveLength(MOMENTS + 1);
    const past = await compareAsOf(service.baseUrl, service.operatorKey, ledgers, day.skusTouched);
    expect(past.mismatches).toEqual([]);
    expect(past.compared).toBeGreaterThan(ledgers.length * day.locations.length);
    // The moments are distinct and the stock moved between them.
    expect(new Set(ledgers.map((l) => l.moment)).size).toBe(MOMENTS + 1);
    expect(JSON.stringify([...ledgers[0]!.onHand])).not.toBe(JSON.stringify([...ledgers.at(-1)!.onHand]));
  }, 240_000);
});
