import type { InboundEvent, LogisticsEvent, OnlineOrderCancelled, OnlineOrderPlaced, TopicNames } from '@app/contracts';
import { senderScopedEventId } from '@app/contracts';
import { PostgresEventStore, StreamUnitOfWork, type EventMetadata, type SqlClient } from '@app/event-store';
import {
  ONLINE_ORDER_STATE_VERSION,
  TRANSFER_STATE_VERSION,
  availableAt,
  evolveOnlineOrder,
  evolveTransfer,
  onlineOrderDecider,
  onlineOrderStreamId,
  hasReadableOrderIds,
  orderIdDigest,
  orderOfFulfillment,
  replenishmentTransferIdFor,
  planReplenishment,
  reorderPointOf,
  planSourcing,
  feedbackRefusal,
  initialOnlineOrderState,
  resourcingRequestFor,
  stockInstructionsOfOrderEvent,
  stockInstructionsOfTransferEvent,
  stockItemKeyOf,
  stockItemStreamId,
  transferDecider,
  transferFeedbackRefusal,
  transferStreamId,
  type OnlineOrderCommand,
  type OnlineOrderEvent,
  type OnlineOrderState,
  type OrderDelivery,
  type OrderLine,
  type SourcingCandidate,
  type SourcingPlan,
  type StockItemCommand,
  type StockItemKey,
  type TransferCancelReason,
  type TransferCommand,
  type TransferEvent,
  type TransferRecord,
} from '@app/stock-domain';
import type { ServiceConfig } from '../platform/config/service-config';
import type { OutboxMessage } from '../outbox/outbox';
import type { StockItemsUnitOfWork } from '../stock/stock-item-persistence';
import type { LocationNetwork } from './location-network';
import { messagesOfOrderEvent, messagesOfTransferEvent } from './logistics-messages';
import {
  DELETE_PICKUP_HOLDS,
  DELETE_TRANSFERS_AWAITING_SHIPMENT,
  INSERT_ORDER_ID_DIGESTS,
  INSERT_PICKUP_HOLDS,
  INSERT_TRANSFERS_AWAITING_SHIPMENT,
  SELECT_ORDER_IDS_BY_DIGEST,
} from './fulfillment.sql';
import { SALES_VELOCITY_DAYS } from '../stock-views/daily-sales.projection';
import { SELECT_UNITS_SOLD_PER_DAY } from '../stock-views/stock-views.sql';
import { unknownLocationReason } from '../locations/unknown-location';
import { upcastOnlineOrderEvent, upcastTransferEvent } from './fulfillment-persistence';

export type SmartLogisticsEvent = OnlineOrderPlaced | OnlineOrderCancelled | LogisticsEvent;

export type FulfillmentOutcome = { applied: true } | { applied: false; deadLetterReason: string };

export interface FulfillmentSettings {
  topics: TopicNames;
  snapshotEveryEvents: number;
  leadTimeDays: number;
  coverDays: number;
  pickupHoldMs: number;
  /** A transfer not shipped this long after its request is called off. */
  transferShipMs: number;
}

export function fulfillmentSettingsOf(config: ServiceConfig): FulfillmentSettings {
  return {
    topics: config.kafka.topics,
    snapshotEveryEvents: config.eventStore.snapshotEveryEvents,
    leadTimeDays: config.fulfillment.leadTimeDays,
    coverDays: config.fulfillment.coverDays,
    pickupHoldMs: config.fulfillment.pickupHoldMs,
    transferShipMs: config.fulfillment.transferShipMs,
  };
}

const SMART_LOGISTICS_TYPES: ReadonlySet<string> = new Set([
  'OnlineOrderPlaced',
  'OnlineOrderCancelled',
  'FulfillmentShipped',
  'FulfillmentFailed',
  'PickupCollected',
  'TransferShipped',
  'TransferReceived',
]);

export function isSmartLogisticsEvent(event: InboundEvent): event is SmartLogisticsEvent {
  return SMART_LOGISTICS_TYPES.has(event.type);
}

