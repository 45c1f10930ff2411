import { parseInboundMessage, senderOf, senderScopedEventId, type InboundEvent } from '@app/contracts';
import {
  PostgresEventStore,
  TransactionRunner,
  COMMAND_RETRY_POLICY,
  isDataFault,
  isWriteConflict,
  retryCommand,
  isRetriableConflict,
  isStreamVersionConflict,
  isTransientDatabaseFault,
  StreamStateCache,
  type SqlClient,
} from '@app/event-store';
import type { StockItemState } from '@app/stock-domain';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ServiceConfig } from '../platform/config';
import { FulfillmentUnitOfWork, WorkNeeds, fulfillmentSettingsOf, replenishStores } from '../fulfillment';
import { stockItemStateBytes } from '../stock';
import { RecordInboundBatch, type InboundBatchOutcome, type InboundMessage } from './record-inbound-batch.command';
import { emptyOutcome, offsetGap, sumOutcomes } from './batch-outcome';
import { deadLetterOf, type DeadLetter } from './dead-letters/dead-letter';
import { addNeedsOf, applyInboundEvent } from './inbound-router';
import {
  CLAIM_INBOUND_EVENT_IDS,
  ENSURE_OFFSET_ROW,
  LOCK_NEXT_OFFSET,
  STORE_NEXT_OFFSET,
  UNCLAIM_INBOUND_EVENT_IDS,
} from './ingestion.sql';

