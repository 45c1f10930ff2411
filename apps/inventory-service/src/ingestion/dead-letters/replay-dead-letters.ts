import { DEAD_LETTER_HEADERS, INBOUND_TOPIC_ROLES } from '@app/contracts';
import { sendWithoutLoss } from '@app/kafka-delivery';
import { Kafka, Partitioners, logLevel, type IHeaders } from 'kafkajs';
import type { ServiceConfig } from '../../platform/config';
import { headersAsText } from '../../platform/kafka';
import { kafkaSecurityOptions } from '../../platform/kafka';
import { OUTBOX_HEADERS } from '../../outbox';

export interface ReplayFilter {
  sourceTopic?: string;
  reasonContains?: string;
  dryRun?: boolean;
}

export interface ReplayOutcome {
  read: number;
  replayed: number;
  skipped: number;
  byReason: Record<string, number>;
}

/** The header a replayed message carries: where in the dead-letter topic it came from. */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';

/**
 * Sends dead letters back to the topic they came from, unchanged (key, value, original headers),
 * so the service applies them again after a fix. Reads the dead-letter topic from its start up to
 * its end when the replay began; a letter that fails again becomes a new dead letter past that end.
 * Replaying twice is safe: an event applied the first time is a duplicate the second time.
 */
export async function replayDeadLetters(
  config: ServiceConfig,
  filter: ReplayFilter,
  onProgress?: (done: number, total: number) => void,
): Promise<ReplayOutcome> {
  const kafka = new Kafka({
    clientId: `${config.kafka.clientId}-dlq-replay`,
    brokers: config.kafka.brokers,
    ...kafkaSecurityOptions(config.kafka),
    logLevel: logLevel.ERROR,
  });
  const inbound = new Set(INBOUND_TOPIC_ROLES.map((role) => config.kafka.topics[role]));
  const dlq = config.kafka.topics.deadLetters;
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(dlq)).map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
  await admin.disconnect();
  const total = [...ends.values()].reduce((sum, p) => sum + Number(p.high - p.low), 0);
  const outcome: ReplayOutcome = { read: 0, replayed: 0, skipped: 0, byReason: {} };
  if (total === 0) return outcome;

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // A throwaway group id: the replay always reads the topic from its start, and commits nothing.
  const consumer = kafka.consumer({
    groupId: `${config.kafka.groupId}-dlq-replay-${process.pid}-${Date.now()}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: dlq, fromBeginning: true });
  const remaining = new Set([...ends].filter(([, p]) => p.high > p.low).map(([partition]) => partition));
  let failure: unknown = null;
  const finished = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        try {
          const end = ends.get(batch.partition)!.high;
          const toSend: Array<{ topic: string; key: Buffer | null; value: Buffer | null; headers: IHeaders }> = [];
          for (const message of batch.messages) {
            if (BigInt(message.offset) >= end) break;
            outcome.read += 1;
            const headers = headersAsText(message.headers);
            const source = headers[DEAD_LETTER_HEADERS.sourceTopic] ?? '';
            const reason = headers[DEAD_LETTER_HEADERS.reason] ?? '(no reason)';
            const matches =
              inbound.has(source) &&
              (filter.sourceTopic === undefined || filter.sourceTopic === source) &&
              (filter.reasonContains === undefined || reason.includes(filter.reasonContains));
            if (!matches) {
              outcome.skipped += 1;
              continue;
            }
            const key = reason.split(':')[0]!.slice(0, 60);
            outcome.byReason[key] = (outcome.byReason[key] ?? 0) + 1;
            // The headers it arrived with, byte for byte: without ours (the dead letter's, and the relay's).
            const original = Object.fromEntries(
              Object.entries(message.headers ?? {}).filter(
                ([name]) => !name.startsWith('dlq-') && name !== OUTBOX_HEADERS.id && name !== OUTBOX_HEADERS.origin,
              ),
            );
            toSend.push({
              topic: source,
              key: message.key,
              value: message.value,
              headers: { ...original, [REPLAYED_FROM_HEADER]: `${dlq}/${batch.partition}/${message.offset}` },
            });
          }
          if (!filter.dryRun && toSend.length > 0) {
            await sendWithoutLoss(
              producer,
              [...new Set(toSend.map((m) => m.topic))].map((topic) => ({
                topic,
                messages: toSend.filter((m) => m.topic === topic).map(({ key, value, headers }) => ({ key, value, headers })),
              })),
            );
          }
          outcome.replayed += filter.dryRun ? 0 : toSend.length;
          onProgress?.(outcome.read, total);
          const last = batch.messages[batch.messages.length - 1];
          if (!last || BigInt(last.offset) + 1n >= end) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        } catch (error) {
          failure = error;
          resolve();
        }
      },
    });
  });
  try {
    await finished;
    if (failure) throw failure;
    return outcome;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}
