import {
  CommitSignals,
  PostgresEventStore,
  SqlReader,
  TransactionRunner,
  TypeOrmSqlReader,
  TypeOrmTransactionRunner,
  type Projection,
} from '@app/event-store';
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config';
import { createDataSource, migrateDatabase } from './data-source';
import { HttpReadPool, HttpReads } from './http-reads';
import { ensureDatabaseAndSchema } from './ensure-database';
import { EventLogPartitionMaintainer } from './event-log-partitions.service';
import { InlineViewWrites } from './inline-view-writes';

/**
 * PostgreSQL: the DataSource (migrated at start-up), transactions, background reads, the HTTP read pool, the event store
 * and the upkeep of its partitions.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [ServiceConfig],
      useFactory: async (config: ServiceConfig) => {
        await ensureDatabaseAndSchema(config.database.url, config.database.schema);
        await migrateDatabase(config.database); // without a statement timeout: see maintenanceLimits
        const dataSource = createDataSource(config);
        await dataSource.initialize();
        return dataSource;
      },
    },
    // HTTP reads: a pool of their own (opened once the schema is migrated).
    { provide: HttpReads, inject: [ServiceConfig, DataSource], useFactory: (config: ServiceConfig) => HttpReadPool.open(config) },
    // Commits of events or outbox rows wake this process's projections and relay (they poll long when idle).
    { provide: CommitSignals, useValue: new CommitSignals() },
    {
      provide: TransactionRunner,
      inject: [DataSource, CommitSignals],
      useFactory: (ds: DataSource, signals: CommitSignals) => new TypeOrmTransactionRunner(ds, signals),
    },
    { provide: SqlReader, inject: [DataSource], useFactory: (ds: DataSource) => new TypeOrmSqlReader(ds) },
    EventLogPartitionMaintainer,
    // Writes read back at once (locations, SKU policies) refresh the in-process views before they answer.
    { provide: InlineViewWrites, useValue: new InlineViewWrites() },
  ],
  exports: [DataSource, TransactionRunner, SqlReader, HttpReads, CommitSignals, InlineViewWrites],
})
export class DatabaseModule implements OnApplicationShutdown {
  /**
   * The module with its event store, whose inline projections (the areas' read models that must be
   * exact at commit) run inside every append's transaction. The app names them: this module knows no area.
   */
  static withInlineProjections(projections: readonly Projection[]): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: PostgresEventStore, useValue: new PostgresEventStore([...projections]) }],
      exports: [PostgresEventStore],
    };
  }

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(HttpReads) private readonly httpReads: HttpReadPool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.httpReads.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