/**
 * Online orders and logistics feedback, applied inside one inbound batch's transaction: sourcing
 * on current stock, reservations on the stock items (optimistic concurrency: a concurrent change
 * to any of them fails the append and the whole batch is retried on fresh state), and the
 * commands for the logistics workers written to the outbox in the same transaction.
 */
export class FulfillmentWork {
  readonly outbox: OutboxMessage[] = [];
  private readonly orders: StreamUnitOfWork<OnlineOrderCommand, OnlineOrderState, OnlineOrderEvent>;
  private readonly transfers: StreamUnitOfWork<TransferCommand, TransferRecord, TransferEvent>;
  private readonly eventSequence = new Map<string, number>();
  /** While an inbound event is applied: its sender-scoped id, the base of the ids of the events it causes. */
  private derivedIdBase: string | undefined;
  private readonly pickupHolds = new Map<string, { orderId: string; storeId: string; expiresAt: string } | null>();
  /** Long order ids by the digest their fulfillment ids carry: known (read or minted here) and minted in this unit. */
  private readonly orderIdsByDigest = new Map<string, string>();
  private readonly mintedOrderDigests = new Map<string, string>();
  /** transferId → its ship-by time while it waits to be shipped, null once it has left or ended. */
  private readonly transfersAwaitingShipment = new Map<string, string | null>();

  constructor(
    private readonly sql: SqlClient,
    store: PostgresEventStore,
    private readonly items: StockItemsUnitOfWork,
    private readonly network: LocationNetwork,
    private readonly settings: FulfillmentSettings,
    private readonly issuedAt: string,
  ) {
    this.orders = new StreamUnitOfWork(
      sql,
      store,
      onlineOrderDecider,
      { everyEvents: settings.snapshotEveryEvents, stateVersion: ONLINE_ORDER_STATE_VERSION },
      upcastOnlineOrderEvent,
    );
    this.transfers = new StreamUnitOfWork(
      sql,
      store,
      transferDecider,
      { everyEvents: settings.snapshotEveryEvents, stateVersion: TRANSFER_STATE_VERSION },
      upcastTransferEvent,
    );
  }

  /** Load in bulk what the batch's events will need, so that applying them rarely waits on the database. */
  async prepare(events: readonly SmartLogisticsEvent[]): Promise<void> {
    const orderIds = new Set<string>();
    const transferIds = new Set<string>();
    const orderedSkus = new Set<string>();
    for (const event of events) {
      if (event.type === 'OnlineOrderPlaced' || event.type === 'OnlineOrderCancelled') orderIds.add(event.orderId);
      if (event.type === 'OnlineOrderPlaced') for (const line of event.lines) orderedSkus.add(line.sku);
      if ('transferId' in event) transferIds.add(event.transferId);
    }
    await this.loadOrderIdDigests(events.flatMap((event) => ('fulfillmentId' in event ? [event.fulfillmentId] : [])));
    for (const event of events) {
      const orderId = 'fulfillmentId' in event ? this.orderIdOf(event.fulfillmentId) : null;
      if (orderId !== null) orderIds.add(orderId);
    }
    await this.orders.load([...orderIds].map(onlineOrderStreamId));
    await this.transfers.load([...transferIds].map(transferStreamId));
    if (orderedSkus.size > 0) {
      await this.network.loadPolicies(this.sql, orderedSkus);
      await this.network.lockCapacity(this.sql);
      await this.items.load(this.everyLocation(orderedSkus));
    }
  }

  async apply(event: SmartLogisticsEvent, metadata: EventMetadata): Promise<FulfillmentOutcome> {
    this.derivedIdBase = senderScopedEventId(event);
    try {
      return await this.applyEvent(event, metadata);
    } finally {
      this.derivedIdBase = undefined;
    }
  }

  private async applyEvent(event: SmartLogisticsEvent, metadata: EventMetadata): Promise<FulfillmentOutcome> {
    switch (event.type) {
      case 'OnlineOrderPlaced':
        return this.placeOrder(event, metadata);
      case 'OnlineOrderCancelled':
        return this.cancelOrder(event, metadata);
      case 'FulfillmentShipped':
      case 'PickupCollected':
      case 'FulfillmentFailed':
        return this.fulfillmentFeedback(event, metadata);
      case 'TransferShipped':
      case 'TransferReceived':
        return this.transferFeedback(event, metadata);
    }
  }

