import { SqlReader, START_OF_LOG, compareCheckpoints, type GlobalCheckpoint } from '@app/event-store';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ServiceConfig } from '../../platform/config';
import { InlineViewWrites, type ViewWrite } from '../../platform/database';
import { StockChangeFeed, type StockChange } from '../stock-change-feed.service';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';
import { checkpointAmong } from '../get-stock/stock-bodies';
import { StockReadModel, type LocationProfile, type StockLevelRow } from './stock-read-model';
import {
  SELECT_LOCATION_PROFILES_PAGE,
  SELECT_STOCK_LEVELS_OF_SKUS,
  SELECT_STOCK_LEVELS_PAGE,
  type StockLevelsOfSkusRow,
  type StockLevelsPageRow,
} from './stock-read-model.sql';

const LOAD_PAGE_ROWS = 20_000;
const SKUS_PER_REREAD = 500;
const LOCATIONS_PAGE = 1_000;

/** Changes told by the feed (or by a write of this instance) and not applied yet. */
interface Batch {
  skus: Set<string>;
  everySku: boolean;
  through: GlobalCheckpoint;
}

const rowOf = (row: StockLevelsPageRow): StockLevelRow => ({
  locationId: row.location_id,
  onHand: row.on_hand,
  reserved: row.reserved,
  inTransit: row.in_transit,
  policySafetyStock: row.policy_safety_stock,
});

/**
 * Keeps the StockReadModel exact: it follows the StockChangeFeed from before the load (so nothing
 * after the load's first page is missed), loads the whole view in the background a page at a time
 * by its primary key, then, for every change the feed tells, re-reads the changed SKUs (or, for a
 * location change, the location profiles) and moves the model to the change's `through` position.
 * Changes are applied one batch at a time, in order; SKUs told but not applied yet are `pending`, and
 * the fast path leaves a read of them to NestJS. Writes of this instance (InlineViewWrites) are
 * applied before they answer.
 */
