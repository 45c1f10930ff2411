import {
  PostgresEventStore,
  StreamUnitOfWork,
  snapshotEvery,
  type EventMetadata,
  type SqlClient,
  type StreamStateCache,
} from '@app/event-store';
import {
  evolveOnlineOrder,
  evolveTransfer,
  onlineOrderStreamId,
  stockInstructionsOfOrderEvent,
  stockInstructionsOfTransferEvent,
  stockItemStreamId,
  transferStreamId,
  type OnlineOrderCommand,
  type OnlineOrderEvent,
  type OnlineOrderState,
  type StockItemState,
  type TransferCommand,
  type TransferEvent,
  type TransferRecord,
} from '@app/stock-domain';
import { enqueueOutboxMessages, type OutboxMessage } from '../outbox';
import { stockItemsUnitOfWork, type StockInstruction, type StockItemsUnitOfWork } from '../stock';
import { FulfillmentDeadlines } from './fulfillment-deadlines';
import { onlineOrderKind, transferKind } from './fulfillment-persistence';
import type { FulfillmentSettings } from './fulfillment-settings';
import { LocationNetwork } from './location-network';
import { messagesOfOrderEvent, messagesOfTransferEvent } from './logistics-messages';
import { OrderIdDigests } from './order-id-digests';
import { orderStatusMessages } from './order-status-messages';
import type { WorkNeeds } from './work-needs';

/** What one unit of work wrote when it committed. */
export interface CommittedWork {
  stockEventsAppended: number;
  /** Logistics commands and order status messages written to the outbox (not counting the caller's own messages). */
  commandsIssued: number;
}

/**
 * One transaction's fulfillment work: the stock items, online orders and transfers it loads and
 * changes, the logistics messages those changes send, and the deadlines the sweeper watches,
 * committed together by `commit` (so no caller knows the order of the writes). Reservations on the
 * stock items use optimistic concurrency: a concurrent change to any of them fails the append and
 * the caller retries the whole transaction on fresh state.
 */
export class FulfillmentUnitOfWork {
  readonly orders: StreamUnitOfWork<OnlineOrderCommand, OnlineOrderState, OnlineOrderEvent>;
  readonly transfers: StreamUnitOfWork<TransferCommand, TransferRecord, TransferEvent>;
  readonly orderIds = new OrderIdDigests();
  readonly deadlines: FulfillmentDeadlines;
  private readonly outbox: OutboxMessage[] = [];
  private readonly eventSequence = new Map<string, number>();
  /** While an inbound event is applied: its sender-scoped id, the base of the ids of the events it causes. */
  private derivedIdBase: string | undefined;

  private constructor(
    readonly sql: SqlClient,
    store: PostgresEventStore,
    readonly stockItems: StockItemsUnitOfWork,
    readonly network: LocationNetwork,
    readonly settings: FulfillmentSettings,
    /** When this work is done: the issuedAt of its messages, the start of the deadlines it sets. */
    readonly issuedAt: string,
  ) {
    this.orders = StreamUnitOfWork.of(sql, store, snapshotEvery(onlineOrderKind, settings.snapshotEveryEvents));
    this.transfers = StreamUnitOfWork.of(sql, store, snapshotEvery(transferKind, settings.snapshotEveryEvents));
    this.deadlines = new FulfillmentDeadlines(issuedAt, settings);
  }

  /** Start the work of one transaction at `now` (the location network as it reads now). */
  static async begin(
    sql: SqlClient,
    store: PostgresEventStore,
    settings: FulfillmentSettings,
    now: Date,
    /** Stock item states as last committed by this caller (see StreamStateCache). */
    stockItemStates?: StreamStateCache<StockItemState>,
  ): Promise<FulfillmentUnitOfWork> {
    const items = stockItemsUnitOfWork(sql, store, settings.snapshotEveryEvents, stockItemStates);
    const network = await LocationNetwork.load(sql, now);
    return new FulfillmentUnitOfWork(sql, store, items, network, settings, now.toISOString());
  }

  /** Load in bulk what a batch's events will need, so that applying them rarely waits on the database. */
  async preload(needs: WorkNeeds): Promise<void> {
    await this.stockItems.load(needs.stockItemStreamIds);
    await this.orderIds.load(this.sql, needs.fulfillmentIds);
    const orderIds = new Set(needs.orderIds);
    for (const fulfillmentId of needs.fulfillmentIds) {
      const orderId = this.orderIds.orderIdOf(fulfillmentId);
      if (orderId !== null) orderIds.add(orderId);
    }
    await this.orders.load([...orderIds].map(onlineOrderStreamId));
    await this.transfers.load([...needs.transferIds].map(transferStreamId));
    if (needs.orderedSkus.size > 0) await this.loadForSourcing(needs.orderedSkus);
  }

  /** What sourcing these SKUs reads: their policies, today's capacity (locked) and their stock items at every location. */
  async loadForSourcing(skus: ReadonlySet<string>): Promise<void> {
    await this.network.loadPolicies(this.sql, skus);
    await this.network.lockCapacity(this.sql);
    const streamIds: string[] = [];
    for (const sku of skus)
      for (const location of this.network.locations) streamIds.push(stockItemStreamId({ locationId: location.locationId, sku }));
    await this.stockItems.load(streamIds);
  }

