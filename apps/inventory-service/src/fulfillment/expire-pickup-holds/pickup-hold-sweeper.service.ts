import { PostgresEventStore, TransactionRunner, isRetriableConflict, isStreamVersionConflict } from '@app/event-store';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ServiceConfig } from '../../platform/config/service-config';
import { enqueueOutboxMessages } from '../../outbox/outbox';
import { stockItemsUnitOfWork } from '../../stock/stock-item-persistence';
import { FulfillmentWork, fulfillmentSettingsOf } from '../fulfillment-work';
import { LocationNetwork } from '../location-network';
import { SELECT_EXPIRED_PICKUP_HOLDS, SELECT_TRANSFERS_PAST_SHIP_BY } from '../fulfillment.sql';

const HOLDS_PER_TRANSACTION = 100;
const TRANSFERS_PER_TRANSACTION = 100;

/**
 * Two jobs on one timer, each sweep one transaction like an inbound batch:
 * - pickups not collected within PICKUP_HOLD_HOURS are cancelled: the stock goes back on sale and
 *   the store gets a CancelFulfillment;
 * - transfers not shipped within TRANSFER_SHIP_HOURS are called off: the source's hold is released
 *   and its worker gets a CancelTransfer (a replenishment may be asked for again; a pickup waiting
 *   for the transfer goes ahead with what its store holds, or ends).
 */
@Injectable()
export class PickupHoldSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PickupHoldSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      const now = new Date();
      this.sweeping = this.sweepExpired(now)
        .then(async (expired) => expired + (await this.sweepTransfersPastShipBy(now)))
        .catch((error: Error) => {
          if (!(isStreamVersionConflict(error) || isRetriableConflict(error)))
            this.logger.error(`pickup hold / transfer sweep failed, retrying: ${error.message}`);
          return 0;
        })
        .finally(() => (this.sweeping = null));
    }, this.config.fulfillment.pickupHoldSweepMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /** Expire the holds due by `now`; resolves to how many were expired. */
  async sweepExpired(now: Date): Promise<number> {
    return this.transactions.inTransaction(async (sql) => {
      const due = await sql.query<{ fulfillment_id: string; order_id: string }>(SELECT_EXPIRED_PICKUP_HOLDS, [
        now.toISOString(),
        HOLDS_PER_TRANSACTION,
      ]);
      if (due.length === 0) return 0;
      const items = stockItemsUnitOfWork(sql, this.store, this.config.eventStore.snapshotEveryEvents);
      const network = await LocationNetwork.load(sql, now);
      const work = new FulfillmentWork(sql, this.store, items, network, fulfillmentSettingsOf(this.config), now.toISOString());
      for (const hold of due) await work.expirePickupHold(hold.order_id, hold.fulfillment_id);
      await items.commit({ idsKnownNew: true });
      await work.commit();
      await enqueueOutboxMessages(sql, work.outbox);
      this.logger.log(`expired ${due.length} uncollected pickups`);
      return due.length;
    });
  }

  /** Call off the transfers not shipped by `now`; resolves to how many were called off. */
  async sweepTransfersPastShipBy(now: Date): Promise<number> {
    return this.transactions.inTransaction(async (sql) => {
      const due = await sql.query<{ transfer_id: string }>(SELECT_TRANSFERS_PAST_SHIP_BY, [now.toISOString(), TRANSFERS_PER_TRANSACTION]);
      if (due.length === 0) return 0;
      const items = stockItemsUnitOfWork(sql, this.store, this.config.eventStore.snapshotEveryEvents);
      const network = await LocationNetwork.load(sql, now);
      const work = new FulfillmentWork(sql, this.store, items, network, fulfillmentSettingsOf(this.config), now.toISOString());
      for (const transfer of due) await work.callOffTransfer(transfer.transfer_id);
      await items.commit({ idsKnownNew: true });
      await work.commit();
      await enqueueOutboxMessages(sql, work.outbox);
      this.logger.log(`called off ${due.length} transfers not shipped within TRANSFER_SHIP_HOURS`);
      return due.length;
    });
  }
}