  /** After the batch: ask for stock for every store SKU this batch took to its reorder point. */
  async replenishStores(): Promise<void> {
    const needs = this.items
      .changedStreamIds()
      .map((streamId) => ({ streamId, key: stockItemKeyOf(streamId)! }))
      .filter(({ key }) => this.network.location(key.locationId)?.type === 'store');
    if (needs.length === 0) return;
    await this.network.loadPolicies(
      this.sql,
      needs.map(({ key }) => key.sku),
    );
    const velocity = await this.sql.query<{ sku: string; location_id: string; per_day: number }>(SELECT_UNITS_SOLD_PER_DAY, [
      needs.map(({ key }) => key.sku),
      needs.map(({ key }) => key.locationId),
      SALES_VELOCITY_DAYS,
      this.issuedAt.slice(0, 10),
    ]);
    const perDay = new Map(velocity.map((row) => [`${row.location_id}|${row.sku}`, Number(row.per_day)]));
    const unitsSoldPerDay = (key: StockItemKey) => perDay.get(`${key.locationId}|${key.sku}`) ?? 0;
    const replenishment = { leadTimeDays: this.settings.leadTimeDays, coverDays: this.settings.coverDays };
    const due = needs.filter(({ streamId, key }) => {
      const state = this.items.stateOf(streamId);
      if (state.openReplenishmentTransferId !== null) return false;
      const policy = this.network.policyOf(key);
      const safetyStock = this.network.safetyStockOf(key);
      const reorderPoint = reorderPointOf(
        {
          unitsSoldPerDay: unitsSoldPerDay(key),
          policy: { reorderPoint: policy?.reorderPoint ?? null, reorderQuantity: null, safetyStock },
        },
        replenishment,
      );
      return reorderPoint !== null && availableAt(state, safetyStock) <= reorderPoint; // only these need the warehouses' stock
    });
    if (due.length === 0) return;
    const warehouses = this.network.locations.filter((l) => l.type === 'warehouse');
    await this.items.load(due.flatMap(({ key }) => warehouses.map((w) => stockItemStreamId({ locationId: w.locationId, sku: key.sku }))));
    for (const { streamId, key } of due) {
      const store = this.network.location(key.locationId)!;
      const state = this.items.stateOf(streamId);
      const policy = this.network.policyOf(key);
      const decision = planReplenishment(
        {
          storeId: key.locationId,
          sku: key.sku,
          store,
          available: availableAt(state, this.network.safetyStockOf(key)),
          unitsSoldPerDay: unitsSoldPerDay(key),
          policy: {
            reorderPoint: policy?.reorderPoint ?? null,
            reorderQuantity: policy?.reorderQuantity ?? null,
            safetyStock: this.network.safetyStockOf(key),
          },
          openTransferId: state.openReplenishmentTransferId,
        },
        warehouses.map((w) => {
          const at = { locationId: w.locationId, sku: key.sku };
          return { ...w, available: availableAt(this.items.stateOf(stockItemStreamId(at)), this.network.safetyStockOf(at)) };
        }),
        replenishment,
      );
      if (!decision) continue;
      const transferId = replenishmentTransferIdFor(key.locationId, key.sku, this.items.versionOf(streamId));
      const cause = { occurredAt: this.issuedAt, sourceEventId: transferId };
      await this.requestTransfer(
        {
          type: 'RequestTransfer',
          transferId,
          fromLocationId: decision.fromLocationId,
          toLocationId: key.locationId,
          lines: [{ sku: key.sku, quantity: decision.quantity }],
          purpose: { kind: 'replenishment' },
          reasons: decision.reasons,
          ...cause,
        },
        { correlationId: transferId, causationId: transferId },
      );
    }
  }

