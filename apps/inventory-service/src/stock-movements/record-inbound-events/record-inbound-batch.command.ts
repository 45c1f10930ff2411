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
  ) {
    super();
  }
}
