import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from './support/test-database';
import { connectedProducer, eventually, testKafka } from './support/test-kafka';
import { freePort, lagOf, onHandShown, processTestEnv, ServiceProcess } from './support/service-process';
import { registerLocationsInSchema } from './support/locations';
import { sendShopFloor, shopFloor, SHOP_FLOOR_LOCATIONS, SHOP_FLOOR_SKUS } from './support/shop-floor';

const { schema, topicEnv, env } = processTestEnv('kill', { SNAPSHOT_EVERY_EVENTS: '7' });
let service: ServiceProcess;
let producer: Producer;

beforeAll(async () => {
  service = new ServiceProcess(env, await freePort());
  await registerLocationsInSchema(schema, SHOP_FLOOR_LOCATIONS);
  producer = await connectedProducer(testKafka());
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.kill();
  await dropSchema(schema);
});

const ready = () => lagOf(service.baseUrl);

describe('crash safety: SIGKILL in the middle of a stream', () => {
  it(
    'ends with stock equal to the fold of the events, nothing lost and nothing counted twice, after repeated kills',
    { timeout: 300_000 },
    async () => {
      const { expected, messages } = shopFloor(30_000, topicEnv);
      // The whole stream is on the topics before the service starts, so there is a backlog to crash in.
      await sendShopFloor(producer, messages);
      await service.start();

      // Kill while batches are being applied: wait until the (re)started instance is consuming, then
      // kill it a moment later, four times.
      let killsMidBatch = 0;
      for (let kill = 0; kill < 4; kill += 1) {
        const before = (await ready()).inboundMessages;
        await eventually(async () => expect((await ready()).inboundMessages).toBeLessThan(before), { timeoutMs: 60_000, intervalMs: 50 });
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 250));
        if ((await ready()).inboundMessages > 0) killsMidBatch += 1;
        await service.kill();
        await service.start();
      }
      expect(killsMidBatch).toBeGreaterThanOrEqual(3); // the kills hit a stream being applied, not an idle service

      await eventually(
        async () => {
          const { inboundMessages, stockViewEvents } = await ready();
          expect({ inboundMessages, stockViewEvents }).toEqual({ inboundMessages: 0, stockViewEvents: 0 });
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      const shown = await onHandShown(service.baseUrl, SHOP_FLOOR_SKUS);
      expect(shown).toEqual(expected);
    },
  );
});
