/** The one thing the event store needs from a database connection: run a statement, get rows. */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * `preparedAs`: run it as a named prepared statement, parsed and planned once per connection (for a
 * hot statement whose text never changes; a plan is redone by PostgreSQL when a table it uses changes).
 */
export interface ReadOptions {
  preparedAs?: string;
}

/** Single statements outside a transaction, for the read side; an abstract class so it can be a DI token. */
export abstract class SqlReader implements SqlClient {
  abstract query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: ReadOptions): Promise<Row[]>;
}

/** Runs work in one database transaction: commit when it resolves, roll back when it throws. */
export abstract class TransactionRunner {
  abstract inTransaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T>;
}

/** PostgreSQL error codes that mean "another writer got there first: load again and retry". */
const RETRIABLE_CODES = new Set(['40001', '40P01']);

export function isRetriableConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRIABLE_CODES.has((error as { code?: string }).code ?? '');
}
