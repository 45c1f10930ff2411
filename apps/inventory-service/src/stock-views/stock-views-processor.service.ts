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
import { KafkaConnection } from '../platform/kafka';
import { ServiceMetrics } from '../platform/metrics';
import { DailySalesProjection } from './daily-sales.projection';
import { StockLevelsProjection } from './stock-levels.projection';
import { StockChangeFeed } from './stock-change-feed.service';
import { StockChangesProjection } from './publish-stock-changes/stock-changes.projection';
import { StockReadModelService } from './stock-read-model/stock-read-model.service';

/**
 * Stock changes a window can hold in one batch of the feed (stream ids only: a few MB): enough for
 * 10,000 events/s over the default 10 s window. A fuller window takes two batches (two messages for a SKU).
 */
const STOCK_CHANGES_BATCH_EVENTS = 100_000;
/**
 * Once the view has not moved for this long (or the window, if shorter), the log has gone quiet: the
 * feed sends what it holds now rather than at the end of its window. While changes keep coming
 * (the view moves more often than this) the window holds: one message per SKU per window.
 */
const STOCK_CHANGES_QUIET_MS = 500;

/**
 * Keeps the stock views (levels, daily sales) up to date from the event log, each checkpointed in
 * PostgreSQL, and retail.stock.changes behind the levels (STOCK_CHANGES_FEED), checkpointed too.
 */
@Injectable()
export class StockViewsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StockViewsProcessor.name);
  readonly stockLevels: CheckpointedProcessor;
  readonly dailySales: CheckpointedProcessor;
  /** retail.stock.changes, following the levels; null when STOCK_CHANGES_FEED=false. */
  readonly stockChanges: CheckpointedProcessor | null;
  private readonly stopHearingCommits: () => void;
  /** Pokes the feed once the view has been still for the quiet time; restarted by each view batch of this instance. */
  private readonly feedWhenQuiet: NodeJS.Timeout | null;

  constructor(
    @Inject(TransactionRunner) transactions: TransactionRunner,
    @Inject(SqlReader) reads: SqlReader,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(ServiceConfig) config: ServiceConfig,
    @Inject(StockChangeFeed) changeFeed: StockChangeFeed,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
    @Inject(CommitSignals) signals: CommitSignals,
    @Inject(KafkaConnection) kafka: KafkaConnection,
    @Inject(StockReadModelService) readModel: StockReadModelService,
  ) {
    const failures = {
      retryMaxDelayMs: config.projections.retryMaxMs,
      onError: (error: unknown, failure: ProcessorFailure) => this.logFailure(error, failure),
      onRecovered: ({ projection, attempts, stalledForMs }: { projection: string; attempts: number; stalledForMs: number }) =>
        this.logger.log(
          `${projection} projection recovered: a batch applied after ${attempts} failed attempts over ${(stalledForMs / 1000).toFixed(1)} s`,
        ),
    };
    this.stockLevels = new CheckpointedProcessor(new StockLevelsProjection(), transactions, store, {
      batchSize: config.projections.batchSize,
      idleDelayMs: config.projections.idleMs,
      idleMaxDelayMs: config.projections.idleMaxMs,
      idleCheck: reads,
      // This instance moved the view: its cached answers and live streams learn of it now, not at the next poll.
      onBatch: () => {
        changeFeed.poke();
        this.feedWhenQuiet?.refresh();
      },
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
    // STOCK_CHANGES_FEED: one batch per window, so one message per SKU per window while changes keep
    // coming; poked only once the view has been still for the quiet time (the last changes of a burst
    // do not wait out the window). The view moved by another instance: the window only.
    const windowMs = config.projections.stockChangesWindowMs;
    this.stockChanges = config.projections.stockChangesFeed
      ? new CheckpointedProcessor(new StockChangesProjection(config.kafka.topics.stockChanges, kafka, readModel), transactions, store, {
          batchSize: STOCK_CHANGES_BATCH_EVENTS,
          idleDelayMs: windowMs,
          idleMaxDelayMs: windowMs,
          idleCheck: reads,
          ...failures,
        })
      : null;
    const feed = this.stockChanges;
    this.feedWhenQuiet = feed ? setTimeout(() => feed.poke(), Math.min(STOCK_CHANGES_QUIET_MS, windowMs)).unref() : null;
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
    return [this.stockLevels, this.dailySales, ...(this.stockChanges ? [this.stockChanges] : [])];
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
    for (const processor of this.processors) processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopHearingCommits();
    await Promise.all(this.processors.map((processor) => processor.stop()));
    if (this.feedWhenQuiet) clearTimeout(this.feedWhenQuiet);
  }
}
