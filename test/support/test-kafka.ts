import { randomBytes } from 'node:crypto';
import { DEFAULT_TOPICS, TOPIC_ENV_VARS, type TopicRole } from '@app/contracts';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';

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
  await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) });
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
