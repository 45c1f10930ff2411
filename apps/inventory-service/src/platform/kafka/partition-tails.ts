import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { headersAsText } from './headers';

/**
 * The headers of the last `perPartition` messages of every partition of a topic, read with a
 * throwaway consumer group (deleted afterwards). For rare checks, such as a relay making sure of
 * what was published before it took over; resolves to [] at once when the topic is empty.
 */
export async function readPartitionTailHeaders(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  perPartition: number,
  timeoutMs = 30_000,
): Promise<Array<Record<string, string>>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const wanted = new Map(
    offsets
      .filter((p) => BigInt(p.high) > BigInt(p.low))
      .map((p) => {
        const high = BigInt(p.high);
        const start = high - BigInt(perPartition) > BigInt(p.low) ? high - BigInt(perPartition) : BigInt(p.low);
        return [p.partition, { start, end: high }] as const;
      }),
  );
  if (wanted.size === 0) return [];

  const groupId = `tail-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000 });
  const found: Array<Record<string, string>> = [];
  const remaining = new Set(wanted.keys());
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = wanted.get(batch.partition);
        if (!range || !remaining.has(batch.partition)) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= range.start && offset < range.end) found.push(headersAsText(message.headers));
          if (offset >= range.end - 1n) remaining.delete(batch.partition);
        }
        if (remaining.size === 0) finished();
      },
    });
    for (const [partition, { start }] of wanted) consumer.seek({ topic, partition, offset: start.toString() });
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading the tail of ${topic} took longer than ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return found;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
