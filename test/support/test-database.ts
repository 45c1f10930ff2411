import { randomBytes } from 'node:crypto';
import { TypeOrmSqlReader, TypeOrmTransactionRunner } from '@app/event-store';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, type MIGRATIONS, sessionOptions } from '../../apps/inventory-service/src/platform/database/data-source';
import { ensureDatabaseAndSchema } from '../../apps/inventory-service/src/platform/database/ensure-database';

/** The PostgreSQL server the tests use: TEST_DATABASE_URL, else the machine's server. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inventory_test';

/** A schema of its own for each test run (or test file), migrated, so runs never collide. */
export interface TestDatabase {
  url: string;
  schema: string;
  dataSource: DataSource;
  transactions: TypeOrmTransactionRunner;
  reads: TypeOrmSqlReader;
  drop(): Promise<void>;
}

export function uniqueSchemaName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function createTestDatabase(schema = uniqueSchemaName()): Promise<TestDatabase> {
  await ensureDatabaseAndSchema(TEST_DATABASE_URL, schema);
  const dataSource = createDataSource({ database: { url: TEST_DATABASE_URL, schema, poolSize: 12 } });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    url: TEST_DATABASE_URL,
    schema,
    dataSource,
    transactions: new TypeOrmTransactionRunner(dataSource),
    reads: new TypeOrmSqlReader(dataSource),
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A DataSource on `schema` that knows only these migrations: a migration's test runs the ones before it, then all. */
export function dataSourceWithMigrations(schema: string, migrations: typeof MIGRATIONS, poolSize = 4): DataSource {
  return new DataSource({
    type: 'postgres',
    url: TEST_DATABASE_URL,
    schema,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: poolSize, options: sessionOptions(schema) },
  });
}
