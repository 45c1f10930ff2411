import { sendWithoutLoss } from '@app/kafka-delivery';
import { randomBytes } from 'node:crypto';
import { DEFAULT_TOPICS, TOPIC_ENV_VARS, type TopicRole } from '@app/contracts';
import { Kafka, Partitioners, logLevel, type IHeaders, type Producer } from 'kafkajs';

/** The broker the tests use: KAFKA_BROKERS, else the one `infra/kafka/kafka.sh start` runs. */
export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export function testKafka(clientId = 'inventory-tests'): Kafka {
  return new Kafka({ clientId, brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

/** Topic names of their own for one test run, as TOPIC_* environment variables. */
export function uniqueTopicEnv(runId = randomBytes(4).toString('hex')): Record<string, string> {
  const env: Record<string, string> = {};
  for (const role of Object.keys(DEFAULT_TOPICS) as TopicRole[]) env[TOPIC_ENV_VARS[role]] = `${DEFAULT_TOPICS[role]}.test-${runId}`;
  return env;
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Send contract events as JSON, keyed as the contract says. */
export async function sendJson(producer: Producer, topic: string, messages: Array<{ key: string; value: unknown }>): Promise<void> {
  await sendWithoutLoss(producer, [{ topic, messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) }]);
}

/** Poll until the check passes or the time is up; the last failure is rethrown. */
export async function eventually<T>(check: () => Promise<T>, { timeoutMs = 30_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

export interface ConsumedMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** The headers as kafkajs gave them: bytes, and an array for a repeated header. */
  rawHeaders: IHeaders;
  partition: number;
  offset: string;
}

/** Read a topic from its start until `count` messages arrived (or time runs out). */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 30_000): Promise<ConsumedMessage[]> {
  return readTopicUntil(kafka, topic, (received) => received.length >= count, timeoutMs, `${count} messages`);
}

/** Read a topic from its start until what arrived satisfies `done` (or time runs out: the error carries what did arrive, as `received`). */
export async function readTopicUntil(
  kafka: Kafka,
  topic: string,
  done: (received: readonly ConsumedMessage[]) => boolean,
  timeoutMs = 30_000,
  awaited = 'the awaited messages',
): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const received: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`only ${received.length} messages on ${topic} after ${timeoutMs} ms, not ${awaited}`), { received }),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(value);
          received.push({
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers,
            rawHeaders: message.headers ?? {},
            partition,
            offset: message.offset,
          });
          if (done(received)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}
