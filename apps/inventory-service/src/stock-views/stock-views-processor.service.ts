import { CheckpointedProcessor, PostgresEventStore, SqlReader, TransactionRunner } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../config/service-config';
import { DailySalesProjection } from './daily-sales.projection';
import { StockLevelsProjection } from './stock-levels.projection';
import { StockChangeFeed } from './stock-stream/stock-change-feed.service';

/** Keeps the stock views (levels, daily sales) up to date from the event log, each checkpointed in PostgreSQL. */
@Injectable()
export class StockViewsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StockViewsProcessor.name);
  readonly stockLevels: CheckpointedProcessor;
  readonly dailySales: CheckpointedProcessor;

  constructor(
    @Inject(TransactionRunner) transactions: TransactionRunner,
    @Inject(SqlReader) reads: SqlReader,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(ServiceConfig) config: ServiceConfig,
    @Inject(StockChangeFeed) changeFeed: StockChangeFeed,
  ) {
    this.stockLevels = new CheckpointedProcessor(new StockLevelsProjection(), transactions, store, {
      batchSize: config.projections.batchSize,
      idleDelayMs: config.projections.idleMs,
      idleCheck: reads,
      // This instance moved the view: its cached answers and live streams learn of it now, not at the next poll.
      onBatch: () => changeFeed.poke(),
      onError: (error) => this.logger.error(`stock-levels projection failed, retrying: ${(error as Error).message}`),
    });
    this.dailySales = new CheckpointedProcessor(new DailySalesProjection(), transactions, store, {
      batchSize: config.projections.batchSize,
      idleDelayMs: config.projections.idleMs * 4, // velocity can trail the stock view a little
      idleCheck: reads,
      onError: (error) => this.logger.error(`daily-sales projection failed, retrying: ${(error as Error).message}`),
    });
  }

  onApplicationBootstrap(): void {
    this.stockLevels.start();
    this.dailySales.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.stockLevels.stop(), this.dailySales.stop()]);
  }
}
