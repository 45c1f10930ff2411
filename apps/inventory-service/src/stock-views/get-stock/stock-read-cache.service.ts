import { compareCheckpoints, parseViewPosition, type GlobalCheckpoint } from '@app/event-store';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ServiceConfig } from '../../platform/config';
import { StockChangeFeed, type StockChange } from '../stock-change-feed.service';
import { InlineViewWrites } from '../../platform/database';
import type { SkuStock } from '@app/contracts';

interface Entry {
  stock: SkuStock;
  checkpoint: GlobalCheckpoint;
}

/**
 * Recent stock answers per SKU, kept until the stock view changes that SKU (or a location changes,
 * which can move every SKU's available). The change feed says what changed: at once on the instance
 * that moved the view, within its 200 ms poll on the others, so an answer can trail the view by about
 * that much; it says which position it reflects. A read with `minPosition` beyond a cached answer's position goes to the database.
 *
 * A database read that raced an invalidation is not kept: each read notes the invalidation
 * generation before it starts, and a SKU invalidated since then is not stored.
 */
@Injectable()
export class StockReadCache implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StockReadCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly invalidatedAt = new Map<string, number>();
  private generation = 0;
  private everythingInvalidatedAt = 0;
  private subscription: Subscription | null = null;
  private following = false;

  constructor(
    @Inject(StockChangeFeed) private readonly feed: StockChangeFeed,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
    @Inject(InlineViewWrites) private readonly viewWrites: InlineViewWrites,
  ) {}

  get enabled(): boolean {
    return this.following && this.config.http.stockCacheEntries > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.http.stockCacheEntries === 0) return;
    try {
      await this.feed.follow();
    } catch (error) {
      this.logger.warn(`stock read cache off: could not follow the stock view (${(error as Error).message})`);
      return;
    }
    this.subscription = this.feed.changesOf('all').subscribe((change) => this.invalidate(change));
    // This instance's own location and policy writes: forgotten before the write answers (read-your-writes).
    this.viewWrites.listen(async (write) =>
      this.invalidate(write.kind === 'location' ? { skus: new Set(), everySku: true } : { skus: new Set([write.sku]), everySku: false }),
    );
    this.following = true;
  }

  private invalidate(change: Pick<StockChange, 'skus' | 'everySku'>): void {
    if (change.skus.size === 0 && !change.everySku) return;
    this.generation += 1;
    if (change.everySku) {
      this.everythingInvalidatedAt = this.generation;
      this.entries.clear();
      this.invalidatedAt.clear();
      return;
    }
    for (const sku of change.skus) {
      this.entries.delete(sku);
      this.invalidatedAt.set(sku, this.generation);
    }
  }

  beforeApplicationShutdown(): void {
    this.subscription?.unsubscribe();
    this.following = false;
  }

  /** The cached answer, if there is one at or beyond `atLeast`. */
  get(sku: string, atLeast: GlobalCheckpoint | undefined): SkuStock | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(sku);
    if (!entry || (atLeast && compareCheckpoints(entry.checkpoint, atLeast) < 0)) return undefined;
    return entry.stock;
  }

  /** Call before reading the database; pass the result to `store`. */
  generationNow(): number {
    return this.generation;
  }

  store(stocks: readonly SkuStock[], readSince: number): void {
    if (!this.enabled) return;
    for (const stock of stocks) {
      if (this.everythingInvalidatedAt > readSince || (this.invalidatedAt.get(stock.sku) ?? 0) > readSince) continue; // raced a change
      const checkpoint = parseViewPosition(stock.position);
      if (!checkpoint) continue;
      if (this.entries.size >= this.config.http.stockCacheEntries) this.entries.delete(this.entries.keys().next().value!); // oldest first
      this.entries.set(stock.sku, { stock, checkpoint });
    }
    if (this.invalidatedAt.size > 100_000) {
      // Bounded memory: forget per-SKU generations, and refuse what reads already in flight bring back.
      this.invalidatedAt.clear();
      this.everythingInvalidatedAt = this.generation;
    }
  }
}
