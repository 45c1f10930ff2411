import { randomUUID } from 'node:crypto';
import { SqlReader, TransactionRunner } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../config/service-config';
import { KafkaConnection } from '../kafka/kafka-connection';
import { headersForKafka, type StoredHeaders } from '../kafka/headers';
import { OUTBOX_HEADERS } from './outbox';
import { readPartitionTailHeaders } from '../kafka/partition-tails';
import {
  COUNT_UNPUBLISHED,
  MARK_PUBLISHED,
  RECORD_RELAY_INSTANCE,
  SELECT_UNPUBLISHED,
  SELECT_UNPUBLISHED_TOPICS,
  TAKE_RELAY_LEASE,
  UNPUBLISHED_WAITING,
} from './outbox.sql';

interface Lease {
  origin: string;
  relay_instance: string | null;
  renew_due: boolean;
  expired: boolean;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: Buffer | null;
  message_value: Buffer | null;
  headers: StoredHeaders;
}


/**
 * Publishes the outbox to Kafka in id order and marks what was sent, one batch per transaction,
 * one relay at a time (the lease row names it). Exactly once: a relay that cannot be sure what was
 * sent before (its process is new, another instance relayed last, or its last send failed) first
 * reads the tails of the topics it is about to write for this database's outbox ids and marks those
 * as published. So a crash between the send and the commit does not send those messages again.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly instanceId = `${process.pid}-${randomUUID()}`;
  /** True while this instance knows everything it sent is marked published. */
  private certain = false;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outbox.relay) {
      this.logger.log('OUTBOX_RELAY=off: this instance writes the outbox but does not publish it');
      return;
    }
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Publish one batch; resolves to how many messages were sent (0 when another instance holds the lease). */
  async publishNextBatch(): Promise<number> {
    if (!this.certain && !(await this.takeOverCarefully())) return 0;
    const producer = await this.kafka.producer();
    const sent = await this.transactions.inTransaction(async (sql) => {
      const [lease] = await sql.query<Lease>(TAKE_RELAY_LEASE);
      if (!lease) return 0; // another instance is relaying right now
      if (lease.relay_instance !== this.instanceId) {
        this.certain = false; // another instance took over since: check again before sending anything
        return 0;
      }
      if (lease.renew_due) await sql.query(RECORD_RELAY_INSTANCE, [this.instanceId]);
      const rows = await sql.query<OutboxRow>(SELECT_UNPUBLISHED, [this.config.outbox.batchSize]);
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      this.certain = false; // from here until the commit, what Kafka holds is unknown if anything fails
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({
          topic,
          messages: messages.map((m) => ({
            key: m.message_key,
            value: m.message_value,
            headers: { ...headersForKafka(m.headers), [OUTBOX_HEADERS.id]: m.id, [OUTBOX_HEADERS.origin]: lease.origin },
          })),
        })),
      });
      await sql.query(MARK_PUBLISHED, [rows.map((row) => row.id)]);
      return rows.length;
    });
    this.certain = true;
    return sent;
  }

  /**
   * Become the relay after making sure of what the previous one sent: claim the lease, read the
   * tails of the topics with unpublished rows (outside any transaction: a long one would hold back
   * every projection, which read below the oldest running transaction), then, if the lease is still
   * ours, mark what was found there as published. Resolves to whether this instance may now relay.
   */
  private async takeOverCarefully(): Promise<boolean> {
    const claim = await this.transactions.inTransaction(async (sql) => {
      const [lease] = await sql.query<Lease>(TAKE_RELAY_LEASE);
      if (!lease) return null;
      // Another live relay renews its lease every second: leave it be until it lapses.
      if (lease.relay_instance !== null && lease.relay_instance !== this.instanceId && !lease.expired) return null;
      await sql.query(RECORD_RELAY_INSTANCE, [this.instanceId]);
      const topics = (await sql.query<{ topic: string }>(SELECT_UNPUBLISHED_TOPICS)).map((row) => row.topic);
      return { origin: lease.origin, topics };
    });
    if (!claim) return false;
    const ids: string[] = [];
    for (const topic of claim.topics) {
      // One interrupted batch holds at most batchSize messages, all of them at the end of their partitions.
      const tails = await this.kafka.withAdmin((admin) => readPartitionTailHeaders(this.kafka.kafka, admin, topic, this.config.outbox.batchSize * 2));
      for (const headers of tails) if (headers[OUTBOX_HEADERS.origin] === claim.origin && headers[OUTBOX_HEADERS.id]) ids.push(headers[OUTBOX_HEADERS.id]!);
    }
    const confirmed = await this.transactions.inTransaction(async (sql) => {
      const [lease] = await sql.query<Lease>(TAKE_RELAY_LEASE);
      if (!lease || lease.relay_instance !== this.instanceId) return false; // taken over meanwhile
      if (ids.length > 0) {
        const marked = await sql.query<{ id: string }>(MARK_PUBLISHED, [ids]);
        if (marked.length > 0) this.logger.warn(`found ${marked.length} outbox messages already on Kafka from an interrupted relay: marked published, not sent again`);
      }
      return true;
    });
    this.certain = confirmed;
    return confirmed;
  }

  async backlog(): Promise<number> {
    return this.transactions.inTransaction(async (sql) => {
      const [row] = await sql.query<{ backlog: number }>(COUNT_UNPUBLISHED);
      return row?.backlog ?? 0;
    });
  }

  /**
   * Batch after batch while there is a backlog. Idle, each poll first asks whether anything waits
   * (one statement, outside a transaction) instead of opening a batch (four round trips), but still
   * opens one at least every second, which renews the lease (see TAKE_RELAY_LEASE).
   */
  private async run(): Promise<void> {
    let backlogLikely = true;
    let lastBatchAt = 0;
    while (this.running) {
      let sent = 0;
      try {
        if (backlogLikely || Date.now() - lastBatchAt >= LEASE_RENEWAL_MS || (await this.messagesWaiting())) {
          lastBatchAt = Date.now();
          sent = await this.publishNextBatch();
        }
      } catch (error) {
        this.logger.error(`outbox relay failed, retrying: ${(error as Error).message}`);
        await delay(1000);
      }
      backlogLikely = sent >= this.config.outbox.batchSize;
      if (!backlogLikely) await delay(this.config.outbox.idleMs);
    }
  }

  private async messagesWaiting(): Promise<boolean> {
    const [row] = await this.reads.query<{ waiting: boolean }>(UNPUBLISHED_WAITING);
    return row?.waiting ?? true;
  }
}

/** How often an idle relay still opens a batch: the lease it holds is renewed once it is a second old. */
const LEASE_RENEWAL_MS = 1000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
