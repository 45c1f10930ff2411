import type { CommittedWrite } from './commit-signals';

/** The one thing the event store needs from a database connection: run a statement, get rows. */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Inside a transaction: this transaction wrote events or outbox rows, so the runner tells the
   * process's CommitSignals once it has committed. Absent (or a no-op) outside one.
   */
  wrote?(what: CommittedWrite): void;
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
  return RETRIABLE_CODES.has(sqlStateOf(error) ?? '');
}

/**
 * SQLSTATEs that are the database's fault, not the statement's: the same work succeeds when tried
 * again later. 40001 serialization failure and 40P01 deadlock (the conflicts above), 55P03 lock not
 * available (lock_timeout), 57014 query canceled (statement_timeout, pg_cancel_backend), 57P01 admin
 * shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, failing over), 25006 read
 * only transaction (a standby that is not yet promoted), 25P03 idle-in-transaction timeout.
 */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '25006', '25P03']);
/** Whole classes: 08 connection exception, 53 insufficient resources (disk full, out of memory, too many connections). */
const TRANSIENT_CLASSES = new Set(['08', '53']);
/** Errors of the socket under a connection (Node's codes): the server went away or is not there yet. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What pg (and TypeORM over it) say when a connection is lost or cannot be had, without a code. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /connection (is )?closed/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
];

/**
 * Whether an error is a transient database fault: a lost connection, a statement or lock timeout,
 * a failover or shutdown, a serialization failure or deadlock, a shortage of resources. Work that
 * failed so is retried (with backoff); it says nothing about the data it was given, so it is never
 * a reason to dead-letter an event or to call a projection's input bad. Anything else (a data
 * exception such as 22003 numeric value out of range, a constraint, a domain error, a bug) is not.
 */
export function isTransientDatabaseFault(error: unknown): boolean {
  for (const cause of errorChain(error)) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TRANSIENT_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_CLASSES.has(code.slice(0, 2)))) return true;
      if (TRANSIENT_SOCKET_CODES.has(code)) return true;
    }
    const message = (cause as { message?: unknown }).message;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/** The error, what it wraps (`cause`, TypeORM's `driverError`), and so on, a few levels deep. */
function errorChain(error: unknown): object[] {
  const chain: object[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 8) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next)) continue;
    chain.push(next);
    queue.push((next as { cause?: unknown }).cause, (next as { driverError?: unknown }).driverError);
  }
  return chain;
}

/** An error's SQLSTATE (`code` of pg's DatabaseError, also on TypeORM's QueryFailedError), if it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A data exception (class 22: a value out of range, a bad date) or an integrity constraint violation (class 23): the data's own fault. */
export function isDataFault(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}
