import type { DataSource, QueryRunner } from 'typeorm';
import type { CommitSignals, CommittedWrite } from './commit-signals';
import { SqlReader, TransactionRunner, type ReadOptions, type SqlClient } from './sql-client';

/** SqlClient over a TypeORM query runner: rows of any statement, whatever its command; `writes` collects what wrote() says. */
export function sqlClientOf(runner: QueryRunner, writes?: Set<CommittedWrite>): SqlClient {
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> {
      const result = await runner.query(text, params as unknown[] | undefined, true);
      return result.records as Row[];
    },
    wrote(what: CommittedWrite): void {
      writes?.add(what);
    },
  };
}

/** Transactions on a TypeORM DataSource (PostgreSQL driver); after each commit, `signals` hears what it wrote. */
export class TypeOrmTransactionRunner extends TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signals?: CommitSignals,
  ) {
    super();
  }

  async inTransaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const writes = new Set<CommittedWrite>();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work(sqlClientOf(runner, writes));
      await runner.commitTransaction();
      this.signals?.committed(writes);
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/**
 * Single statements outside a transaction (reads), straight on the pg pool the DataSource's driver
 * holds: one pooled round trip, without a QueryRunner per statement (the hot HTTP read path).
 */
export class TypeOrmSqlReader extends SqlReader {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async query<Row>(text: string, params?: readonly unknown[], options: ReadOptions = {}): Promise<Row[]> {
    const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) throw new Error('the DataSource is not initialized (no connection pool)');
    const values = params as unknown[] | undefined;
    const result = options.preparedAs ? await pool.query({ name: options.preparedAs, text, values }) : await pool.query(text, values);
    return result.rows as Row[];
  }
}

/** The part of pg's Pool this reader uses (typeorm keeps it as `driver.master`). */
interface PgPool {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  query(config: { name: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}
