import { TypeOrmTransactionRunner } from '@app/event-store';
import { loadServiceConfig } from '../platform/config';
import { createDataSource, ensureDatabaseAndSchema, maintenanceLimits, migrateDatabase } from '../platform/database';

/** A command used wrongly: the CLI prints the message and its usage, and exits with 2. */
export class UsageError extends Error {}

/**
 * Open the service's database (migrated), run the work, close it. Sessions have no statement
 * timeout (a rebuild's statements over a large log may take longer than the service's
 * DATABASE_STATEMENT_TIMEOUT_MS); lock and idle-in-transaction timeouts still apply.
 */
export async function withDatabase<T>(work: (transactions: TypeOrmTransactionRunner) => Promise<T>): Promise<T> {
  const config = loadServiceConfig();
  await ensureDatabaseAndSchema(config.database.url, config.database.schema);
  await migrateDatabase(config.database);
  const dataSource = createDataSource(
    { database: { ...config.database, sessionLimits: maintenanceLimits(config.database.sessionLimits) } },
    'inventory-cli',
  );
  await dataSource.initialize();
  try {
    return await work(new TypeOrmTransactionRunner(dataSource));
  } finally {
    await dataSource.destroy();
  }
}
