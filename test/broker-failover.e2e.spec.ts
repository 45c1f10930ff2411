import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { topicNamesFromEnv } from '@app/contracts';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch as fetch } from './support/documented-answers';
import { awaitFullIsr, busiestLeader, kafkaCluster, partitionLeadership } from './support/kafka-cluster';
import { registerLocationsInSchema, PLAIN_STORE } from './support/locations';
import { bearer, issueOperatorKeyWithCli } from './support/operator-keys';
import { LOAD_WAREHOUSE, OmnichannelLoad, percentile, type Probe } from './support/omnichannel-load';
import { backlogsOf, freePort, lagOf, onHandShown, processTestEnv, ServiceProcess } from './support/service-process';
import { SHOP_FLOOR_LOCATIONS } from './support/shop-floor';
import { Client } from 'pg';
import { dropSchema, TEST_DATABASE_URL } from './support/test-database';
import { eventually, readTopicUntil, testKafka, type ConsumedMessage } from './support/test-kafka';

// Runs on the three-node cluster only: `bash infra/test-cluster.sh` (npm run test:cluster).
const kafka = testKafka('broker-failover');
const { schema, topicEnv, env } = processTestEnv('failover', { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
const topics = topicNamesFromEnv(topicEnv);
const testTopics = [...new Set(Object.values(topics))];
let service: ServiceProcess;
let load: OmnichannelLoad;
let admin: Admin;

interface Drill {
  what: string;
  node: number;
  killedAt: number;
  /** Every partition of the test's topics led by a live broker again. */
  leadersMovedAt?: number;
  restartedAt?: number;
  inSyncAt?: number;
}
const drills: Drill[] = [];

beforeAll(async () => {
  await registerLocationsInSchema(schema, {
    ...Object.fromEntries(SHOP_FLOOR_LOCATIONS.map((id) => [id, {}])),
    [LOAD_WAREHOUSE]: { ...PLAIN_STORE, type: 'warehouse', shipsOnline: true, dailyCapacity: 1_000_000, lat: 30.3, lng: 120.2 },
  });
  service = new ServiceProcess(env, await freePort());
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await load?.close();
  await admin?.disconnect();
  await service?.kill();
  await dropSchema(schema);
});

async function caughtUp(timeoutMs = 180_000): Promise<void> {
  await eventually(async () => expect(await lagOf(service.baseUrl)).toEqual({ inboundMessages: 0, stockViewEvents: 0 }), {
    timeoutMs,
    intervalMs: 500,
  });
}

/** SIGKILL a node under load, wait until its partitions have new leaders and 10 s more, restart it, wait until in sync. */
async function drill(what: string, node: number): Promise<void> {
  const record: Drill = { what, node, killedAt: performance.now() };
  drills.push(record);
  await kafkaCluster.kill(node);
  const alive = new Set([1, 2, 3].filter((n) => n !== node));
  await eventually(async () => expect((await partitionLeadership(admin, testTopics, alive)).leaderless).toBe(0), {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  record.leadersMovedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  await kafkaCluster.start();
  record.restartedAt = performance.now();
  await awaitFullIsr(admin, testTopics);
  record.inSyncAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
}

/** Every backlog drained: Kafka lag, the stock view and the outbox. */
async function settled(timeoutMs = 180_000): Promise<void> {
  await eventually(
    async () =>
      expect(await backlogsOf(service.baseUrl)).toEqual({
        inboundMessages: 0,
        stockViewEvents: 0,
        stockChangesEvents: 0,
        outboxMessages: 0,
      }),
    { timeoutMs, intervalMs: 500 },
  );
}

async function shownOnHand(skus: readonly string[]): Promise<Map<string, number>> {
  const shown = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 500)
    for (const [k, v] of await onHandShown(service.baseUrl, skus.slice(i, i + 500))) shown.set(k, v);
  return shown;
}

/**
 * For a failure report: each order with no DispatchFulfillment on the topic, with what the service
 * says of it and what its outbox holds for it (queued, published when), so a loss can be placed.
 */
async function whyNotDispatched(received: readonly ConsumedMessage[]): Promise<string> {
  const dispatchedOrders = new Set(received.map((m) => (JSON.parse(m.value!) as { orderId: string }).orderId));
  const missing = load.orders.filter((o) => !dispatchedOrders.has(o.orderId)).slice(0, 10);
  const operatorKey = await issueOperatorKeyWithCli(env);
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  try {
    const lines = [];
    for (const { orderId } of missing) {
      const view = await fetch(`${service.baseUrl}/v1/orders/${orderId}/fulfillment`, { headers: bearer(operatorKey) });
      const outbox = await db.query(
        `SELECT id, topic, published_at FROM "${schema}".outbox WHERE convert_from(message_value, 'UTF8') LIKE $1 ORDER BY id`,
        [`%"orderId":"${orderId}"%`],
      );
      lines.push(`${orderId}: service answers ${view.status} ${await view.text()}; outbox rows ${JSON.stringify(outbox.rows)}`);
    }
    return `${missing.length} orders without a dispatch on the topic (first 10):\n${lines.join('\n')}`;
  } finally {
    await db.end();
  }
}

/** test/artifacts/broker-failover.json (the figures) and broker-failover.service.log (the service's own lines). */
function writeReport(): void {
  const during = (d: Drill, p: Probe) => p.startedAt >= d.killedAt && p.startedAt <= (d.inSyncAt ?? Number.POSITIVE_INFINITY);
  const seen = load.probes.filter((p) => p.visibleAt !== undefined);
  const report = {
    freshness: freshness(seen),
    freshnessOutsideDrills: freshness(seen.filter((p) => !drills.some((d) => during(d, p)))),
    drills: drills.map((d) => ({
      what: d.what,
      node: d.node,
      leadersMovedAfterMs: d.leadersMovedAt && Math.round(d.leadersMovedAt - d.killedAt),
      restartTookMs: d.restartedAt && d.leadersMovedAt && Math.round(d.restartedAt - d.leadersMovedAt - 10_000),
      inSyncAfterRestartMs: d.inSyncAt && d.restartedAt && Math.round(d.inSyncAt - d.restartedAt),
      freshness: freshness(seen.filter((p) => during(d, p))),
    })),
    shopFloorMessages: load.sentShopFloor.length,
    orders: load.orders.length,
    probes: load.probes.length,
    failedSendsRepeated: load.failedSends,
    commandDeliveriesToWorker: load.commandDeliveries,
    workerCrashes: load.workerCrashes,
  };
  mkdirSync(resolve(__dirname, 'artifacts'), { recursive: true });
  writeFileSync(resolve(__dirname, 'artifacts/broker-failover.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(resolve(__dirname, 'artifacts/broker-failover.service.log'), service.log);
  console.log(`broker failover: ${JSON.stringify(report)}`);
}

function freshness(probes: readonly Probe[]) {
  const ms = probes.map((p) => p.visibleAt! - p.startedAt);
  return {
    probes: ms.length,
    p50Ms: Math.round(percentile(ms, 50)),
    p99Ms: Math.round(percentile(ms, 99)),
    maxMs: Math.round(Math.max(...ms)),
  };
}

describe.runIf(kafkaCluster.configured)('a broker killed under load (three-node cluster)', () => {
  it(
    'loses nothing, counts nothing twice and commands every fulfillment once while the busiest leader and then the active controller are SIGKILLed and restarted',
    { timeout: 900_000 },
    async () => {
      await service.start();
      const pid = service.pid;
      // The service created the test's topics with three replicas each and min.insync.replicas=2.
      const created = await partitionLeadership(admin, testTopics);
      expect(created.replicationFactors).toEqual(new Set([3]));
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: topics.offlineSales, configNames: ['min.insync.replicas'] }],
        includeSynonyms: false,
      });
      expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('2');

      load = new OmnichannelLoad(
        kafka,
        topicEnv,
        topics,
        () => service.baseUrl,
        { shopFloorPerTick: 20, ordersPerTick: 2, tickMs: 100, probeEveryMs: 200 },
        'fo',
      );
      await load.stockWarehouse();
      await caughtUp();
      await load.start();
      await new Promise((resolve) => setTimeout(resolve, 8_000));

      await drill('busiest partition leader', await busiestLeader(admin, testTopics));
      await drill('active controller', await kafkaCluster.controller());

      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await load.stop();
      try {
        await settled();
        // No service restart: the same process served throughout.
        expect(service.pid).toBe(pid);

        // Every fulfillment commanded exactly once: one DispatchFulfillment per order on the topic, none twice.
        const dispatched = (
          await readTopicUntil(
            kafka,
            topics.logisticsCommands,
            (received) => new Set(received.map((m) => JSON.parse(m.value!).orderId)).size >= load.orders.length,
            120_000,
          ).catch(async (error: Error & { received?: ConsumedMessage[] }) => {
            throw new Error(`${error.message}\n${await whyNotDispatched(error.received ?? [])}`);
          })
        ).map((m) => JSON.parse(m.value!) as { type: string; fulfillmentId: string; orderId: string });
        expect(dispatched.every((c) => c.type === 'DispatchFulfillment')).toBe(true);
        expect(new Set(dispatched.map((c) => c.fulfillmentId)).size).toBe(dispatched.length);
        expect(new Set(dispatched.map((c) => c.orderId))).toEqual(new Set(load.orders.map((o) => o.orderId)));

        // Nothing lost, nothing counted twice: every on-hand equals the fold of what was sent, once every order has shipped.
        const expected = load.expectedOnHand();
        await eventually(async () => expect(await shownOnHand(load.skus())).toEqual(expected), { timeoutMs: 120_000, intervalMs: 1000 });
        const operatorKey = await issueOperatorKeyWithCli(env);
        for (const order of load.orders.filter((_, i) => i % 25 === 0)) {
          const response = await fetch(`${service.baseUrl}/v1/orders/${order.orderId}/fulfillment`, { headers: bearer(operatorKey) });
          const body = (await response.json()) as { fulfillments: Array<{ state: string }> };
          expect(body.fulfillments.map((f) => f.state)).toEqual(['shipped']);
        }
      } finally {
        writeReport();
      }
    },
  );
});
