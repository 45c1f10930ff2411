import { readCheckpoint, START_OF_LOG, type SqlClient } from '@app/event-store';
import type { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../apps/inventory-service/src/platform/database/data-source';
import { ensureDatabaseAndSchema } from '../apps/inventory-service/src/platform/database/ensure-database';
import { SeedStockChangesCheckpoint1763800021000 } from '../apps/inventory-service/src/platform/database/migrations/1763800021000-seed-stock-changes-checkpoint';
import { STOCK_CHANGES_PROCESSOR } from '../apps/inventory-service/src/stock-views/publish-stock-changes/stock-changes.projection';
import { STOCK_LEVELS_PROJECTION } from '../apps/inventory-service/src/stock-views';
import { TEST_DATABASE_URL, dataSourceWithMigrations, dropSchema, uniqueSchemaName } from './support/test-database';

/**
 * An existing deployment whose stock view has a checkpoint (the old feed published up to it, inside
 * the view's batches): its new `stock-changes` processor starts there, not at the log's start (which
 * would publish every SKU's whole history again). A new database starts both at the log's start.
 */
const schemas: string[] = [];
const BEFORE_SEED = MIGRATIONS.slice(0, MIGRATIONS.indexOf(SeedStockChangesCheckpoint1763800021000));

async function migrated(schema: string, migrations: typeof MIGRATIONS): Promise<DataSource> {
  const source = dataSourceWithMigrations(schema, migrations, 2);
  await source.initialize();
  await source.runMigrations({ transaction: 'each' });
  return source;
}

const client = (source: DataSource): SqlClient => ({ query: (text, params) => source.query(text, params as unknown[]) });

afterAll(async () => {
  await Promise.all(schemas.map((schema) => dropSchema(schema)));
});

describe('the migration that seeds the stock-changes checkpoint', () => {
  it('starts the feed at the stock view checkpoint of a database that has one', { timeout: 60_000 }, async () => {
    const schema = uniqueSchemaName('seed');
    schemas.push(schema);
    await ensureDatabaseAndSchema(TEST_DATABASE_URL, schema);
    const before = await migrated(schema, BEFORE_SEED);
    await before.query(
      `INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at) VALUES ($1, '123456'::xid8, 7890, now())`,
      [STOCK_LEVELS_PROJECTION],
    );
    await before.destroy();
    const after = await migrated(schema, MIGRATIONS);
    try {
      expect(await readCheckpoint(client(after), STOCK_CHANGES_PROCESSOR)).toEqual({ transactionId: '123456', globalPosition: 7890 });
    } finally {
      await after.destroy();
    }
  });

  it('leaves a new database without one: the feed starts at the log start, with the view', { timeout: 60_000 }, async () => {
    const schema = uniqueSchemaName('seed');
    schemas.push(schema);
    await ensureDatabaseAndSchema(TEST_DATABASE_URL, schema);
    const source = await migrated(schema, MIGRATIONS);
    try {
      expect(await readCheckpoint(client(source), STOCK_CHANGES_PROCESSOR)).toEqual(START_OF_LOG);
    } finally {
      await source.destroy();
    }
  });
});
