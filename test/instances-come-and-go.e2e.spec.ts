import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { topicNamesFromEnv } from '@app/contracts';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupShares } from './support/consumer-group';
import { kafkaCluster } from './support/kafka-cluster';
import { registerLocationsInSchema, PLAIN_STORE } from './support/locations';
import { LOAD_WAREHOUSE, OmnichannelLoad, percentile } from './support/omnichannel-load';
import { backlogsOf, freePort, lagOf, onHandShown, processTestEnv, ServiceProcess } from './support/service-process';
import { SHOP_FLOOR_LOCATIONS } from './support/shop-floor';
import { dropSchema } from './support/test-database';
import { eventually, readTopicUntil, testKafka } from './support/test-kafka';

// Runs with the cluster tests (`bash infra/test-cluster.sh`); 6 partitions a topic, 4 inbound topics: 24 to share.
const PARTITIONS = 6;
const INBOUND_PARTITIONS = 4 * PARTITIONS;
const kafka = testKafka('instances');
const { schema, topicEnv, env } = processTestEnv('instances', {
  KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  ...(kafkaCluster.configured ? { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' } : {}),
});
const topics = topicNamesFromEnv(topicEnv);
const instances: ServiceProcess[] = [];
let load: OmnichannelLoad;
let admin: Admin;

beforeAll(async () => {
  await registerLocationsInSchema(schema, {
    ...Object.fromEntries(SHOP_FLOOR_LOCATIONS.map((id) => [id, {}])),
    [LOAD_WAREHOUSE]: { ...PLAIN_STORE, type: 'warehouse', shipsOnline: true, dailyCapacity: 1_000_000, lat: 30.3, lng: 120.2 },
  });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await load?.close();
  await admin?.disconnect();
  await Promise.all(instances.map((instance) => instance.kill()));
  await dropSchema(schema);
});

const live = () => instances.filter((instance) => instance.pid !== undefined);

async function addInstance(): Promise<ServiceProcess> {
  const instance = new ServiceProcess(env, await freePort());
  instances.push(instance);
  await instance.start();
  return instance;
}

/** Waits until the group is stable with `members` members whose shares differ by at most one; how long it took. */
async function sharesEvenOut(members: number): Promise<{ shares: number[]; tookMs: number }> {
  const started = performance.now();
  const { shares } = await eventually(
    async () => {
      const group = await groupShares(admin, env.KAFKA_GROUP_ID!);
      expect(group.state).toBe('Stable');
      expect(group.shares).toHaveLength(members);
      expect(group.shares.reduce((a, b) => a + b, 0)).toBe(INBOUND_PARTITIONS);
      expect(group.shares[0]! - group.shares[members - 1]!).toBeLessThanOrEqual(1);
      return group;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
  return { shares, tookMs: Math.round(performance.now() - started) };
}

describe.runIf(kafkaCluster.configured)('instances coming and going under load', () => {
  it(
    'three instances share the partitions evenly; one SIGKILLed and one added, the shares even out again and the stock equals the fold',
    { timeout: 900_000 },
    async () => {
      await addInstance();
      load = new OmnichannelLoad(
        kafka,
        topicEnv,
        topics,
        () => live()[0]!.baseUrl,
        { shopFloorPerTick: 20, ordersPerTick: 2, tickMs: 100, probeEveryMs: 200 },
        'ic',
      );
      await load.stockWarehouse();
      await eventually(async () => expect(await lagOf(instances[0]!.baseUrl)).toEqual({ inboundMessages: 0, stockViewEvents: 0 }), {
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      await load.start();
      await addInstance();
      await addInstance();
      const three = await sharesEvenOut(3);
      await new Promise((resolve) => setTimeout(resolve, 5_000));

      // The middle one crashes: its partitions go to the other two once its session times out (6 s).
      const killedAt = performance.now();
      await instances[1]!.kill();
      const afterKill = await sharesEvenOut(2);
      await new Promise((resolve) => setTimeout(resolve, 5_000));

      // A new instance joins: three again.
      const joinedAt = performance.now();
      await addInstance();
      const afterJoin = await sharesEvenOut(3);
      afterJoin.tookMs = Math.round(performance.now() - joinedAt); // from the new process's launch, not from its first answer
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await load.stop();

      const survivor = live()[0]!;
      await eventually(
        async () =>
          expect(await backlogsOf(survivor.baseUrl)).toEqual({
            inboundMessages: 0,
            stockViewEvents: 0,
            stockChangesEvents: 0,
            outboxMessages: 0,
          }),
        { timeoutMs: 180_000, intervalMs: 500 },
      );
      const expected = load.expectedOnHand();
      await eventually(
        async () => {
          const shown = new Map<string, number>();
          const skus = load.skus();
          for (let i = 0; i < skus.length; i += 500)
            for (const [k, v] of await onHandShown(survivor.baseUrl, skus.slice(i, i + 500))) shown.set(k, v);
          expect(shown).toEqual(expected);
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      const dispatched = (
        await readTopicUntil(
          kafka,
          topics.logisticsCommands,
          (received) => new Set(received.map((m) => JSON.parse(m.value!).orderId)).size >= load.orders.length,
          120_000,
        )
      ).map((m) => JSON.parse(m.value!) as { fulfillmentId: string; orderId: string });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(new Set(dispatched.map((c) => c.fulfillmentId)).size).toBe(dispatched.length);
      expect(new Set(dispatched.map((c) => c.orderId))).toEqual(new Set(load.orders.map((o) => o.orderId)));

      const freshness = (from: number, to: number) => {
        const ms = load.probes.filter((p) => p.startedAt >= from && p.startedAt <= to).map((p) => p.visibleAt! - p.startedAt);
        return {
          probes: ms.length,
          p50Ms: Math.round(percentile(ms, 50)),
          p99Ms: Math.round(percentile(ms, 99)),
          maxMs: Math.round(Math.max(...ms)),
        };
      };
      const report = {
        shares: { three: three.shares, afterKill: afterKill.shares, afterJoin: afterJoin.shares },
        evenedOutAfterMs: { kill: afterKill.tookMs, join: afterJoin.tookMs },
        freshness: {
          all: freshness(0, Number.POSITIVE_INFINITY),
          kill: freshness(killedAt, killedAt + afterKill.tookMs),
          join: freshness(joinedAt, joinedAt + afterJoin.tookMs),
        },
        shopFloorMessages: load.sentShopFloor.length,
        orders: load.orders.length,
        failedSendsRepeated: load.failedSends,
        workerCrashes: load.workerCrashes,
      };
      mkdirSync(resolve(__dirname, 'artifacts'), { recursive: true });
      writeFileSync(resolve(__dirname, 'artifacts/instances-come-and-go.json'), `${JSON.stringify(report, null, 2)}\n`);
      console.log(`instances: ${JSON.stringify(report)}`);
    },
  );
});
