import type { Message, Producer, TopicMessages } from 'kafkajs';

/** How many per-key sends of one batch are on their way at once. */
const SENDS_IN_FLIGHT = 16;

/**
 * Send a batch with acks from every in-sync replica so that no message is dropped while a
 * partition's leader moves, which one kafkajs `send`/`sendBatch` spanning several brokers can do.
 *
 * Why: in kafkajs 2.2.4 (`src/producer/sendMessages.js`) one send remembers, across its retries,
 * which brokers already answered. On a retry after a leader died it plans the partitions again by
 * their new leaders, but sends only to brokers that have not answered yet. The dead leader's
 * partitions now belong to a broker that did answer (for its own partitions), so nothing is sent
 * for them, and the send resolves as if they had been written. Seen here on a three-broker cluster
 * (test/broker-failover.e2e.spec.ts): orders acknowledged by a `sendBatch` were never on the topic.
 *
 * A send whose messages all go to one partition has one broker to plan for at every attempt, so its
 * retries are sound. Messages with the same key go to the same partition (the default
 * partitioner), so this sends each topic's messages grouped by key, one send per key in the order
 * the batch holds them (a key's order is kept), several keys at once; a message without a key
 * (spread round-robin) goes in a send of its own. Resolves once every message is acknowledged;
 * rejects if any send fails for good (others may have been written: send again with the same
 * event ids, which consumers of the contract's topics drop as repeats).
 */
export async function sendWithoutLoss(producer: Producer, topicMessages: readonly TopicMessages[]): Promise<void> {
  const sends: Array<{ topic: string; messages: Message[] }> = [];
  for (const { topic, messages } of topicMessages) {
    const byKey = new Map<string, Message[]>();
    for (const message of messages) {
      if (message.key === null || message.key === undefined) {
        sends.push({ topic, messages: [message] });
        continue;
      }
      const key = typeof message.key === 'string' ? message.key : message.key.toString('latin1');
      const group = byKey.get(key);
      if (group) group.push(message);
      else byKey.set(key, [message]);
    }
    for (const group of byKey.values()) sends.push({ topic, messages: group });
  }
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < sends.length) {
      const { topic, messages } = sends[next++]!;
      await producer.send({ topic, acks: -1, messages });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SENDS_IN_FLIGHT, sends.length) }, sender));
}
