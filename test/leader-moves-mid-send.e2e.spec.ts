import { sendWithoutLoss } from '@app/kafka-delivery';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitFullIsr, busiestLeader, kafkaCluster, partitionLeadership } from './support/kafka-cluster';
import { connectedProducer, eventually, readTopicUntil, testKafka, type ConsumedMessage } from './support/test-kafka';

/**
 * Runs on the three-node cluster only (npm run test:cluster). Batches spanning every partition are
 * sent through `sendWithoutLoss` while the broker leading the most of them is SIGKILLed: every
 * message acknowledged must be on the topic. A plain kafkajs `sendBatch` fails this (its retry after
 * the leader moved skips the partitions that moved to a broker that had already answered; see
 * libs/kafka-delivery), which is how test/broker-failover.e2e.spec.ts lost orders.
 */
const kafka = testKafka('leader-moves');
const topic = `leader-moves-${Date.now().toString(36)}`;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
  });
  producer = await connectedProducer(kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
});

describe.runIf(kafkaCluster.configured)('a partition leader SIGKILLed while batches are sent', () => {
  it('loses no acknowledged message of a batch spanning every partition', { timeout: 300_000 }, async () => {
    const acknowledged = new Set<string>();
    let sending = true;
    let failedSends = 0;
    const sender = (async () => {
      for (let batch = 0; sending; batch += 1) {
        const messages = Array.from({ length: 24 }, (_, k) => ({ key: `key-${k}`, value: `${batch}/${k}` }));
        for (;;) {
          try {
            await sendWithoutLoss(producer, [{ topic, messages }]);
            break;
          } catch {
            failedSends += 1; // sent again whole: a repeat is told apart by its value
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
        for (const m of messages) acknowledged.add(m.value);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const node = await busiestLeader(admin, [topic]);
    await kafkaCluster.kill(node);
    const alive = new Set([1, 2, 3].filter((n) => n !== node));
    await eventually(async () => expect((await partitionLeadership(admin, [topic], alive)).leaderless).toBe(0), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    sending = false;
    await sender;
    await kafkaCluster.start();
    await awaitFullIsr(admin, [topic]);

    // Acknowledged values seen on the topic so far (repeats of a batch sent again count once).
    const onTopic = new Set<string>();
    let looked = 0;
    const allThere = (received: readonly ConsumedMessage[]) => {
      for (; looked < received.length; looked += 1) {
        const value = received[looked]!.value!;
        if (acknowledged.has(value)) onTopic.add(value);
      }
      return onTopic.size === acknowledged.size;
    };
    await readTopicUntil(kafka, topic, allThere, 60_000).catch(() => undefined); // what is missing is listed below
    const missing = [...acknowledged].filter((value) => !onTopic.has(value));
    console.log(`leader moves mid-send: ${acknowledged.size} acknowledged, ${missing.length} missing, ${failedSends} sends repeated`);
    expect(missing).toEqual([]);
  });
});
