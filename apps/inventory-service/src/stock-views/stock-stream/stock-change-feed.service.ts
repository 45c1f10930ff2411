import { PostgresEventStore, SqlReader, compareCheckpoints, readCheckpoint, type GlobalCheckpoint, type RecordedEvent } from '@app/event-store';
import { stockItemKeyOf } from '@app/stock-domain';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Observable, Subject, filter } from 'rxjs';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';

export interface StockChange {
  /** SKUs whose stock view changed. */
  skus: ReadonlySet<string>;
}

/**
 * Tells subscribers which SKUs' stock view changed. Each instance follows the view's checkpoint on
 * its own (whichever instance runs the projection) and reads the events between its cursor and the
 * checkpoint to learn the SKUs; it polls only while someone listens.
 */
@Injectable()
export class StockChangeFeed implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StockChangeFeed.name);
  private readonly changes = new Subject<StockChange>();
  private listeners = 0;
  private cursor: GlobalCheckpoint | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
  ) {}

  /**
   * Start following the view from where it is now. Call it before reading the initial state a
   * subscriber is sent, so that no change after that read is missed.
   */
  async follow(): Promise<void> {
    this.cursor ??= await readCheckpoint(this.reads, STOCK_LEVELS_PROJECTION);
  }

  /** Changes touching any of these SKUs, until the subscriber unsubscribes. */
  changesOf(skus: ReadonlySet<string>): Observable<StockChange> {
    return new Observable<StockChange>((subscriber) => {
      this.listeners += 1;
      this.timer ??= setInterval(() => void this.poll(), 200);
      const subscription = this.changes.pipe(filter((change) => [...change.skus].some((sku) => skus.has(sku)))).subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.listeners -= 1;
        if (this.listeners === 0 && this.timer) {
          clearInterval(this.timer);
          this.timer = null;
          this.cursor = null;
        }
      };
    });
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.changes.complete();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      if (this.cursor === null) return;
      const view = await readCheckpoint(this.reads, STOCK_LEVELS_PROJECTION);
      while (compareCheckpoints(this.cursor, view) < 0) {
        const after: GlobalCheckpoint = this.cursor;
        const batch: RecordedEvent[] = await this.store.readAfter(this.reads, after, 5000);
        const events = batch.filter((event) => compareCheckpoints(event, view) <= 0);
        if (events.length === 0) break;
        const skus = new Set<string>();
        for (const event of events) {
          const key = stockItemKeyOf(event.streamId);
          if (key) skus.add(key.sku);
        }
        const last: RecordedEvent = events[events.length - 1]!;
        this.cursor = { transactionId: last.transactionId, globalPosition: last.globalPosition };
        if (skus.size > 0) this.changes.next({ skus });
      }
    } catch (error) {
      this.logger.warn(`stock change feed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }
}
