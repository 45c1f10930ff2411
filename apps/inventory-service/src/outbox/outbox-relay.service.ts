import { TransactionRunner } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../config/service-config';
import { KafkaConnection } from '../kafka/kafka-connection';
import { COUNT_UNPUBLISHED, MARK_PUBLISHED, SELECT_UNPUBLISHED } from './outbox.sql';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: Buffer | null;
  message_value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Publishes the outbox to Kafka in id order and marks what was sent, in one transaction per batch.
 * At least once: a crash after the send and before the commit sends that batch again.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Publish one batch; resolves to how many messages were sent. */
  async publishNextBatch(): Promise<number> {
    const producer = await this.kafka.producer();
    return this.transactions.inTransaction(async (sql) => {
      const rows = await sql.query<OutboxRow>(SELECT_UNPUBLISHED, [this.config.outbox.batchSize]);
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({
          topic,
          messages: messages.map((m) => ({ key: m.message_key, value: m.message_value, headers: m.headers })),
        })),
      });
      await sql.query(MARK_PUBLISHED, [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  async backlog(): Promise<number> {
    return this.transactions.inTransaction(async (sql) => {
      const [row] = await sql.query<{ backlog: number }>(COUNT_UNPUBLISHED);
      return row?.backlog ?? 0;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.publishNextBatch();
      } catch (error) {
        this.logger.error(`outbox relay failed, retrying: ${(error as Error).message}`);
        await delay(1000);
      }
      if (sent < this.config.outbox.batchSize) await delay(this.config.outbox.idleMs);
    }
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