  /** A pickup nobody collected in time: cancel it, release its stock, tell the store. */
  async expirePickupHold(orderId: string, fulfillmentId: string): Promise<void> {
    const streamId = onlineOrderStreamId(orderId);
    await this.orders.load([streamId]);
    const cause = `${fulfillmentId}:hold-expired`;
    await this.executeOnOrder(
      streamId,
      { type: 'ExpirePickupHold', fulfillmentId, occurredAt: this.issuedAt, sourceEventId: cause },
      { correlationId: orderId, causationId: cause },
    );
    this.pickupHolds.set(fulfillmentId, null); // whatever the order said, the hold is over
  }

  /**
   * A transfer not shipped by its ship-by time: call it off (CancelTransfer, the source's hold
   * released, a replenishment's open flag closed; a pickup waiting for it stops waiting).
   */
  async callOffTransfer(transferId: string): Promise<void> {
    const cause = `${transferId}:not-shipped-in-time`;
    await this.cancelTransfer(
      transferId,
      'not-shipped-in-time',
      { occurredAt: this.issuedAt, sourceEventId: cause },
      { correlationId: transferId, causationId: cause },
    );
    this.transfersAwaitingShipment.set(transferId, null); // whatever the transfer said, it no longer waits
  }

  private async cancelTransfer(
    transferId: string,
    reason: TransferCancelReason,
    provenance: { occurredAt: string; sourceEventId: string },
    metadata: EventMetadata,
  ): Promise<void> {
    const streamId = transferStreamId(transferId);
    await this.transfers.load([streamId]);
    const before = this.transfers.stateOf(streamId);
    const events = await this.executeOnTransfer(streamId, { type: 'CancelTransfer', reason, ...provenance }, metadata);
    // A pickup waiting for this transfer stops waiting for it: it brought nothing.
    if (events.length > 0 && before.purpose?.kind === 'pickup-order' && reason !== 'order-cancelled') {
      const orderStream = onlineOrderStreamId(before.purpose.orderId);
      await this.orders.load([orderStream]);
      await this.executeOnOrder(orderStream, { type: 'ReceiveOrderTransfer', transferId, receivedLines: [], ...provenance }, metadata);
    }
  }

  /** Append the order and transfer events, and write capacity and pickup holds (the caller commits the stock items). */
  async commit(): Promise<number> {
    if (this.mintedOrderDigests.size > 0) {
      await this.sql.query(INSERT_ORDER_ID_DIGESTS, [[...this.mintedOrderDigests.keys()], [...this.mintedOrderDigests.values()]]);
    }
    const orders = await this.orders.commit({ idsKnownNew: true });
    const transfers = await this.transfers.commit({ idsKnownNew: true });
    await this.network.saveCapacity(this.sql);
    const held = [...this.pickupHolds].filter(
      (entry): entry is [string, { orderId: string; storeId: string; expiresAt: string }] => entry[1] !== null,
    );
    const over = [...this.pickupHolds].filter(([, hold]) => hold === null).map(([fulfillmentId]) => fulfillmentId);
    if (over.length > 0) await this.sql.query(DELETE_PICKUP_HOLDS, [over]);
    if (held.length > 0) {
      await this.sql.query(INSERT_PICKUP_HOLDS, [
        held.map(([fulfillmentId]) => fulfillmentId),
        held.map(([, hold]) => hold.orderId),
        held.map(([, hold]) => hold.storeId),
        held.map(([, hold]) => hold.expiresAt),
      ]);
    }
    const waiting = [...this.transfersAwaitingShipment].filter((entry): entry is [string, string] => entry[1] !== null);
    const left = [...this.transfersAwaitingShipment].filter(([, shipBy]) => shipBy === null).map(([transferId]) => transferId);
    if (left.length > 0) await this.sql.query(DELETE_TRANSFERS_AWAITING_SHIPMENT, [left]);
    if (waiting.length > 0)
      await this.sql.query(INSERT_TRANSFERS_AWAITING_SHIPMENT, [waiting.map(([id]) => id), waiting.map(([, shipBy]) => shipBy)]);
    return orders.appended.length + transfers.appended.length;
  }

