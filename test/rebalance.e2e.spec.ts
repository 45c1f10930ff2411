import { AssignerProtocol, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, lagOf, onHandShown, processTestEnv, ServiceProcess } from './support/service-process';
import { registerLocationsInSchema } from './support/locations';
import { sendShopFloor, shopFloor, SHOP_FLOOR_LOCATIONS, SHOP_FLOOR_SKUS } from './support/shop-floor';
import { dropSchema } from './support/test-database';
import { connectedProducer, eventually, testKafka } from './support/test-kafka';

const { schema, topicEnv, env } = processTestEnv('rebal');
let first: ServiceProcess;
let second: ServiceProcess;
let producer: Producer;

beforeAll(async () => {
  await registerLocationsInSchema(schema, SHOP_FLOOR_LOCATIONS);
  first = new ServiceProcess(env, await freePort());
  second = new ServiceProcess(env, await freePort());
  producer = await connectedProducer(testKafka());
});
afterAll(async () => {
  await producer?.disconnect();
  await Promise.all([first?.kill(), second?.kill()]);
  await dropSchema(schema);
});

describe('horizontal scale: two instances in one consumer group', () => {
  it(
    'share the partitions, and rebalances under load (one joins, one leaves) lose nothing and count nothing twice',
    { timeout: 300_000 },
    async () => {
      const { expected, messages } = shopFloor(24_000, topicEnv, 'rb');
      await sendShopFloor(producer, messages.slice(0, 12_000));
      await first.start();
      await eventually(async () => expect((await lagOf(first.baseUrl)).inboundMessages).toBeLessThan(12_000), {
        timeoutMs: 60_000,
        intervalMs: 50,
      });

      // A second instance joins while the first is applying the backlog: the group rebalances.
      await second.start();
      await sendShopFloor(producer, messages.slice(12_000));
      const admin = testKafka().admin();
      await admin.connect();
      try {
        // Both are members of the group, each with partitions of its own.
        await eventually(
          async () => {
            const [group] = (await admin.describeGroups([env.KAFKA_GROUP_ID!])).groups;
            expect(group!.state).toBe('Stable');
            expect(group!.members).toHaveLength(2);
            for (const member of group!.members) {
              const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
              const partitions = Object.values(decoded?.assignment ?? {}).flat();
              expect(partitions.length).toBeGreaterThan(0);
            }
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        );
      } finally {
        await admin.disconnect();
      }

      // The first leaves (graceful stop) while the rest is being applied: the second takes everything.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await first.stop();

      await eventually(async () => expect(await lagOf(second.baseUrl)).toEqual({ inboundMessages: 0, stockViewEvents: 0 }), {
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      expect(await onHandShown(second.baseUrl, SHOP_FLOOR_SKUS)).toEqual(expected);
    },
  );
});
