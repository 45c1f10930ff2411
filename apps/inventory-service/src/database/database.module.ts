import { PostgresEventStore, SqlReader, TransactionRunner, TypeOrmSqlReader, TypeOrmTransactionRunner } from '@app/event-store';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { LocationsProjection } from '../locations/locations.projection';
import { SkuPoliciesProjection } from '../sku-policies/sku-policies.projection';
import { createDataSource } from './data-source';
import { ensureDatabaseAndSchema } from './ensure-database';

/** PostgreSQL: the DataSource (migrated at start-up), transactions, reads and the event store. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [ServiceConfig],
      useFactory: async (config: ServiceConfig) => {
        await ensureDatabaseAndSchema(config.database.url, config.database.schema);
        const dataSource = createDataSource(config);
        await dataSource.initialize();
        await dataSource.runMigrations({ transaction: 'each' });
        return dataSource;
      },
    },
    { provide: TransactionRunner, inject: [DataSource], useFactory: (ds: DataSource) => new TypeOrmTransactionRunner(ds) },
    { provide: SqlReader, inject: [DataSource], useFactory: (ds: DataSource) => new TypeOrmSqlReader(ds) },
    // Inline projections run inside every append's transaction.
    { provide: PostgresEventStore, useValue: new PostgresEventStore([new LocationsProjection(), new SkuPoliciesProjection()]) },
  ],
  exports: [DataSource, TransactionRunner, SqlReader, PostgresEventStore],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
