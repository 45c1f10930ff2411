import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Partitioners, logLevel, type Admin, type Producer, type ProducerConfig } from 'kafkajs';
import { COMPACTED_TOPIC_ROLES } from '@app/contracts';
import { stopIdleRequestQueuePolling } from '@app/kafka-delivery';
import { ServiceConfig } from '../config';
import { createdTopicReplication, kafkaSecurityOptions } from './kafka-client-options';

/**
 * The one Kafka client of the process, its idempotent producer (acks from all in-sync replicas) and
 * topic set-up. Thin: everything about what to send lives with the use cases.
 */
@Injectable()
export class KafkaConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaConnection.name);
  readonly kafka: Kafka;
  private producerReady: Promise<Producer> | null = null;
  private adminReady: Promise<Admin> | null = null;

  constructor(@Inject(ServiceConfig) private readonly config: ServiceConfig) {
    stopIdleRequestQueuePolling(); // kafkajs 2.2.4 polls every broker connection every 1 ms when idle
    this.kafka = new Kafka({
      clientId: config.kafka.clientId,
      brokers: config.kafka.brokers,
      ...kafkaSecurityOptions(config.kafka),
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 200 },
      logCreator: () => (entry) => {
        const { message, ...extra } = entry.log;
        this.logger.warn(`${entry.namespace}: ${message} ${JSON.stringify(extra)}`);
      },
    });
  }

  /**
   * A new producer (not connected) with the house settings, `overrides` on top: for a user that must
   * own its producer's life (the outbox relay closes its own to fence a send it gave up on).
   */
  createProducer(overrides: ProducerConfig = {}): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner, // Java-compatible murmur2: same partitions as other clients
      ...overrides,
    });
  }

  producer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const producer = this.createProducer();
      await producer.connect();
      return producer;
    })();
    return this.producerReady;
  }

  /**
   * Run work with the process's one admin client (connected once, not per health check or scrape).
   * After a failure the client is dropped, so the next call connects afresh.
   */
  async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    this.adminReady ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const pending = this.adminReady;
    try {
      return await work(await pending);
    } catch (error) {
      if (this.adminReady === pending) {
        this.adminReady = null;
        void pending.then((admin) => admin.disconnect()).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Create the contract's topics that do not exist yet (a no-op when they all do); retail.stock.changes compacted. */
  async ensureTopics(): Promise<void> {
    await this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = [...new Set(Object.values(this.config.kafka.topics))].filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      const compacted = new Set(COMPACTED_TOPIC_ROLES.map((role) => this.config.kafka.topics[role]));
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => {
          const replication = createdTopicReplication(this.config.kafka);
          const configEntries = [...(replication.configEntries ?? [])];
          if (compacted.has(topic)) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
          return { topic, numPartitions: this.config.kafka.topicPartitions, ...replication, configEntries };
        }),
      });
      this.logger.log(`created topics ${missing.join(', ')}`);
    });
  }

  /** After every consumer and relay stopped (they stop in beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    if (this.producerReady) await (await this.producerReady).disconnect();
    if (this.adminReady) await (await this.adminReady.catch(() => null))?.disconnect();
  }
}