@Injectable()
export class StockReadModelService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StockReadModelService.name);
  readonly model: StockReadModel;
  private loaded = false;
  private stopped = false;
  private subscription: Subscription | null = null;
  private pending: Batch = { skus: new Set<string>(), everySku: false, through: START_OF_LOG };
  private inFlight: Batch | null = null;
  private applying: Promise<void> | null = null;

  constructor(
    @Inject(StockChangeFeed) private readonly feed: StockChangeFeed,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
    @Inject(InlineViewWrites) private readonly viewWrites: InlineViewWrites,
  ) {
    this.model = new StockReadModel(config.http.stockCacheEntries);
  }

  /** Loaded and following the feed: answers from the model are exact as of its position. */
  get ready(): boolean {
    return this.loaded && !this.stopped;
  }

  /** Whether a change to this SKU (or to every SKU) has been told but not applied yet. */
  isPending(sku: string): boolean {
    const told = (batch: Batch | null) => batch !== null && (batch.everySku || batch.skus.has(sku));
    return told(this.pending) || told(this.inFlight);
  }

  /**
   * The serialized `GET /v1/stock/{sku}` answers of these SKUs, each at a position at or past
   * `atLeast`, once the model has reached it (waiting up to `waitMs`); null when the model is off,
   * still loading, or not there in time (the caller reads the database instead).
   */
  async answersAtLeast(skus: readonly string[], atLeast: GlobalCheckpoint, waitMs: number): Promise<string[] | null> {
    if (!this.config.http.stockReadModel) return null;
    const deadline = Date.now() + waitMs;
    while (!this.ready || compareCheckpoints(this.model.position, atLeast) < 0) {
      if (this.stopped || Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answers: string[] = [];
    for (const sku of skus) {
      const answer = this.model.answer(sku, atLeast);
      if (!answer) return null;
      answers.push(answer.json);
    }
    return answers;
  }

  onApplicationBootstrap(): void {
    if (!this.config.http.stockReadModel) return;
    this.subscription = this.feed.changesOf('all').subscribe((change) => this.told(change));
    this.viewWrites.listen((write) => this.written(write));
    void this.load().catch((error: unknown) => {
      this.logger.warn(`stock read model off: the load failed (${(error as Error).message}); reads go to the database`);
      this.stop();
    });
  }

  beforeApplicationShutdown(): void {
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  private async load(): Promise<void> {
    const started = Date.now();
    const from = await this.feed.follow();
    await this.loadLocations(from);
    let after = { sku: '', locationId: '' };
    let carried: { sku: string; rows: StockLevelRow[] } | null = null;
    for (;;) {
      if (this.stopped) return;
      const page = await this.reads.query<StockLevelsPageRow>(SELECT_STOCK_LEVELS_PAGE, [after.sku, after.locationId, LOAD_PAGE_ROWS], {
        preparedAs: 'stock-read-model-page',
      });
      for (const row of page) {
        if (carried && carried.sku !== row.sku) {
          this.model.setSkuRows(carried.sku, carried.rows, from);
          carried = null;
        }
        carried ??= { sku: row.sku, rows: [] };
        carried.rows.push(rowOf(row));
      }
      if (page.length < LOAD_PAGE_ROWS) break;
      const last = page[page.length - 1]!;
      after = { sku: last.sku, locationId: last.location_id };
    }
    if (carried) this.model.setSkuRows(carried.sku, carried.rows, from);
    this.model.advanceTo(from);
    this.loaded = true;
    await this.applyPending(); // what changed while it loaded
    this.logger.log(
      `stock read model loaded: ${this.model.skuCountKnown} SKUs in ${Date.now() - started} ms, ` +
        `${Math.round(this.model.columnBytes / 2 ** 20)} MiB of columns`,
    );
  }

  private async loadLocations(readAt: GlobalCheckpoint): Promise<void> {
    const profiles: LocationProfile[] = [];
    let after = '';
    for (;;) {
      const page = await this.reads.query<{ location_id: string; safety_stock: number; ships_online: boolean }>(
        SELECT_LOCATION_PROFILES_PAGE,
        [after, LOCATIONS_PAGE],
      );
      for (const row of page) profiles.push({ locationId: row.location_id, safetyStock: row.safety_stock, shipsOnline: row.ships_online });
      if (page.length < LOCATIONS_PAGE) break;
      after = page[page.length - 1]!.location_id;
    }
    this.model.setLocations(profiles, readAt);
  }

  private told(change: StockChange): void {
    for (const sku of change.skus) this.pending.skus.add(sku);
    this.pending.everySku ||= change.everySku;
    if (compareCheckpoints(change.through, this.pending.through) > 0) this.pending.through = change.through;
    if (this.loaded) void this.applyPending();
  }

  /** Apply what the feed told, one batch at a time; resolves when nothing told before the call is left. */
  private applyPending(): Promise<void> {
    this.applying ??= this.drain().finally(() => {
      this.applying = null;
    });
    return this.applying;
  }

  private async drain(): Promise<void> {
    const waiting = () =>
      this.pending.skus.size > 0 || this.pending.everySku || compareCheckpoints(this.pending.through, this.model.position) > 0;
    while (!this.stopped && waiting()) {
      const batch = this.pending;
      this.inFlight = batch;
      this.pending = { skus: new Set(), everySku: false, through: batch.through };
      try {
        if (batch.everySku) await this.loadLocations(batch.through);
        await this.reread([...batch.skus], batch.through);
      } catch (error) {
        // Still pending (the fast path leaves them to NestJS meanwhile); tried again in a second or at the next change.
        for (const sku of batch.skus) this.pending.skus.add(sku);
        this.pending.everySku ||= batch.everySku;
        this.logger.warn(`stock read model: re-reading ${batch.skus.size} SKUs failed (${(error as Error).message}); retrying`);
        setTimeout(() => void this.applyPending(), 1000).unref();
        return;
      } finally {
        this.inFlight = null;
      }
      this.model.advanceTo(batch.through);
    }
  }

  private async reread(skus: readonly string[], through: GlobalCheckpoint): Promise<void> {
    for (let from = 0; from < skus.length; from += SKUS_PER_REREAD) {
      const some = skus.slice(from, from + SKUS_PER_REREAD);
      const rows = await this.reads.query<StockLevelsOfSkusRow>(SELECT_STOCK_LEVELS_OF_SKUS, [some, STOCK_LEVELS_PROJECTION], {
        preparedAs: 'stock-read-model-skus',
      });
      const readAt = checkpointAmong(rows);
      const bySku = new Map<string, StockLevelRow[]>(some.map((sku) => [sku, []]));
      for (const row of rows) if (row.sku !== null) bySku.get(row.sku)?.push(rowOf(row));
      const stamp = compareCheckpoints(readAt, through) > 0 ? readAt : through;
      for (const [sku, skuRows] of bySku) this.model.setSkuRows(sku, skuRows, stamp);
    }
  }

  /** A write of this instance: re-read what it changed (after what is pending), so the caller's next read shows it. */
  private async written(write: ViewWrite): Promise<void> {
    if (this.stopped) return;
    if (write.kind === 'location') this.pending.everySku = true;
    else this.pending.skus.add(write.sku);
    if (this.loaded) await this.applyPending();
  }
}
