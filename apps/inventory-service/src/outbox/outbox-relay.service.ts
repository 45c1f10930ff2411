import { randomUUID } from 'node:crypto';
import { CommitSignals, SqlReader, TransactionRunner, WakeableWait } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { ServiceConfig } from '../platform/config';
import { KafkaConnection } from '../platform/kafka';
import { headersForKafka, type StoredHeaders } from '../platform/kafka';
import { LEASE_RENEWAL_MS, RELAY_LEASE_LAPSES_MS, delay, sendWhileRenewingLease, type LeaseHolder } from './lease-fenced-send';
import { OUTBOX_HEADERS } from './outbox';
import { readPartitionTailHeaders } from '../platform/kafka';
import {
  COUNT_UNPUBLISHED,
  MARK_PUBLISHED,
  RECORD_RELAY_INSTANCE,
  RENEW_RELAY_LEASE,
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
 * Publishes the outbox to Kafka in id order and marks what was sent, one relay at a time (the lease
 * row names it). No transaction is open while a batch is on its way to Kafka: every reader of the
 * event log reads only below the oldest running transaction, so one held across a slow or retried
 * send would stop every projection and change feed. A batch takes three steps:
 *
 * 1. a short transaction takes the lease (renewing it) and reads the batch;
 * 2. the batch is sent outside any transaction, while the lease is renewed every second in
 *    statements of their own (RENEW_RELAY_LEASE);
 * 3. a short transaction renews the lease once more and, if it is still this instance's, marks the
 *    batch published.
 *
 * Exactly once. A relay that cannot be sure what was sent before (its process is new, another
 * instance relayed last, or a send of its own failed or was abandoned) first reads the tails of the
 * topics it is about to write for this database's outbox ids and marks those as published
 * (takeOverCarefully). So a crash between a send and its mark does not send those messages again.
 *
 * Why a lease taken over during a slow send cannot send a batch twice: another instance takes the
 * lease only once it has not been renewed for RELAY_LEASE_LAPSES_MS (5 s, by the database's clock),
 * and reads the tails only after that. While our send is in flight we renew the lease every second,
 * so as long as we reach the database the lease does not lapse, however long Kafka takes, and no one
 * else sends. If we cannot renew it for RELAY_FENCE_MS (3 s, by our monotonic clock, counted from
 * before the renewal that succeeded last, so never later than the database's count), we give up the
 * send before the lease can lapse: the relay's producer is closed, and it has no retries of its own
 * (kafkajs would reconnect and send again after a close), so nothing of the batch leaves this process
 * afterwards. What had already reached the broker is appended within the 2 s that remain, before
 * anyone reads the tails. The batch stays unmarked, and the next relay (this one, or another once the
 * lease lapsed) finds those messages in the tails instead of sending them again. The argument assumes
 * a request on the wire reaches the broker within those 2 s.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly instanceId = `${process.pid}-${randomUUID()}`;
  /** True while this instance knows everything it sent is marked published. */
  private certain = false;
  private running = false;
  private loop: Promise<void> | null = null;
  /** The relay's own producer: closing it fences a send given up on (see the class comment). */
  private producer: Promise<Producer> | null = null;
  /** The idle wait: an outbox write committed in this process ends it. */
  private readonly idleWait = new WakeableWait();
  private stopHearingCommits: (() => void) | null = null;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
    @Inject(CommitSignals) private readonly signals: CommitSignals,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outbox.relay) {
      this.logger.log('OUTBOX_RELAY=off: this instance writes the outbox but does not publish it');
      return;
    }
    this.running = true;
    this.stopHearingCommits = this.signals.subscribe((writes) => {
      if (writes.has('outbox')) this.idleWait.wake();
    });
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.stopHearingCommits?.();
    this.idleWait.wake();
    await this.loop;
    await this.closeProducer();
  }

  /** Publish one batch; resolves to how many messages were sent (0 when another instance holds the lease). */
  async publishNextBatch(): Promise<number> {
    if (!this.certain && !(await this.takeOverCarefully())) return 0;
    const renewedAt = performance.now(); // before the lease is renewed: never later than the database's clock says
    const batch = await this.transactions.inTransaction(async (sql) => {
      const [lease] = await sql.query<Lease>(TAKE_RELAY_LEASE, [RELAY_LEASE_LAPSES_MS]);
      if (!lease) return null; // another instance is looking at the lease right now
      if (lease.relay_instance !== this.instanceId) {
        this.certain = false; // another instance took over since: check again before sending anything
        return null;
      }
      const rows = await sql.query<OutboxRow>(SELECT_UNPUBLISHED, [this.config.outbox.batchSize]);
      if (rows.length > 0 || lease.renew_due) await sql.query(RECORD_RELAY_INSTANCE, [this.instanceId]);
      return { origin: lease.origin, rows };
    });
    if (!batch || batch.rows.length === 0) return 0;
    const { origin, rows } = batch;
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const ofTopic = byTopic.get(row.topic);
      if (ofTopic) ofTopic.push(row);
      else byTopic.set(row.topic, [row]);
    }
    this.certain = false; // from here until the mark, what Kafka holds is unknown if anything fails
    const producer = await this.connectedProducer();
    await sendWhileRenewingLease(this.leaseHolder(), renewedAt, () =>
      producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({
          topic,
          messages: messages.map((m) => ({
            key: m.message_key,
            value: m.message_value,
            headers: { ...headersForKafka(m.headers), [OUTBOX_HEADERS.id]: m.id, [OUTBOX_HEADERS.origin]: origin },
          })),
        })),
      }),
    );
    const marked = await this.transactions.inTransaction(async (sql) => {
      const renewed = await sql.query(RENEW_RELAY_LEASE, [this.instanceId]);
      if (renewed.length === 0) return false; // the lease lapsed: the next relay finds this batch in the tails
      await sql.query(MARK_PUBLISHED, [rows.map((row) => row.id)]);
      return true;
    });
    this.certain = marked;
    return marked ? rows.length : 0;
  }

  /** This instance's hold on the relay lease, as a send renews it and gives it up. */
  private leaseHolder(): LeaseHolder {
    return {
      renew: async () => (await this.reads.query(RENEW_RELAY_LEASE, [this.instanceId])).length > 0,
      renewalFailed: (error) => this.logger.warn(`could not renew the outbox relay lease during a send: ${error.message}`),
      abandonSend: () => this.closeProducer(),
    };
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // No retries inside kafkajs: after a close it would reconnect and send again. A failed send is
      // retried by the loop, after the tails were read (idempotence needs retries, so it is off).
      const producer = this.kafka.createProducer({ idempotent: false, retry: { retries: 0 } });
      await producer.connect();
      return producer;
    })();
    const pending = this.producer;
    pending.catch(() => {
      if (this.producer === pending) this.producer = null;
    });
    return pending;
  }

  private async closeProducer(): Promise<void> {
    const pending = this.producer;
    this.producer = null;
    if (pending) await (await pending.catch(() => null))?.disconnect().catch(() => undefined);
  }

  /**
   * Become the relay after making sure of what the previous one sent: claim the lease, read the
   * tails of the topics with unpublished rows (outside any transaction: a long one would hold back
   * every projection, which read below the oldest running transaction), then, if the lease is still
   * ours, mark what was found there as published. Resolves to whether this instance may now relay.
   */
  private async takeOverCarefully(): Promise<boolean> {
    const claim = await this.transactions.inTransaction(async (sql) => {
      const [lease] = await sql.query<Lease>(TAKE_RELAY_LEASE, [RELAY_LEASE_LAPSES_MS]);
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
      const tails = await this.kafka.withAdmin((admin) =>
        readPartitionTailHeaders(this.kafka.kafka, admin, topic, this.config.outbox.batchSize * 2),
      );
      for (const headers of tails)
        if (headers[OUTBOX_HEADERS.origin] === claim.origin && headers[OUTBOX_HEADERS.id]) ids.push(headers[OUTBOX_HEADERS.id]!);
    }
    const confirmed = await this.transactions.inTransaction(async (sql) => {
      const [lease] = await sql.query<Lease>(TAKE_RELAY_LEASE, [RELAY_LEASE_LAPSES_MS]);
      if (!lease || lease.relay_instance !== this.instanceId) return false; // taken over meanwhile
      if (ids.length > 0) {
        const marked = await sql.query<{ id: string }>(MARK_PUBLISHED, [ids]);
        if (marked.length > 0)
          this.logger.warn(
            `found ${marked.length} outbox messages already on Kafka from an interrupted relay: marked published, not sent again`,
          );
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
   * Batch after batch while there is a backlog. Idle, it waits for an outbox write committed in this
   * process (CommitSignals), or else OUTBOX_IDLE_MS doubling with each look that finds nothing up to
   * OUTBOX_IDLE_MAX_MS (what another instance queued waits at most that long); each look asks whether
   * anything waits (one statement, outside a transaction) instead of opening a batch (four round
   * trips), but a batch opens at least every second, which renews the lease (see TAKE_RELAY_LEASE).
   */
  private async run(): Promise<void> {
    let backlogLikely = true;
    let lastBatchAt = 0;
    const first = this.config.outbox.idleMs;
    let idleMs = first;
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
      if (backlogLikely || !this.running) continue;
      idleMs = sent > 0 ? first : Math.min(this.config.outbox.idleMaxMs, idleMs * 2);
      const untilRenewal = Math.max(0, LEASE_RENEWAL_MS - (Date.now() - lastBatchAt));
      backlogLikely = (await this.idleWait.wait(Math.min(idleMs, untilRenewal))) === 'woken';
      if (backlogLikely) idleMs = first;
    }
  }

  private async messagesWaiting(): Promise<boolean> {
    const [row] = await this.reads.query<{ waiting: boolean }>(UNPUBLISHED_WAITING);
    return row?.waiting ?? true;
  }
}
