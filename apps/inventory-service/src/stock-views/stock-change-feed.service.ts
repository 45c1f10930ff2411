import { PostgresEventStore, SqlReader, compareCheckpoints, readCheckpoint, type GlobalCheckpoint } from '@app/event-store';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Observable, Subject, filter } from 'rxjs';
import { STOCK_LEVELS_PROJECTION } from './stock-levels.projection';
import { stockChangesIn } from './stock-changed-by';

export interface StockChange {
  /** SKUs whose stock view changed (their stock, or their own policy at some location). */
  skus: ReadonlySet<string>;
  /** A location changed (safety stock, ships-online): every SKU's available may have moved. */
  everySku: boolean;
  /** The view checkpoint this change brings its followers to: every change up to it has been told. */
  through: GlobalCheckpoint;
}

/**
 * Tells subscribers which SKUs' stock view changed. Each instance follows the view's checkpoint on
 * its own (whichever instance runs the projection) and reads the events between its cursor and the
 * checkpoint to learn the SKUs; it polls only while someone listens, every 200 ms, and at once when
 * poked (by this instance's own stock-view processor after each batch it applies). Reads that wait
 * for the view to reach a position (`minPosition`) wake on the checkpoint it reads (viewReached).
 */
@Injectable()
export class StockChangeFeed implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StockChangeFeed.name);
  private readonly changes = new Subject<StockChange>();
  private listeners = 0;
  private cursor: GlobalCheckpoint | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private pollAgain = false;
  /** Reads waiting for the view to reach a position; each one counts as a listener while it waits. */
  private readonly waiters = new Set<{ atLeast: GlobalCheckpoint; wake: () => void }>();

  constructor(
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
  ) {}

  /**
   * Start following the view from where it is now. Call it before reading the initial state a
   * subscriber is sent, so that no change after that read is missed. Resolves to the position from
   * which changes will be told (to subscribers subscribed by then).
   */
  async follow(): Promise<GlobalCheckpoint> {
    this.cursor ??= await readCheckpoint(this.reads, STOCK_LEVELS_PROJECTION);
    return this.cursor;
  }

  /** Changes touching any of these SKUs (or all changes), until the subscriber unsubscribes. */
  changesOf(skus: ReadonlySet<string> | 'all'): Observable<StockChange> {
    return new Observable<StockChange>((subscriber) => {
      this.listen();
      const touches = (change: StockChange) => skus === 'all' || change.everySku || [...change.skus].some((sku) => skus.has(sku));
      const subscription = this.changes.pipe(filter(touches)).subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.stopListening();
      };
    });
  }

  /**
   * Resolves true once the view's checkpoint (as this feed reads it: every 200 ms while anyone
   * listens, at once when poked) reaches atLeast, or false at the deadline (epoch ms). The caller
   * reads once more either way; nothing is queried for it in between but the checkpoint.
   */
  viewReached(atLeast: GlobalCheckpoint, deadline: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter = {
        atLeast,
        wake: () => {
          clearTimeout(timeout);
          this.waiters.delete(waiter);
          this.stopListening();
          resolve(true);
        },
      };
      const timeout = setTimeout(
        () => {
          this.waiters.delete(waiter);
          this.stopListening();
          resolve(false);
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.add(waiter);
      this.listen();
      void this.poll();
    });
  }

  private listen(): void {
    this.listeners += 1;
    this.timer ??= setInterval(() => void this.poll(), 200);
  }

  private stopListening(): void {
    this.listeners -= 1;
    if (this.listeners === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.cursor = null;
    }
  }

  /** The view moved: look now (a poll already under way looks again when it is done). */
  poke(): void {
    if (this.timer !== null) void this.poll();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    for (const waiter of [...this.waiters]) waiter.wake(); // they read once more and answer

    this.changes.complete();
  }

  private async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    this.pollAgain = false;
    try {
      if (this.cursor === null && this.waiters.size === 0) return;
      const view = await readCheckpoint(this.reads, STOCK_LEVELS_PROJECTION);
      for (const waiter of [...this.waiters]) if (compareCheckpoints(view, waiter.atLeast) >= 0) waiter.wake();
      if (this.cursor === null) return;
      while (compareCheckpoints(this.cursor, view) < 0) {
        const batch = await this.store.readStreamIdsAfter(this.reads, this.cursor, 5000);
        const events = batch.filter((event) => compareCheckpoints(event, view) <= 0);
        if (events.length === 0) {
          // Nothing more up to the view's checkpoint: followers reflect it (the read model's position moves).
          this.cursor = view;
          this.changes.next({ skus: new Set(), everySku: false, through: view });
          break;
        }
        const { skus, locations } = stockChangesIn(events);
        const change = { skus, everySku: locations.size > 0, through: view };
        const last = events[events.length - 1]!;
        this.cursor = { transactionId: last.transactionId, globalPosition: last.globalPosition };
        change.through = this.cursor;
        if (change.skus.size > 0 || change.everySku || compareCheckpoints(this.cursor, view) >= 0) this.changes.next(change);
      }
    } catch (error) {
      this.logger.warn(`stock change feed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
      if (this.pollAgain) void this.poll();
    }
  }
}
