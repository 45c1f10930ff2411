import { CheckpointedProcessor, PostgresEventStore, TransactionRunner } from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../config/service-config';
import { StockLevelsProjection } from './stock-levels.projection';

/** Keeps the stock views up to date from the event log, checkpointed in PostgreSQL. */
@Injectable()
export class StockViewsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StockViewsProcessor.name);
  readonly stockLevels: CheckpointedProcessor;

  constructor(
    @Inject(TransactionRunner) transactions: TransactionRunner,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(ServiceConfig) config: ServiceConfig,
  ) {
    this.stockLevels = new CheckpointedProcessor(new StockLevelsProjection(), transactions, store, {
      batchSize: config.projections.batchSize,
      idleDelayMs: config.projections.idleMs,
      onError: (error) => this.logger.error(`stock-levels projection failed, retrying: ${(error as Error).message}`),
    });
  }

  onApplicationBootstrap(): void {
    this.stockLevels.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stockLevels.stop();
  }
}
