import { INBOUND_TOPIC_ROLES, type InboundTopicRole } from '@app/contracts';
import { TransactionRunner } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { ServiceConfig } from '../platform/config';
import { KafkaConnection } from '../platform/kafka';
import { kafkaBatchLogFields } from '../platform/logging';
import { withLogContext } from '../platform/logging';
import { reasonKind, ServiceMetrics } from '../platform/metrics';
import { StockViewsProcessor } from '../stock-views';
import { RecordInboundBatch, type InboundMessage } from './record-inbound-batch.command';
import { SELECT_STORED_OFFSETS } from './ingestion.sql';
import { StoredOffsetsMonitor } from './stored-offsets.monitor';

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
  /** Counts assignments (group joins): a seek started for an older one does not open a partition. */
  private generation = 0;
  /** Partitions of the current assignment whose seek to the stored offset is done, with their log start then. */
  private readonly ready = new Map<string, { logStart: string; seekingBackFromGap?: boolean }>();
  private seeking: Promise<void> = Promise.resolve();

  constructor(
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(StockViewsProcessor) private readonly stockViews: StockViewsProcessor,
    @Inject(StoredOffsetsMonitor) private readonly storedOffsets: StoredOffsetsMonitor,
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
      // A new assignment: no partition is consumed until its seek to the stored offset is done.
      this.generation += 1;
      this.ready.clear();
      this.seeking = this.seekUntilDone(consumer, event.payload.memberAssignment, this.generation);
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

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const key = `${batch.topic}:${batch.partition}`;
    if (!this.ready.has(key)) {
      // Fetched before this partition's seek to the stored offset: wait for the seek (which makes this
      // batch stale), and leave its offsets unresolved; kafkajs then fetches from the stored offset.
      await Promise.race([this.seeking, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      return;
    }
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
    // Where Kafka read from: its first record (control records included), then the offset after the previous chunk.
    let readFrom = batch.firstOffset() ?? messages[0]!.offset;
    for (
      let start = 0;
      start < messages.length && isRunning() && !isStale() && this.ready.has(key);
      start += MAX_MESSAGES_PER_TRANSACTION
    ) {
      const chunk = messages.slice(start, start + MAX_MESSAGES_PER_TRANSACTION);
      const fence = this.ready.get(key)!;
      // Sought back to the stored offset after a gap, and Kafka still reads from above it: what lies
      // between is gone from the log (compaction, or retention since it was measured); take the gap, counted.
      const logStart = fence.seekingBackFromGap && start === 0 ? readFrom : fence.logStart;
      fence.seekingBackFromGap = false;
      const position = { readFrom, logStart, logEnd: batch.highWatermark };
      readFrom = (BigInt(chunk[chunk.length - 1]!.offset) + 1n).toString();
      const stopTimer = this.metrics.batchSeconds.startTimer({ topic: batch.topic });
      const outcome = await this.commandBus.execute(
        new RecordInboundBatch(this.config.kafka.groupId, batch.topic, batch.partition, chunk, position),
      );
      stopTimer();
      if (outcome.gapAfter !== undefined) {
        // Kafka read from above PostgreSQL's offset (its committed offsets ahead, after a restore, say):
        // back to the stored offset, with the log start measured again (retention may have moved it).
        this.logger.warn(
          `${key}: Kafka read from ${position.readFrom}, but the stored next offset is ${outcome.gapAfter}; seeking back to it`,
        );
        this.ready.delete(key);
        this.seeking = this.seekUntilDone(this.consumer!, { [batch.topic]: [batch.partition] }, this.generation, true);
        return;
      }
      if (outcome.aheadOfLog) {
        const { storedNextOffset, logEndOffset } = outcome.aheadOfLog;
        this.logger.error(
          `${key}: the stored next offset ${storedNextOffset} is past the log's end ${logEndOffset} (topic recreated?); partition paused, nothing taken as applied. ` +
            'Set kafka_offsets.next_offset for it once you know where to resume, then restart.',
        );
        this.storedOffsets.aheadOfLog({ topic: batch.topic, partition: batch.partition, storedNextOffset, logEndOffset });
        pause();
        return;
      }
      if (outcome.lostToRetention) {
        this.logger.error(
          `${key}: ${outcome.lostToRetention} offsets before ${position.readFrom} were deleted by retention before they were applied`,
        );
        this.storedOffsets.lostToRetention(batch.topic, batch.partition, outcome.lostToRetention);
      }
      // Fresh stock for storefronts: the stock view takes the new events now, not after its idle delay.
      if (outcome.stockEventsAppended > 0) this.stockViews.stockLevels.poke();
      for (const [type, applied] of Object.entries(outcome.appliedByType))
        this.metrics.inboundApplied.inc({ topic: batch.topic, type }, applied);
      this.metrics.inboundDuplicates.inc({ topic: batch.topic }, outcome.duplicates);
      this.metrics.stockEventsAppended.inc(outcome.stockEventsAppended);
      this.metrics.writeConflictRetries.inc({ topic: batch.topic }, outcome.conflictRetries);
      for (const reason of outcome.deadLetterReasons) this.metrics.deadLetters.inc({ topic: batch.topic, reason: reasonKind(reason) });
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await heartbeat();
    }
  }

  /** Seek, retrying until it is done or a newer assignment took over: until then those partitions wait. */
  private async seekUntilDone(
    consumer: Consumer,
    assignment: Record<string, number[]>,
    generation: number,
    backFromGap = false,
  ): Promise<void> {
    for (let attempt = 1; generation === this.generation; attempt += 1) {
      try {
        await this.seekToStoredOffsets(consumer, assignment, generation, backFromGap);
        return;
      } catch (error) {
        this.logger.warn(`could not seek to stored offsets (attempt ${attempt}; those partitions wait): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  }

  /**
   * PostgreSQL holds the truth of what was applied: resume each assigned partition at its stored
   * next offset, and a partition with none (a new database) at the earliest offset Kafka still has.
   * A stored offset past the log's end is reported, and its partition paused.
   */
  private async seekToStoredOffsets(
    consumer: Consumer,
    assignment: Record<string, number[]>,
    generation: number,
    backFromGap: boolean,
  ): Promise<void> {
    await this.kafka.withAdmin(async (admin) => {
      for (const [topic, partitions] of Object.entries(assignment)) {
        const rows = await this.transactions.inTransaction((sql) =>
          sql.query<{ partition: number; next_offset: string }>(SELECT_STORED_OFFSETS, [this.config.kafka.groupId, topic]),
        );
        const stored = new Map(rows.map((row) => [row.partition, row.next_offset]));
        const log = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
        if (generation !== this.generation) return;
        for (const partition of partitions) {
          const { low = '0', high = '0' } = log.get(partition) ?? {};
          const offset = stored.get(partition) ?? low;
          if (BigInt(offset) > BigInt(high)) {
            this.logger.error(
              `${topic}:${partition}: the stored next offset ${offset} is past the log's end ${high} (topic recreated?); partition paused, nothing taken as applied`,
            );
            this.storedOffsets.aheadOfLog({ topic, partition, storedNextOffset: offset, logEndOffset: high });
            consumer.pause([{ topic, partitions: [partition] }]);
            continue;
          }
          this.storedOffsets.withinLog(topic, partition);
          consumer.seek({ topic, partition, offset });
          this.ready.set(`${topic}:${partition}`, { logStart: low, seekingBackFromGap: backFromGap });
        }
      }
    });
  }
}