  // --- online orders -------------------------------------------------------------------------

  private async placeOrder(event: OnlineOrderPlaced, metadata: EventMetadata): Promise<FulfillmentOutcome> {
    const streamId = onlineOrderStreamId(event.orderId);
    await this.orders.load([streamId]);
    if (this.orders.stateOf(streamId).orderId !== null) return { applied: true }; // the same order again: no second effect
    if (event.delivery.mode === 'pickup' && !this.network.location(event.delivery.storeId)) {
      return { applied: false, deadLetterReason: unknownLocationReason(event.delivery.storeId, 'pickup store') };
    }
    const plan = await this.source(event.lines, event.delivery, new Set());
    await this.executeOnOrder(
      streamId,
      { type: 'PlaceOrder', orderId: event.orderId, lines: event.lines, delivery: event.delivery, plan, ...provenanceOf(event) },
      metadata,
    );
    return { applied: true };
  }

  private async cancelOrder(event: OnlineOrderCancelled, metadata: EventMetadata): Promise<FulfillmentOutcome> {
    const streamId = onlineOrderStreamId(event.orderId);
    await this.orders.load([streamId]);
    if (this.orders.stateOf(streamId).orderId === null) {
      return {
        applied: false,
        deadLetterReason: `unknown order: ${event.orderId} was never placed (an OnlineOrderCancelled must follow its OnlineOrderPlaced)`,
      };
    }
    await this.executeOnOrder(streamId, { type: 'CancelOrder', ...provenanceOf(event) }, metadata);
    // Its transfers that have not left are called off: the stock stays where it is, on sale there.
    for (const transfer of this.orders.stateOf(streamId).transfers) {
      if (!transfer.received) await this.cancelTransfer(transfer.transferId, 'order-cancelled', provenanceOf(event), metadata);
    }
    return { applied: true };
  }

  // --- logistics feedback --------------------------------------------------------------------

  private async fulfillmentFeedback(
    event: Extract<LogisticsEvent, { fulfillmentId: string }>,
    metadata: EventMetadata,
  ): Promise<FulfillmentOutcome> {
    await this.loadOrderIdDigests([event.fulfillmentId]);
    const orderId = this.orderIdOf(event.fulfillmentId);
    const streamId = orderId === null ? null : onlineOrderStreamId(orderId);
    if (streamId !== null) await this.orders.load([streamId]);
    const known = streamId === null ? initialOnlineOrderState() : this.orders.stateOf(streamId); // no order: an unknown fulfillment
    const feedback = event.type === 'FulfillmentShipped' ? 'shipped' : event.type === 'PickupCollected' ? 'collected' : 'failed';
    const refusal = feedbackRefusal(known, feedback, event.fulfillmentId);
    if (refusal !== null || streamId === null)
      return { applied: false, deadLetterReason: refusal ?? `unknown fulfillment: ${event.fulfillmentId}` };
    const provenance = provenanceOf(event);
    if (event.type !== 'FulfillmentFailed') {
      const type = event.type === 'FulfillmentShipped' ? 'ConfirmShipped' : 'ConfirmCollected';
      await this.executeOnOrder(streamId, { type, fulfillmentId: event.fulfillmentId, ...provenance }, metadata);
      return { applied: true };
    }
    const failed = await this.executeOnOrder(
      streamId,
      { type: 'RecordPickFailure', fulfillmentId: event.fulfillmentId, shortLines: event.shortLines, ...provenance },
      metadata,
    );
    const order = this.orders.stateOf(streamId);
    const again = failed.length > 0 ? resourcingRequestFor(order, event.fulfillmentId) : null;
    if (again) {
      const plan = await this.source(again.lines, order.delivery!, again.excludedLocationIds);
      await this.executeOnOrder(streamId, { type: 'SourceAgain', plan, ...provenance }, metadata);
    }
    return { applied: true };
  }

