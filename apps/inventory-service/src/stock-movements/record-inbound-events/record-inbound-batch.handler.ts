import { DEAD_LETTER_HEADERS, parseInboundMessage, senderOf, senderScopedEventId, type InboundEvent } from '@app/contracts';
import {
  PostgresEventStore,
  TransactionRunner,
  isRetriableConflict,
  isStreamVersionConflict,
  StreamStateCache,
  type SqlClient,
} from '@app/event-store';
import { stockItemStreamId, type StockItemEvent, type StockItemState } from '@app/stock-domain';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ServiceConfig } from '../../config/service-config';
import { inboundCorrelationId } from '../../logging/correlation';
import { withLogContext } from '../../logging/log-context';
import { stockItemsUnitOfWork } from '../stock-item-persistence';
import { headersForStorage } from '../../kafka/headers';
import { enqueueOutboxMessages, type OutboxMessage } from '../../outbox/outbox';
import { RecordInboundBatch, type InboundBatchOutcome, type InboundMessage } from './record-inbound-batch.command';
import { FulfilmentWork, fulfilmentSettingsOf, isSmartLogisticsEvent } from '../../smart-logistics/fulfilment-work';
import { LocationNetwork } from '../../smart-logistics/location-network';
import { CLAIM_INBOUND_EVENT_IDS, ENSURE_OFFSET_ROW, LOCK_NEXT_OFFSET, STORE_NEXT_OFFSET, UNCLAIM_INBOUND_EVENT_IDS } from './ingestion.sql';
import { shopFloorInstructionsFor } from './stock-instructions';

const MAX_ATTEMPTS = 8;

/** Applying one inbound event failed for a reason other than a concurrent change. */
class InboundEventFailed extends Error {
  constructor(
    readonly eventId: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A message for retail.dlq, with the reason its headers carry. */
type DeadLetter = OutboxMessage & { reason: string };

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
    this.stockItemStates = new StreamStateCache(config.eventStore.stockItemStateCacheEntries);
  }

  /**
   * Retries the whole batch when another writer changed one of its streams first. An event that
   * fails for any other reason is dead-lettered with that reason and the batch applied without it,
   * so one bad event never blocks its partition.
   */
  async execute(command: RecordInboundBatch): Promise<InboundBatchOutcome> {
    const failed = new Map<string, string>();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const afterCommit: Array<() => void> = [];
        const outcome = await this.transactions.inTransaction((sql) => this.applyBatch(sql, command, failed, afterCommit));
        for (const committed of afterCommit) committed();
        return outcome;
      } catch (error) {
        if (error instanceof InboundEventFailed && !failed.has(error.eventId)) {
          this.logger.error(`could not apply ${error.eventId}, dead-lettering it: ${error.message}`);
          failed.set(error.eventId, error.message);
          attempt -= 1; // not a conflict: the batch shrank, try again at once
          continue;
        }
        if (!(isStreamVersionConflict(error) || isRetriableConflict(error)) || attempt >= MAX_ATTEMPTS) throw error;
        this.logger.debug(`conflict on attempt ${attempt}, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async applyBatch(
    sql: SqlClient,
    command: RecordInboundBatch,
    failed: ReadonlyMap<string, string>,
    afterCommit: Array<() => void>,
  ): Promise<InboundBatchOutcome> {
    const { consumerGroup, topic, partition } = command;
    await sql.query(ENSURE_OFFSET_ROW, [consumerGroup, topic, partition]);
    const [stored] = await sql.query<{ next_offset: string }>(LOCK_NEXT_OFFSET, [consumerGroup, topic, partition]);
    const nextOffset = BigInt(stored?.next_offset ?? '0');
    const fresh = command.messages.filter((message) => BigInt(message.offset) >= nextOffset);
    const outcome: InboundBatchOutcome = {
      applied: 0,
      appliedByType: {},
      duplicates: 0,
      deadLettered: 0,
      deadLetterReasons: [],
      alreadyApplied: command.messages.length - fresh.length,
      stockEventsAppended: 0,
      commandsIssued: 0,
    };
    if (fresh.length === 0) return outcome;

    const deadLetters: DeadLetter[] = [];
    const applicable: ApplicableMessage[] = [];
    for (const message of fresh) {
      const parsed = parseInboundMessage(message.role, message.value);
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

    const items = stockItemsUnitOfWork(sql, this.store, this.config.eventStore.snapshotEveryEvents, this.stockItemStates);
    afterCommit.push(() => items.rememberCommitted());
    const shopFloor = new Map(planned.map(({ event, scopedId }) => [scopedId, shopFloorInstructionsFor(event)]));
    await items.load([...shopFloor.values()].flatMap((instructions) => (instructions ?? []).map(({ key }) => stockItemStreamId(key))));
    const network = await LocationNetwork.load(sql, new Date());
    const fulfilment = new FulfilmentWork(sql, this.store, items, network, fulfilmentSettingsOf(this.config), new Date().toISOString());
    await fulfilment.prepare(planned.map(({ event }) => event).filter(isSmartLogisticsEvent));

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
      const instructions = shopFloor.get(scopedId);
      try {
        if (instructions) {
          instructions.forEach(({ key, command: itemCommand }, line) => {
            items.execute(stockItemStreamId(key), itemCommand, {
              eventIdFor: (_: StockItemEvent, index: number) => `${scopedId}#${line}${index > 0 ? `.${index}` : ''}`,
              metadata,
            });
          });
        } else if (isSmartLogisticsEvent(event)) {
          const result = await fulfilment.apply(event, metadata);
          if (!result.applied) {
            deadLetters.push(this.deadLetter(message, result.deadLetterReason));
            unclaim.push(applicableMessage); // a replay after the fix (say, registering the store) applies it
            continue;
          }
        }
      } catch (error) {
        if (isStreamVersionConflict(error) || isRetriableConflict(error)) throw error;
        throw new InboundEventFailed(scopedId, error);
      }
      outcome.applied += 1;
      outcome.appliedByType[event.type] = (outcome.appliedByType[event.type] ?? 0) + 1;
    }
    await fulfilment.replenishStores();

    // Derived event ids (`<sender-scoped eventId>#...`) are new: their inbound sender and eventId were claimed above.
    const appended = await items.commit({ idsKnownNew: true });
    outcome.stockEventsAppended = appended.appended.length;
    await fulfilment.commit();
    if (unclaim.length > 0) {
      await sql.query(UNCLAIM_INBOUND_EVENT_IDS, [unclaim.map(({ event }) => senderOf(event)), unclaim.map(({ event }) => event.eventId)]);
    }
    outcome.deadLettered = deadLetters.length;
    outcome.deadLetterReasons = deadLetters.map((letter) => letter.reason);
    await enqueueOutboxMessages(sql, [...deadLetters, ...fulfilment.outbox]);
    outcome.commandsIssued = fulfilment.outbox.length;

    const lastOffset = fresh.reduce((max, m) => (BigInt(m.offset) > max ? BigInt(m.offset) : max), -1n);
    await sql.query(STORE_NEXT_OFFSET, [consumerGroup, topic, partition, (lastOffset + 1n).toString()]);
    return outcome;
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
    withLogContext({ correlationId: inboundCorrelationId(message.value) }, () => this.logger.warn(`dead letter from ${message.topic}[${message.partition}]@${message.offset}: ${reason}`));
    return {
      reason,
      topic: this.config.kafka.topics.deadLetters,
      key: message.key,
      value: message.value,
      headers: {
        ...headersForStorage(message.headers),
        [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
        [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
        [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      },
    };
  }

}
