import { INBOUND_TOPIC_ROLES, type InboundTopicRole } from '@app/contracts';
import { TransactionRunner } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { ServiceConfig } from '../../config/service-config';
import { KafkaConnection } from '../../kafka/kafka-connection';
import { kafkaBatchLogFields } from '../../logging/correlation';
import { withLogContext } from '../../logging/log-context';
import { reasonKind, ServiceMetrics } from '../../metrics/service-metrics';
import { StockViewsProcessor } from '../../stock-views/stock-views-processor.service';
import { RecordInboundBatch, type InboundMessage } from './record-inbound-batch.command';
import { SELECT_STORED_OFFSETS } from './ingestion.sql';

const MAX_MESSAGES_PER_TRANSACTION = 2000;

/**
 * The Kafka side of ingestion: one consumer group over every inbound topic. Each batch (one
 * partition's messages) becomes one RecordInboundBatch command; offsets live in PostgreSQL with the
 * effects, and on assignment the consumer seeks to them.
 */
@Injectable()
export class InboundEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboundEventsConsumer.name);
  private consumer: Consumer | null = null;
  private readonly roleByTopic: Map<string, InboundTopicRole>;

  constructor(
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(StockViewsProcessor) private readonly stockViews: StockViewsProcessor,
  ) {
    this.roleByTopic = new Map(INBOUND_TOPIC_ROLES.map((role) => [config.kafka.topics[role], role]));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.ensureTopics();
    const consumer = this.kafka.kafka.consumer({
      groupId: this.config.kafka.groupId,
      // A crashed instance holds its partitions until its session times out: keep that short.
      sessionTimeout: this.config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.config.kafka.sessionTimeoutMs / 5)),
      maxBytesPerPartition: 2 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      void this.seekToStoredOffsets(consumer, event.payload.memberAssignment).catch((error: Error) =>
        this.logger.warn(`could not seek to stored offsets (in-transaction skipping still applies): ${error.message}`),
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.roleByTopic.keys()], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      // Partitions are applied in parallel, each in its own transactions; a conflict on a shared stock item retries.
      partitionsConsumedConcurrently: this.config.kafka.partitionsConcurrently,
      // Every line logged for a batch carries its topic, partition, first and last offsets.
      eachBatch: (payload) => {
        const { topic, partition, messages } = payload.batch;
        return withLogContext(kafkaBatchLogFields(topic, partition, messages), () => this.onBatch(payload));
      },
    });
    this.logger.log(`consuming ${[...this.roleByTopic.keys()].join(', ')} as group ${this.config.kafka.groupId}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const role = this.roleByTopic.get(batch.topic);
    if (!role) throw new Error(`subscribed to unexpected topic ${batch.topic}`);
    const messages: InboundMessage[] = batch.messages.map((message) => ({
      role,
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
    }));
    // Long batches go in chunks, each its own transaction, with a heartbeat between them.
    for (let start = 0; start < messages.length && isRunning() && !isStale(); start += MAX_MESSAGES_PER_TRANSACTION) {
      const chunk = messages.slice(start, start + MAX_MESSAGES_PER_TRANSACTION);
      const stopTimer = this.metrics.batchSeconds.startTimer({ topic: batch.topic });
      const outcome = await this.commandBus.execute(new RecordInboundBatch(this.config.kafka.groupId, batch.topic, batch.partition, chunk));
      stopTimer();
      // Fresh stock for storefronts: the stock view takes the new events now, not after its idle delay.
      if (outcome.stockEventsAppended > 0) this.stockViews.stockLevels.poke();
      for (const [type, applied] of Object.entries(outcome.appliedByType)) this.metrics.inboundApplied.inc({ topic: batch.topic, type }, applied);
      this.metrics.inboundDuplicates.inc({ topic: batch.topic }, outcome.duplicates);
      this.metrics.stockEventsAppended.inc(outcome.stockEventsAppended);
      for (const reason of outcome.deadLetterReasons) this.metrics.deadLetters.inc({ topic: batch.topic, reason: reasonKind(reason) });
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await heartbeat();
    }
  }

  /**
   * PostgreSQL holds the truth of what was applied: resume each assigned partition at its stored
   * next offset, and a partition with none (a new database) at the earliest offset Kafka still has.
   */
  private async seekToStoredOffsets(consumer: Consumer, assignment: Record<string, number[]>): Promise<void> {
    await this.kafka.withAdmin(async (admin) => {
      for (const [topic, partitions] of Object.entries(assignment)) {
        const rows = await this.transactions.inTransaction((sql) =>
          sql.query<{ partition: number; next_offset: string }>(SELECT_STORED_OFFSETS, [this.config.kafka.groupId, topic]),
        );
        const stored = new Map(rows.map((row) => [row.partition, row.next_offset]));
        const earliest = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.low]));
        for (const partition of partitions) {
          const offset = stored.get(partition) ?? earliest.get(partition) ?? '0';
          consumer.seek({ topic, partition, offset });
        }
      }
    });
  }
}
