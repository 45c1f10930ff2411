import type { InboundTopicRole } from '@app/contracts';
import { Command } from '@nestjs/cqrs';
import type { IHeaders } from 'kafkajs';

/** A Kafka message as it arrived, with where it came from. */
export interface InboundMessage {
  role: InboundTopicRole;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** As kafkajs gave them: forwarded byte for byte with a dead letter. */
  headers: IHeaders;
}

export interface InboundBatchOutcome {
  applied: number;
  /** Applied events by contract type. */
  appliedByType: Record<string, number>;
  duplicates: number;
  deadLettered: number;
  /** Why each dead letter was sent, in order. */
  deadLetterReasons: string[];
  /** Messages below the partition's stored offset: already applied by an earlier batch. */
  alreadyApplied: number;
  stockEventsAppended: number;
  /** Logistics commands and order status messages written to the outbox. */
  commandsIssued: number;
  /**
   * Times the batch's transaction was rolled back and tried again because a concurrent writer changed
   * one of its streams first (a stream version conflict, a serialization failure, a deadlock).
   */
  conflictRetries: number;
  /**
   * Set when nothing was applied because Kafka read from above the stored next offset (its committed
   * offsets ahead of PostgreSQL's, after a database restore, say): the consumer seeks back to it.
   */
  gapAfter?: string;
  /** Set when nothing was applied because the stored next offset lies past the log's end (the topic recreated?). */
  aheadOfLog?: { storedNextOffset: string; logEndOffset: string };
  /** Offsets between the stored next offset and the log start, deleted by retention before they were applied. */
  lostToRetention?: bigint;
}

/** Where Kafka read a chunk from, for the check against the stored next offset. */
export interface KafkaReadPosition {
  /** The first offset Kafka returned a record at (data or control record), or the one after the previous chunk. */
  readFrom: string;
  /** The partition's log start offset (low watermark) as the consumer last measured it: nothing below it can be read. */
  logStart: string;
  /** The partition's high watermark as the fetch returned it. */
  logEnd: string;
}

/**
 * Apply the messages of one partition's batch, in offset order, in one transaction that also stores
 * the partition's next offset: exactly-once effects, whatever crashes or rebalances happen.
 */
export class RecordInboundBatch extends Command<InboundBatchOutcome> {
  constructor(
    readonly consumerGroup: string,
    readonly topic: string,
    readonly partition: number,
    readonly messages: readonly InboundMessage[],
    /** Given by the consumer; without it (tests, tools) the batch is taken as read from the stored offset. */
    readonly position?: KafkaReadPosition,
  ) {
    super();
  }
}