  private async transferFeedback(
    event: Extract<LogisticsEvent, { transferId: string }>,
    metadata: EventMetadata,
  ): Promise<FulfillmentOutcome> {
    const streamId = transferStreamId(event.transferId);
    await this.transfers.load([streamId]);
    const before = this.transfers.stateOf(streamId);
    if (before.state === null) {
      return { applied: false, deadLetterReason: `unknown transfer: ${event.transferId} was never requested by this service` };
    }
    const refusal = transferFeedbackRefusal(before, event.type === 'TransferShipped' ? 'shipped' : 'received');
    if (refusal !== null) return { applied: false, deadLetterReason: refusal };
    const provenance = provenanceOf(event);
    const command: TransferCommand =
      event.type === 'TransferShipped'
        ? { type: 'ConfirmTransferShipped', ...provenance }
        : { type: 'ConfirmTransferReceived', lines: event.lines, ...provenance };
    const events = await this.executeOnTransfer(streamId, command, metadata);
    const received = events.find((e) => e.type === 'TransferReceived');
    const purpose = before.purpose;
    if (received && purpose?.kind === 'pickup-order') {
      const orderStream = onlineOrderStreamId(purpose.orderId);
      await this.orders.load([orderStream]);
      await this.executeOnOrder(
        orderStream,
        { type: 'ReceiveOrderTransfer', transferId: event.transferId, receivedLines: received.data.lines, ...provenance },
        metadata,
      );
    }
    return { applied: true };
  }

  // --- the shared steps ----------------------------------------------------------------------

  /** Plan on the stock items' current state (this transaction's, including this batch's changes). */
  private async source(
    lines: readonly OrderLine[],
    delivery: OrderDelivery,
    excludedLocationIds: ReadonlySet<string>,
  ): Promise<SourcingPlan> {
    const skus = new Set(lines.map((line) => line.sku));
    await this.network.loadPolicies(this.sql, skus);
    await this.network.lockCapacity(this.sql);
    await this.items.load(this.everyLocation(skus));
    const candidates: SourcingCandidate[] = this.network.locations.map((location) => ({
      ...location,
      remainingCapacity: this.network.remainingCapacity(location.locationId),
      available: new Map(
        [...skus].map((sku) => {
          const key = { locationId: location.locationId, sku };
          return [sku, availableAt(this.items.stateOf(stockItemStreamId(key)), this.network.safetyStockOf(key))];
        }),
      ),
    }));
    return planSourcing({ lines, delivery, candidates, excludedLocationIds });
  }

  /** The order a fulfillment id names, if it is one of ours and its digest (if any) is known. */
  private orderIdOf(fulfillmentId: string): string | null {
    const order = orderOfFulfillment(fulfillmentId);
    if (order === null) return null;
    return 'orderId' in order ? order.orderId : (this.orderIdsByDigest.get(order.orderIdDigest) ?? null);
  }

  /** Read which long order ids the digests in these fulfillment ids stand for (those not known yet). */
  private async loadOrderIdDigests(fulfillmentIds: readonly string[]): Promise<void> {
    const digests = new Set<string>();
    for (const fulfillmentId of fulfillmentIds) {
      const order = orderOfFulfillment(fulfillmentId);
      if (order !== null && 'orderIdDigest' in order && !this.orderIdsByDigest.has(order.orderIdDigest)) digests.add(order.orderIdDigest);
    }
    if (digests.size === 0) return;
    const rows = await this.sql.query<{ digest: string; order_id: string }>(SELECT_ORDER_IDS_BY_DIGEST, [[...digests]]);
    for (const row of rows) this.orderIdsByDigest.set(row.digest, row.order_id);
  }

