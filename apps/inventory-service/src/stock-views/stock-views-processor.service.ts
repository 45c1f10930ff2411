import {
  CheckpointedProcessor,
  CommitSignals,
  PostgresEventStore,
  SqlReader,
  TransactionRunner,
  type ProcessorFailure,
} from '@app/event-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../platform/config';
import { ServiceMetrics } from '../platform/metrics';
import { DailySalesProjection } from './daily-sales.projection';
import { StockLevelsProjection } from './stock-levels.projection';
import { StockChangeFeed } from './stock-change-feed.service';
import { StockLevelsWithChangesProjection } from './publish-stock-changes/stock-changes.projection';

/** Keeps the stock views (levels, daily sales) up to date from the event log, each checkpointed in PostgreSQL; the levels' batches feed retail.stock.changes. */
@Injectable()
export class StockViewsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StockViewsProcessor.name);
  readonly stockLevels: CheckpointedProcessor;
  readonly dailySales: CheckpointedProcessor;
  private readonly stopHearingCommits: () => void;

  constructor(
    @Inject(TransactionRunner) transactions: TransactionRunner,
    @Inject(SqlReader) reads: SqlReader,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(ServiceConfig) config: ServiceConfig,
    @Inject(StockChangeFeed) changeFeed: StockChangeFeed,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
    @Inject(CommitSignals) signals: CommitSignals,
  ) {
    const failures = {
      retryMaxDelayMs: config.projections.retryMaxMs,
      onError: (error: unknown, failure: ProcessorFailure) => this.logFailure(error, failure),
      onRecovered: ({ projection, attempts, stalledForMs }: { projection: string; attempts: number; stalledForMs: number }) =>
        this.logger.log(
          `${projection} projection recovered: a batch applied after ${attempts} failed attempts over ${(stalledForMs / 1000).toFixed(1)} s`,
        ),
    };
    // STOCK_CHANGES_FEED: each batch of the view also queues the changed SKUs' stock for retail.stock.changes.
    const levels = config.projections.stockChangesFeed
      ? new StockLevelsWithChangesProjection(new StockLevelsProjection(), config.kafka.topics.stockChanges)
      : new StockLevelsProjection();
    this.stockLevels = new CheckpointedProcessor(levels, transactions, store, {
      batchSize: config.projections.batchSize,
      idleDelayMs: config.projections.idleMs,
      idleMaxDelayMs: config.projections.idleMaxMs,
      idleCheck: reads,
      // This instance moved the view: its cached answers and live streams learn of it now, not at the next poll.
      onBatch: () => changeFeed.poke(),
      ...failures,
    });
    this.dailySales = new CheckpointedProcessor(new DailySalesProjection(), transactions, store, {
      batchSize: config.projections.batchSize,
      idleDelayMs: config.projections.idleMs * 4,
      idleMaxDelayMs: config.projections.idleMaxMs,
      pokeDelayMs: config.projections.idleMs * 4, // velocity can trail the stock view a little: fewer, larger batches
      idleCheck: reads,
      ...failures,
    });
    // Events committed in this process: both views look now rather than after their idle wait
    // (which grows to PROJECTION_IDLE_MAX_MS; events from other instances wait at most that long).
    this.stopHearingCommits = signals.subscribe((writes) => {
      if (!writes.has('events')) return;
      this.stockLevels.poke();
      this.dailySales.poke();
    });
    metrics.watchProjections(() => this.processors);
  }

  get processors(): readonly CheckpointedProcessor[] {
    return [this.stockLevels, this.dailySales];
  }

  /** Each distinct error once a minute (the processor sees to that), with how often it recurred meanwhile. */
  private logFailure(error: unknown, failure: ProcessorFailure): void {
    const message = error instanceof Error ? error.message : String(error);
    const repeats = failure.unreported > 0 ? `; failed ${failure.unreported} more times the same way since last said` : '';
    const state = failure.stalled ? 'stalled' : 'failed (a transient database fault)';
    const line = `${failure.projection} projection ${state} at attempt ${failure.attempts}, retrying in ${failure.retryInMs} ms: ${message}${repeats}`;
    if (failure.stalled) this.logger.error(line);
    else this.logger.warn(line);
  }

  onApplicationBootstrap(): void {
    this.stockLevels.start();
    this.dailySales.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopHearingCommits();
    await Promise.all([this.stockLevels.stop(), this.dailySales.stop()]);
  }
}
