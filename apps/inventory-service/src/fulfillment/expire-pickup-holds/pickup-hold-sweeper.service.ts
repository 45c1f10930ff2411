import { PostgresEventStore, TransactionRunner, isRetriableConflict, isStreamVersionConflict } from '@app/event-store';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ServiceConfig } from '../../platform/config';
import { callOffTransfer } from '../cancel-stale-transfers/call-off-transfer';
import { fulfillmentSettingsOf } from '../fulfillment-settings';
import { FulfillmentUnitOfWork } from '../fulfillment-unit-of-work';
import { SELECT_CANCELS_PAST_RELEASE_BY, SELECT_EXPIRED_PICKUP_HOLDS, SELECT_TRANSFERS_PAST_SHIP_BY } from '../fulfillment.sql';
import { releaseUnconfirmedCancel } from '../release-unconfirmed-cancels/release-unconfirmed-cancel';
import { expirePickupHold } from './expire-pickup-hold';

const HOLDS_PER_TRANSACTION = 100;
const TRANSFERS_PER_TRANSACTION = 100;
const CANCELS_PER_TRANSACTION = 100;

/**
 * Three jobs on one timer, each sweep one transaction like an inbound batch:
 * - pickups not collected within PICKUP_HOLD_HOURS are cancelled: the store gets a CancelFulfillment
 *   and the units stay held until it answers (collected after all, or failed) or the next job runs;
 * - cancelled fulfillments whose location did not answer within CANCEL_CONFIRM_HOURS release what
 *   they hold: the stock goes back on sale;
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
        .then(async (swept) => swept + (await this.sweepUnconfirmedCancels(now)))
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
      const work = await FulfillmentUnitOfWork.begin(sql, this.store, fulfillmentSettingsOf(this.config), now);
      for (const hold of due) await expirePickupHold(work, hold.order_id, hold.fulfillment_id);
      await work.commit();
      this.logger.log(`expired ${due.length} uncollected pickups`);
      return due.length;
    });
  }

  /** Call off the transfers not shipped by `now`; resolves to how many were called off. */
  async sweepTransfersPastShipBy(now: Date): Promise<number> {
    return this.transactions.inTransaction(async (sql) => {
      const due = await sql.query<{ transfer_id: string }>(SELECT_TRANSFERS_PAST_SHIP_BY, [now.toISOString(), TRANSFERS_PER_TRANSACTION]);
      if (due.length === 0) return 0;
      const work = await FulfillmentUnitOfWork.begin(sql, this.store, fulfillmentSettingsOf(this.config), now);
      for (const transfer of due) await callOffTransfer(work, transfer.transfer_id);
      await work.commit();
      this.logger.log(`called off ${due.length} transfers not shipped within TRANSFER_SHIP_HOURS`);
      return due.length;
    });
  }

  /** Release what cancelled fulfillments still hold when their location did not answer by `now`; resolves to how many. */
  async sweepUnconfirmedCancels(now: Date): Promise<number> {
    return this.transactions.inTransaction(async (sql) => {
      const due = await sql.query<{ fulfillment_id: string; order_id: string }>(SELECT_CANCELS_PAST_RELEASE_BY, [
        now.toISOString(),
        CANCELS_PER_TRANSACTION,
      ]);
      if (due.length === 0) return 0;
      const work = await FulfillmentUnitOfWork.begin(sql, this.store, fulfillmentSettingsOf(this.config), now);
      for (const cancel of due) await releaseUnconfirmedCancel(work, cancel.order_id, cancel.fulfillment_id);
      await work.commit();
      this.logger.log(`released ${due.length} cancelled fulfillments not answered within CANCEL_CONFIRM_HOURS`);
      return due.length;
    });
  }
}
