import { TypeOrmSqlReader, TypeOrmTransactionRunner } from '@app/event-store';
import { Client, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig, type ServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { createDataSource, maintenanceLimits, migrateDatabase } from '../apps/inventory-service/src/platform/database/data-source';
import { HttpReadPool } from '../apps/inventory-service/src/platform/database/http-reads';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/test-database';

let db: TestDatabase;
let config: ServiceConfig;
let dataSource: DataSource;
const opened: Array<{ destroy(): Promise<void> } | { close(): Promise<void> }> = [];

beforeAll(async () => {
  db = await createTestDatabase();
  config = loadServiceConfig({
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: db.schema,
    DATABASE_POOL_SIZE: '3',
    DATABASE_READ_POOL_SIZE: '1',
    DATABASE_STATEMENT_TIMEOUT_MS: '400',
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '700',
    DATABASE_LOCK_TIMEOUT_MS: '300',
  });
  dataSource = createDataSource(config);
  await dataSource.initialize();
  opened.push(dataSource);
});
afterAll(async () => {
  for (const resource of opened) await ('close' in resource ? resource.close() : resource.destroy()).catch(() => undefined);
  await db?.drop();
});

const settingsOf = async (reads: { query<Row>(text: string): Promise<Row[]> }) =>
  (
    await reads.query<{ statement_timeout: string; idle: string; lock_timeout: string; search_path: string }>(
      `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('idle_in_transaction_session_timeout') AS idle,
              current_setting('lock_timeout') AS lock_timeout, current_setting('search_path') AS search_path`,
    )
  )[0]!;

describe('bounded sessions', () => {
  it('every session of the service data source carries the configured timeouts, and the defaults are 30 s, 60 s and 10 s', async () => {
    expect(await settingsOf(new TypeOrmSqlReader(dataSource))).toEqual({
      statement_timeout: '400ms',
      idle: '700ms',
      lock_timeout: '300ms',
      search_path: db.schema,
    });
    const defaults = loadServiceConfig({}).database.sessionLimits;
    expect(defaults).toEqual({ statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000, lockTimeoutMs: 10_000 });
    expect(() => loadServiceConfig({ DATABASE_LOCK_TIMEOUT_MS: '-1' })).toThrow(/DATABASE_LOCK_TIMEOUT_MS="-1"/);
  });

  it('cancels a statement that runs longer than DATABASE_STATEMENT_TIMEOUT_MS (57014), in a transaction too', async () => {
    const reads = new TypeOrmSqlReader(dataSource);
    const startedAt = performance.now();
    await expect(reads.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    expect(performance.now() - startedAt).toBeLessThan(3000);
    await expect(new TypeOrmTransactionRunner(dataSource).inTransaction((sql) => sql.query('SELECT pg_sleep(5)'))).rejects.toMatchObject({
      code: '57014',
    });
    expect(await reads.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]); // the pool goes on
  });

  it('gives up waiting for a lock after DATABASE_LOCK_TIMEOUT_MS (55P03)', async () => {
    const holder = new Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${db.schema}".outbox_relay_state WHERE id = 1 FOR UPDATE`);
      const startedAt = performance.now();
      await expect(
        new TypeOrmTransactionRunner(dataSource).inTransaction((sql) =>
          sql.query('SELECT 1 FROM outbox_relay_state WHERE id = 1 FOR UPDATE'),
        ),
      ).rejects.toMatchObject({
        code: '55P03',
      });
      expect(performance.now() - startedAt).toBeLessThan(3000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('ends a session left idle in a transaction after DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS (25P03)', async () => {
    const pool = (dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
    const client = await pool.connect();
    const ended = new Promise<{ code?: string }>((resolve) => client.once('error', resolve));
    await client.query('BEGIN');
    await client.query('SELECT 1');
    // ... and then waits on something outside the database, for longer than the bound.
    const error = await Promise.race([ended, new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000))]);
    client.release(true);
    expect(error).toMatchObject({ code: '25P03' });
    expect(await new TypeOrmSqlReader(dataSource).query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]); // the pool goes on
  });

  it('migrations and the CLI run without a statement timeout, with the same lock and idle bounds', async () => {
    await migrateDatabase(config.database); // already migrated: a no-op that must still open and close
    const maintenance = createDataSource(
      { database: { ...config.database, sessionLimits: maintenanceLimits(config.database.sessionLimits) } },
      'inventory-cli',
    );
    await maintenance.initialize();
    opened.push(maintenance);
    expect(await settingsOf(new TypeOrmSqlReader(maintenance))).toEqual({
      statement_timeout: '0',
      idle: '700ms',
      lock_timeout: '300ms',
      search_path: db.schema,
    });
    expect(await new TypeOrmSqlReader(maintenance).query<{ slept: string }>('SELECT pg_sleep(0.6)::text AS slept')).toEqual([
      { slept: '' },
    ]);
  });

  it('HTTP reads have a pool of their own, of DATABASE_READ_POOL_SIZE, with the same bounds: a slow read there leaves the main pool free', async () => {
    const httpReads = await HttpReadPool.open(config);
    opened.push(httpReads);
    expect(await settingsOf(httpReads)).toEqual({
      statement_timeout: '400ms',
      idle: '700ms',
      lock_timeout: '300ms',
      search_path: db.schema,
    });
    const slow = httpReads.query('SELECT pg_sleep(0.35)');
    const queuedAt = performance.now();
    const queued = httpReads.query('SELECT 1 AS ok').then(() => performance.now() - queuedAt); // waits for the one read connection
    const mainAt = performance.now();
    await new TypeOrmSqlReader(dataSource).query('SELECT 1');
    const mainMs = performance.now() - mainAt;
    const [sessions] = await new TypeOrmSqlReader(dataSource).query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'inventory-service-http-reads' AND datname = current_database() AND query = 'SELECT pg_sleep(0.35)'`,
    );
    await slow;
    expect(await queued).toBeGreaterThan(250);
    expect(mainMs).toBeLessThan(250);
    expect(sessions!.n).toBe(1);
  });
});
