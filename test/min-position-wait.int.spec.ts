import { PostgresEventStore, SqlReader } from '@app/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { GetStockOfSkusHandler } from '../apps/inventory-service/src/stock-views/get-stock/get-stock.handler';
import { GetStockOfSkus, ViewBehindError } from '../apps/inventory-service/src/stock-views/get-stock/get-stock.query';
import { StockReadCache } from '../apps/inventory-service/src/stock-views/get-stock/stock-read-cache.service';
import { STOCK_LEVELS_PROJECTION } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../apps/inventory-service/src/stock-views/stock-views.sql';
import { StockChangeFeed } from '../apps/inventory-service/src/stock-views/stock-change-feed.service';
import { InlineViewWrites } from '../apps/inventory-service/src/platform/database/inline-view-writes';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.reads.query(
    `INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at) VALUES ($1, '10', 100, now())`,
    [STOCK_LEVELS_PROJECTION],
  );
});
afterAll(async () => {
  await db?.drop();
});

/** The service's reader, counting the stock reads it is asked for. */
class CountingReader extends SqlReader {
  stockReads = 0;
  constructor(private readonly inner: SqlReader) {
    super();
  }
  query<Row>(text: string, params?: readonly unknown[], options?: Parameters<SqlReader['query']>[2]): Promise<Row[]> {
    if (text === SELECT_STOCK_OF_SKUS) this.stockReads += 1;
    return this.inner.query<Row>(text, params, options);
  }
}

function setUp(waitMs: number) {
  const reads = new CountingReader(db.reads);
  const config = loadServiceConfig({ MIN_POSITION_WAIT_MS: String(waitMs), STOCK_CACHE_ENTRIES: '0' });
  const feed = new StockChangeFeed(reads, new PostgresEventStore());
  const handler = new GetStockOfSkusHandler(reads, config, new StockReadCache(feed, config, new InlineViewWrites()), feed);
  return { reads, feed, handler };
}

describe('a read with minPosition beyond the view', () => {
  it('does not run its stock query again and again while it waits: once, and once more at the deadline', async () => {
    const { reads, handler, feed } = setUp(1500);
    const read = handler.execute(new GetStockOfSkus(['SKU-W'], { transactionId: '99', globalPosition: 990 }));
    await expect(read).rejects.toBeInstanceOf(ViewBehindError);
    expect(reads.stockReads).toBe(2);
    feed.beforeApplicationShutdown();
  });

  it('answers as soon as the view reaches the position (the change feed sees the new checkpoint), without waiting out the deadline', async () => {
    const { reads, handler, feed } = setUp(10_000);
    const started = Date.now();
    const read = handler.execute(new GetStockOfSkus(['SKU-W'], { transactionId: '11', globalPosition: 110 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.reads.query(`UPDATE checkpoints SET transaction_id = '11', global_position = 110 WHERE processor_id = $1`, [
      STOCK_LEVELS_PROJECTION,
    ]);
    feed.poke(); // what this instance's own stock-view processor does after each batch
    const [stock] = await read;
    expect(stock).toMatchObject({ sku: 'SKU-W', position: '11.110' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reads.stockReads).toBe(2);
    feed.beforeApplicationShutdown();
  });
});
