import { SqlReader, formatViewPosition, projectionBacklog, readProjectionStalls, type ProjectionStall } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { COUNT_UNPUBLISHED } from '../../outbox';
import { ConsumerLagService, type ConsumerLag } from '../../ingestion';
import { STOCK_LEVELS_PROJECTION } from '../../stock-views';
import { StockViewsProcessor } from '../../stock-views';

/** Every check answers within this, so a probe never hangs on a database or broker that does not. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

const PING = 'SELECT 1';

/**
 * The backlog (stock view, stock-changes feed) a readiness probe counts up to (10000: at least that many). A count walks
 * the log's primary key event by event: with the metrics' cap of a million, each probe of a service
 * a million events behind took half a second of a database core (bench/ingest-growth.ts: 13 % of a
 * backend's time while a lagging view was probed every 100 ms), when the service least has it to spare. The feed trails the view by up to a window of events by
 * design (tens of thousands under load): the cap keeps its probe as cheap.
 */
export const HEALTH_BACKLOG_CAP = 10_000;

/*
 * Readiness is PostgreSQL and Kafka. The lag indicators (consumer lag, stock-view and outbox backlog)
 * report figures and are always up: being behind is not a reason to stop serving. A figure that could
 * not be measured is null, with the reason.
 */

/** `postgres`: a `SELECT 1` through the read pool answers. */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(SqlReader) private readonly reads: SqlReader,
  ) {}

  async isHealthy<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(this.reads.query(PING), HEALTH_CHECK_TIMEOUT_MS, 'PostgreSQL');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: messageOf(error) });
    }
  }
}

/**
 * `kafka`: the brokers give the inbound topics' end offsets (ConsumerLagService.measure(), which also
 * reads the applied offsets from PostgreSQL); `consumerLag`: the messages not yet applied, from the
 * same measurement. Checks that run at the same time share one measurement.
 */
@Injectable()
export class KafkaHealthIndicator {
  private inFlight: Promise<ConsumerLag> | null = null;

  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(ConsumerLagService) private readonly consumerLagService: ConsumerLagService,
  ) {}

  async isHealthy<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    try {
      await this.measure();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: messageOf(error) });
    }
  }

  async consumerLag<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    try {
      const lag = await this.measure();
      return indicator.up({ messages: lag.total as number | null, byTopic: lag.byTopic as Record<string, number> | null });
    } catch (error) {
      return indicator.up({ messages: null, byTopic: null, message: `not measured: ${messageOf(error)}` });
    }
  }

  private measure(): Promise<ConsumerLag> {
    if (!this.inFlight) {
      const measuring = withTimeout(this.consumerLagService.measure(), HEALTH_CHECK_TIMEOUT_MS, 'Kafka');
      this.inFlight = measuring;
      const forget = () => {
        if (this.inFlight === measuring) this.inFlight = null;
      };
      measuring.then(forget, forget);
    }
    return this.inFlight;
  }
}

/**
 * `stockViewBacklog`: events not yet in the stock view; `stockChangesBacklog`: events whose stock
 * changes are not yet sent to retail.stock.changes, counted up to HEALTH_BACKLOG_CAP (the
 * feed follows the view, one batch per STOCK_CHANGES_WINDOW_MS; not measured when STOCK_CHANGES_FEED=false); `outboxBacklog`: outbox
 * messages not yet published.
 */
@Injectable()
export class BacklogHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(StockViewsProcessor) private readonly stockViews: StockViewsProcessor,
  ) {}

  stockView<const Key extends string>(key: Key) {
    return this.projection(key, STOCK_LEVELS_PROJECTION, 'the stock-view backlog count');
  }

  stockChanges<const Key extends string>(key: Key) {
    const feed = this.stockViews.stockChanges;
    if (!feed) return this.indicators.check(key).up({ events: null, message: 'STOCK_CHANGES_FEED=false: no feed' });
    return this.projection(key, feed.name, 'the stock-changes backlog count', HEALTH_BACKLOG_CAP);
  }

  private async projection<const Key extends string>(key: Key, projection: string, what: string, cap = HEALTH_BACKLOG_CAP) {
    const indicator = this.indicators.check(key);
    try {
      const events = await withTimeout(projectionBacklog(this.reads, projection, cap), HEALTH_CHECK_TIMEOUT_MS, what);
      return indicator.up({ events: events as number | null });
    } catch (error) {
      return indicator.up({ events: null, message: `not measured: ${messageOf(error)}` });
    }
  }

  async outbox<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    try {
      const [row] = await withTimeout(
        this.reads.query<{ backlog: number }>(COUNT_UNPUBLISHED),
        HEALTH_CHECK_TIMEOUT_MS,
        'the outbox backlog count',
      );
      return indicator.up({ messages: (row?.backlog ?? 0) as number | null });
    } catch (error) {
      return indicator.up({ messages: null, message: `not measured: ${messageOf(error)}` });
    }
  }
}

/** A stalled projection as `/health/ready` names it. */
export interface StalledProjection {
  projection: string;
  /** Its checkpoint, as positions are written elsewhere (`<transactionId>.<globalPosition>`): it cannot get past the batch after it. */
  position: string;
  error: string;
  since: string;
  attempts: number;
}

/**
 * `projections`: down while any projection is stalled (its next batch keeps failing), naming each with
 * its position and error. Stalls recorded in PostgreSQL (by whichever instance runs the projection)
 * and this instance's own (also when the database could not record them).
 */
@Injectable()
export class ProjectionsHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(StockViewsProcessor) private readonly stockViews: StockViewsProcessor,
  ) {}

  async isHealthy<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    const stalled = new Map<string, StalledProjection>();
    const name = (stall: ProjectionStall): StalledProjection => ({
      projection: stall.projection,
      position: formatViewPosition(stall.checkpoint),
      error: stall.lastError,
      since: stall.since.toISOString(),
      attempts: stall.attempts,
    });
    for (const processor of this.stockViews.processors) {
      const stall = processor.stall;
      if (stall) stalled.set(stall.projection, name(stall));
    }
    let message: string | undefined;
    try {
      const recorded = await withTimeout(readProjectionStalls(this.reads), HEALTH_CHECK_TIMEOUT_MS, 'the projection status');
      // This instance's own figures, when it has them, are the fresher.
      for (const stall of recorded) if (!stalled.has(stall.projection)) stalled.set(stall.projection, name(stall));
    } catch (error) {
      message = `stalls recorded in PostgreSQL not read: ${messageOf(error)}`;
    }
    const details = { stalled: [...stalled.values()] as unknown[], ...(message ? { message } : {}) };
    if (stalled.size === 0) return indicator.up(details);
    return indicator.down(details);
  }
}

/** `work`, or a rejection naming `what` once `ms` have passed (the work itself is not stopped). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
