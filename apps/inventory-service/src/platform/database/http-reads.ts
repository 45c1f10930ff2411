import { SqlReader, TypeOrmSqlReader, type ReadOptions } from '@app/event-store';
import type { ServiceConfig } from '../config';
import { createDataSource } from './data-source';

/**
 * The SqlReader of HTTP reads (stock, pickup search, location pages, orders, the dashboard): a pool
 * of its own (DATABASE_READ_POOL_SIZE), so a storm of reads queues for its own connections and never
 * for those of ingestion, projections and the relay (the main pool, SqlReader and TransactionRunner).
 * An abstract class, so it is its own DI token.
 */
export abstract class HttpReads extends SqlReader {}

/** HttpReads over a second DataSource, opened after the main one has migrated the schema. */
export class HttpReadPool extends HttpReads {
  private constructor(
    private readonly dataSource: ReturnType<typeof createDataSource>,
    private readonly reader: SqlReader,
  ) {
    super();
  }

  static async open(config: Pick<ServiceConfig, 'database'>): Promise<HttpReadPool> {
    const dataSource = createDataSource(
      { database: { ...config.database, poolSize: config.database.readPoolSize } },
      'inventory-service-http-reads',
    );
    await dataSource.initialize();
    return new HttpReadPool(dataSource, new TypeOrmSqlReader(dataSource));
  }

  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: ReadOptions): Promise<Row[]> {
    return this.reader.query<Row>(text, params, options);
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