/** Applying one inbound event failed for a reason of its own: not a concurrent change, not the database's fault. */
class InboundEventFailed extends Error {
  constructor(
    readonly eventId: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

interface ApplicableMessage {
  message: InboundMessage;
  event: InboundEvent;
  /** senderScopedEventId: an eventId is unique per sender only, so this is what identifies the event. */
  scopedId: string;
}

@CommandHandler(RecordInboundBatch)
export class RecordInboundBatchHandler implements ICommandHandler<RecordInboundBatch, InboundBatchOutcome> {
  private readonly logger = new Logger(RecordInboundBatchHandler.name);
  /** Stock item states as last committed here: a batch re-reads only the items written elsewhere since. */
  private readonly stockItemStates: StreamStateCache<StockItemState>;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {
    this.stockItemStates = new StreamStateCache(config.eventStore.stockItemStateCacheBytes, stockItemStateBytes);
  }

  /**
   * Retries the whole batch when another writer changed one of its streams first, and with backoff
   * when the database fails it (a lost connection, a statement or lock timeout, a failover, a
   * serialization failure or deadlock: isTransientDatabaseFault); such a batch is never
   * dead-lettered: after INGESTION_TRANSIENT_RETRY_MS it fails, and kafkajs retries it. An event that
   * fails for a reason of its own (a domain error, a data exception) is dead-lettered with that
   * reason and the batch applied without it, so one bad event never blocks its partition. A data
   * exception that no one event was being applied when it was raised (the batch's appends, say) is
   * found by applying the batch a message at a time.
   */
  async execute(command: RecordInboundBatch): Promise<InboundBatchOutcome> {
    try {
      return await this.applyRetrying(command, command.messages.length === 1);
    } catch (error) {
      if (!isDataFault(error) || command.messages.length <= 1) throw error;
      this.logger.warn(
        `batch of ${command.messages.length} failed with a data exception no one event was applying (${(error as Error).message}): applying it a message at a time to find the event at fault`,
      );
      const outcomes: InboundBatchOutcome[] = [];
      for (const message of command.messages) {
        outcomes.push(
          await this.applyRetrying(new RecordInboundBatch(command.consumerGroup, command.topic, command.partition, [message]), true),
        );
      }
      return sumOutcomes(outcomes);
    }
  }

  /** `alone`: the command holds one message, so a data exception anywhere in its transaction is that event's own. */
  private async applyRetrying(command: RecordInboundBatch, alone: boolean): Promise<InboundBatchOutcome> {
    const failed = new Map<string, string>();
    const shrink = (eventId: string | null, error: unknown): boolean => {
      if (eventId === null || failed.has(eventId)) return false;
      this.logger.error(`could not apply ${eventId}, dead-lettering it: ${(error as Error).message}`);
      failed.set(eventId, (error as Error).message);
      return true; // not a conflict: the batch shrank, try again at once
    };
    let conflictRetries = 0;
    return retryCommand(
      async () => {
        const afterCommit: Array<() => void> = [];
        const outcome = await this.transactions.inTransaction((sql) => this.applyBatch(sql, command, failed, afterCommit));
        for (const committed of afterCommit) committed();
        return { ...outcome, conflictRetries };
      },
      { ...COMMAND_RETRY_POLICY, budgetMs: this.config.ingestion.transientRetryMs },
      {
        retryAtOnce: (error) =>
          error instanceof InboundEventFailed
            ? shrink(error.eventId, error)
            : shrink(alone && isDataFault(error) ? scopedEventIdOf(command.messages[0]!) : null, error),
        onConflict: (conflicts, error) => {
          conflictRetries += 1;
          this.logger.debug(`conflict on attempt ${conflicts}, retrying: ${(error as Error).message}`);
        },
        onTransientFault: (faults, _delay, error) => {
          if (isWriteConflict(error)) conflictRetries += 1;
          if (faults === 1)
            this.logger.warn(
              `transient database fault, retrying the batch with backoff (never a dead letter): ${(error as Error).message}`,
            );
        },
        onGiveUp: (faults, elapsed, error) =>
          this.logger.error(
            `batch failed ${faults} times over ${elapsed} ms on transient database faults, leaving it to kafkajs to retry: ${(error as Error).message}`,
          ),
        onRecovered: (faults, elapsed) => this.logger.log(`batch applied after ${faults} transient database faults in ${elapsed} ms`),
      },
    );
  }

  private async applyBatch(
    sql: SqlClient,
    command: RecordInboundBatch,
    failed: ReadonlyMap<string, string>,
    afterCommit: Array<() => void>,
  ): Promise<InboundBatchOutcome> {
    const { consumerGroup, topic, partition } = command;
    const stored = await this.lockNextOffset(sql, consumerGroup, topic, partition);
    const nextOffset = BigInt(stored?.next_offset ?? '0');
    const gap = offsetGap(nextOffset, command.position);
    const fresh = gap.refuse ? [] : command.messages.filter((message) => BigInt(message.offset) >= nextOffset);
    const outcome: InboundBatchOutcome = { ...emptyOutcome(), alreadyApplied: command.messages.length - fresh.length };
    if (gap.refuse) return { ...outcome, alreadyApplied: 0, ...gap.outcome };
    if (gap.lostToRetention) outcome.lostToRetention = gap.lostToRetention;
    if (fresh.length === 0) return outcome;

    const deadLetters: DeadLetter[] = [];
    const applicable: ApplicableMessage[] = [];
    const window = { now: new Date(), maxClockSkewMs: this.config.inbound.maxClockSkewMs };
    for (const message of fresh) {
      const parsed = parseInboundMessage(message.role, message.value, window);
      if (parsed.ok) applicable.push({ message, event: parsed.event, scopedId: senderScopedEventId(parsed.event) });
      else deadLetters.push(this.deadLetter(message, parsed.reason));
    }

    const claimed = await this.claimEventIds(sql, applicable);
    const planned = applicable.filter(({ scopedId }) => {
      // Unclaimed, or a second copy later in this batch: a duplicate, acknowledged with no effect.
      const first = claimed.delete(scopedId);
      if (!first) outcome.duplicates += 1;
      return first;
    });

    const work = await FulfillmentUnitOfWork.begin(sql, this.store, fulfillmentSettingsOf(this.config), new Date(), this.stockItemStates);
    afterCommit.push(() => work.rememberCommitted());
    const needs = new WorkNeeds();
    for (const { event } of planned) addNeedsOf(event, needs);
    await work.preload(needs);

    const unclaim: ApplicableMessage[] = [];
    for (const applicableMessage of planned) {
      const { message, event, scopedId } = applicableMessage;
      const metadata = {
        correlationId: 'orderId' in event ? event.orderId : event.eventId,
        causationId: event.eventId,
        source: { topic: message.topic, partition: message.partition, offset: message.offset },
      };
      const failure = failed.get(scopedId);
      if (failure !== undefined) {
        deadLetters.push(this.deadLetter(message, `could not apply: ${failure}`));
        unclaim.push(applicableMessage);
        continue;
      }
      try {
        const result = await applyInboundEvent(work, event, { scopedId, metadata });
        if (!result.applied) {
          deadLetters.push(this.deadLetter(message, result.deadLetterReason));
          unclaim.push(applicableMessage); // a replay after the fix (registering the location or store, say) applies it
          continue;
        }
      } catch (error) {
        // The database's fault, not the event's: the whole batch is retried.
        if (isStreamVersionConflict(error) || isRetriableConflict(error) || isTransientDatabaseFault(error)) throw error;
        throw new InboundEventFailed(scopedId, error);
      }
      outcome.applied += 1;
      outcome.appliedByType[event.type] = (outcome.appliedByType[event.type] ?? 0) + 1;
    }
    await replenishStores(work);

    const committed = await work.commit(deadLetters);
    outcome.stockEventsAppended = committed.stockEventsAppended;
    outcome.commandsIssued = committed.commandsIssued;
    if (unclaim.length > 0) {
      await sql.query(UNCLAIM_INBOUND_EVENT_IDS, [unclaim.map(({ event }) => senderOf(event)), unclaim.map(({ event }) => event.eventId)]);
    }
    outcome.deadLettered = deadLetters.length;
    outcome.deadLetterReasons = deadLetters.map((letter) => letter.reason);

    const lastOffset = fresh.reduce((max, m) => (BigInt(m.offset) > max ? BigInt(m.offset) : max), -1n);
    await sql.query(STORE_NEXT_OFFSET, [consumerGroup, topic, partition, (lastOffset + 1n).toString()]);
    return outcome;
  }

  /**
   * The partition's stored next offset, locked until commit. Its row exists but for a partition's
   * first batch, so one statement locks it; only when it is missing is it created first (a second
   * instance creating it at once waits for the first to commit, then locks and reads what it stored).
   */
  private async lockNextOffset(sql: SqlClient, consumerGroup: string, topic: string, partition: number) {
    const key = [consumerGroup, topic, partition];
    const [stored] = await sql.query<{ next_offset: string }>(LOCK_NEXT_OFFSET, key);
    if (stored) return stored;
    await sql.query(ENSURE_OFFSET_ROW, key);
    return (await sql.query<{ next_offset: string }>(LOCK_NEXT_OFFSET, key))[0];
  }

  /** The scoped ids of the events not seen before (per sender, and not claimed before senders were kept). */
  private async claimEventIds(sql: SqlClient, valid: readonly ApplicableMessage[]): Promise<Set<string>> {
    if (valid.length === 0) return new Set();
    const rows = await sql.query<{ sender: string; event_id: string }>(CLAIM_INBOUND_EVENT_IDS, [
      valid.map(({ event }) => senderOf(event)),
      valid.map(({ event }) => event.eventId),
      valid.map(({ event }) => event.type),
      valid.map(({ message }) => message.topic),
      valid.map(({ message }) => message.partition),
      valid.map(({ message }) => message.offset),
    ]);
    const scopedIdOf = new Map(valid.map(({ event, scopedId }) => [JSON.stringify([senderOf(event), event.eventId]), scopedId]));
    return new Set(rows.map((row) => scopedIdOf.get(JSON.stringify([row.sender, row.event_id]))!));
  }

  private deadLetter(message: InboundMessage, reason: string): DeadLetter {
    return deadLetterOf(message, reason, this.config.kafka.topics.deadLetters, this.logger);
  }
}

/** The sender-scoped event id of a message that parses (what `failed` is keyed by), else null (one that does not is a dead letter anyway). */
function scopedEventIdOf(message: InboundMessage): string | null {
  const parsed = parseInboundMessage(message.role, message.value);
  return parsed.ok ? senderScopedEventId(parsed.event) : null;
}