  /** Apply one inbound event: the events it causes get ids derived from its sender-scoped id. */
  async causedBy<T>(scopedId: string, apply: () => Promise<T>): Promise<T> {
    this.derivedIdBase = scopedId;
    try {
      return await apply();
    } finally {
      this.derivedIdBase = undefined;
    }
  }

  /** Decide on a loaded order, and carry out what its events ask: stock reservations, messages, transfers, deadlines. */
  async executeOnOrder(streamId: string, command: OnlineOrderCommand, metadata: EventMetadata): Promise<OnlineOrderEvent[]> {
    let before = this.orders.stateOf(streamId);
    const events = this.orders.execute(streamId, command, { eventIdFor: () => this.nextEventId(command.sourceEventId, 'o'), metadata });
    this.outbox.push(...orderStatusMessages(command, before, events, this.settings.topics, this.issuedAt));
    const orderId = this.orders.stateOf(streamId).orderId;
    if (events.length > 0 && orderId !== null) this.orderIds.remember(orderId);
    for (const event of events) {
      const after = evolveOnlineOrder(before, event);
      await this.applyToStock(
        stockInstructionsOfOrderEvent(event, before, (key) => this.network.safetyStockOf(key)),
        command.sourceEventId,
        metadata,
      );
      this.outbox.push(...messagesOfOrderEvent(event, after, this.settings.topics, this.issuedAt));
      if (event.type === 'FulfillmentDispatched') this.network.recordDispatch(event.data.fromLocationId);
      this.deadlines.trackOrderEvent(event, after);
      if (event.type === 'PickupAwaitingTransfers') {
        for (const transfer of event.data.transfers) {
          await this.requestTransfer(
            {
              type: 'RequestTransfer',
              ...transfer,
              purpose: { kind: 'pickup-order', orderId: after.orderId!, fulfillmentId: event.data.fulfillmentId },
              reasons: event.data.reasons,
              occurredAt: command.occurredAt,
              sourceEventId: command.sourceEventId,
            },
            metadata,
          );
        }
      }
      before = after;
    }
    return events;
  }

  async requestTransfer(command: Extract<TransferCommand, { type: 'RequestTransfer' }>, metadata: EventMetadata): Promise<void> {
    const streamId = transferStreamId(command.transferId);
    await this.transfers.load([streamId]);
    await this.executeOnTransfer(streamId, command, metadata);
  }

  /** Decide on a loaded transfer, and carry out what its events ask: stock holds, messages, deadlines. */
  async executeOnTransfer(streamId: string, command: TransferCommand, metadata: EventMetadata): Promise<TransferEvent[]> {
    let before = this.transfers.stateOf(streamId);
    const events = this.transfers.execute(streamId, command, { eventIdFor: () => this.nextEventId(command.sourceEventId, 't'), metadata });
    for (const event of events) {
      await this.applyToStock(
        stockInstructionsOfTransferEvent(event, before, (key) => this.network.safetyStockOf(key)),
        command.sourceEventId,
        metadata,
      );
      this.outbox.push(...messagesOfTransferEvent(event, this.settings.topics, this.issuedAt, before));
      this.deadlines.trackTransferEvent(event);
      before = evolveTransfer(before, event);
    }
    return events;
  }

  /**
   * Write everything, in the one order that holds: stock items, order id digests, orders, transfers,
   * capacity, deadlines, then the outbox (`alsoEnqueue` first, the caller's own messages such as dead
   * letters, then the logistics messages). Derived event ids are new: their causes were claimed once.
   */
  async commit(alsoEnqueue: readonly OutboxMessage[] = []): Promise<CommittedWork> {
    const stock = await this.stockItems.commit({ idsKnownNew: true });
    await this.orderIds.save(this.sql);
    await this.orders.commit({ idsKnownNew: true });
    await this.transfers.commit({ idsKnownNew: true });
    await this.network.saveCapacity(this.sql);
    await this.deadlines.save(this.sql);
    await enqueueOutboxMessages(this.sql, [...alsoEnqueue, ...this.outbox]);
    return { stockEventsAppended: stock.appended.length, commandsIssued: this.outbox.length };
  }

  /** Once the transaction committed: keep the stock item states in the caller's cache. */
  rememberCommitted(): void {
    this.stockItems.rememberCommitted();
  }

  private async applyToStock(instructions: readonly StockInstruction[], sourceEventId: string, metadata: EventMetadata): Promise<void> {
    if (instructions.length === 0) return;
    await this.network.loadPolicies(
      this.sql,
      instructions.map(({ key }) => key.sku),
    );
    await this.stockItems.load(instructions.map(({ key }) => stockItemStreamId(key)));
    for (const { key, command } of instructions) {
      this.stockItems.execute(stockItemStreamId(key), command, { eventIdFor: () => this.nextEventId(sourceEventId, 's'), metadata });
    }
  }

  /**
   * `<sender-scoped inbound eventId>#<kind><n>` (see senderScopedEventId): unique per inbound event, which
   * is applied once. Work no inbound event caused (replenishment, an expired hold) uses its own cause.
   */
  private nextEventId(sourceEventId: string, kind: 'o' | 't' | 's'): string {
    const key = `${this.derivedIdBase ?? sourceEventId}#${kind}`;
    const next = (this.eventSequence.get(key) ?? 0) + 1;
    this.eventSequence.set(key, next);
    return `${key}${next}`;
  }
}