  private async executeOnOrder(streamId: string, command: OnlineOrderCommand, metadata: EventMetadata): Promise<OnlineOrderEvent[]> {
    let before = this.orders.stateOf(streamId);
    const events = this.orders.execute(streamId, command, { eventIdFor: () => this.nextEventId(command.sourceEventId, 'o'), metadata });
    const orderId = this.orders.stateOf(streamId).orderId;
    if (events.length > 0 && orderId !== null && !hasReadableOrderIds(orderId)) {
      // Its fulfillment ids carry the order id's digest: feedback finds the order through this row.
      const digest = orderIdDigest(orderId);
      if (!this.orderIdsByDigest.has(digest)) this.mintedOrderDigests.set(digest, orderId);
      this.orderIdsByDigest.set(digest, orderId);
    }
    for (const event of events) {
      const after = evolveOnlineOrder(before, event);
      await this.applyToStock(
        stockInstructionsOfOrderEvent(event, before, (key) => this.network.safetyStockOf(key)),
        command.sourceEventId,
        metadata,
      );
      this.outbox.push(...messagesOfOrderEvent(event, after, this.settings.topics, this.issuedAt));
      this.trackPickupHold(event, after);
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

  private trackPickupHold(event: OnlineOrderEvent, order: OnlineOrderState): void {
    switch (event.type) {
      case 'FulfillmentDispatched':
        this.network.recordDispatch(event.data.fromLocationId);
        if (event.data.mode === 'pickup') {
          const expiresAt = new Date(Date.parse(this.issuedAt) + this.settings.pickupHoldMs).toISOString();
          this.pickupHolds.set(event.data.fulfillmentId, { orderId: order.orderId!, storeId: event.data.fromLocationId, expiresAt });
        }
        return;
      case 'FulfillmentShipped':
      case 'PickupCollected':
      case 'FulfillmentFailed':
      case 'FulfillmentCancelled':
        if (order.delivery?.mode === 'pickup') this.pickupHolds.set(event.data.fulfillmentId, null);
        return;
      default:
        return;
    }
  }

  private trackShipBy(event: TransferEvent): void {
    if (event.type === 'TransferRequested') {
      this.transfersAwaitingShipment.set(
        event.data.transferId,
        new Date(Date.parse(this.issuedAt) + this.settings.transferShipMs).toISOString(),
      );
    } else if (event.type === 'TransferShipped' || event.type === 'TransferCancelled') {
      this.transfersAwaitingShipment.set(event.data.transferId, null);
    }
  }

  private async requestTransfer(command: Extract<TransferCommand, { type: 'RequestTransfer' }>, metadata: EventMetadata): Promise<void> {
    const streamId = transferStreamId(command.transferId);
    await this.transfers.load([streamId]);
    await this.executeOnTransfer(streamId, command, metadata);
  }

  private async executeOnTransfer(streamId: string, command: TransferCommand, metadata: EventMetadata): Promise<TransferEvent[]> {
    let before = this.transfers.stateOf(streamId);
    const events = this.transfers.execute(streamId, command, { eventIdFor: () => this.nextEventId(command.sourceEventId, 't'), metadata });
    for (const event of events) {
      await this.applyToStock(
        stockInstructionsOfTransferEvent(event, before, (key) => this.network.safetyStockOf(key)),
        command.sourceEventId,
        metadata,
      );
      this.outbox.push(...messagesOfTransferEvent(event, this.settings.topics, this.issuedAt, before));
      this.trackShipBy(event);
      before = evolveTransfer(before, event);
    }
    return events;
  }

  private async applyToStock(
    instructions: ReadonlyArray<{ key: StockItemKey; command: StockItemCommand }>,
    sourceEventId: string,
    metadata: EventMetadata,
  ): Promise<void> {
    if (instructions.length === 0) return;
    await this.network.loadPolicies(
      this.sql,
      instructions.map(({ key }) => key.sku),
    );
    await this.items.load(instructions.map(({ key }) => stockItemStreamId(key)));
    for (const { key, command } of instructions) {
      this.items.execute(stockItemStreamId(key), command, { eventIdFor: () => this.nextEventId(sourceEventId, 's'), metadata });
    }
  }

  private everyLocation(skus: Iterable<string>): string[] {
    const ids: string[] = [];
    for (const sku of skus)
      for (const location of this.network.locations) ids.push(stockItemStreamId({ locationId: location.locationId, sku }));
    return ids;
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

function provenanceOf(event: InboundEvent): { occurredAt: string; sourceEventId: string } {
  return { occurredAt: event.occurredAt, sourceEventId: event.eventId };
}
