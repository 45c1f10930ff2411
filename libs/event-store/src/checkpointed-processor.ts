import type { GlobalCheckpoint } from './events';
import type { Projection } from './projection';
import { START_OF_LOG } from './events';
import { PostgresEventStore } from './event-store';
import {
  ADVANCE_CHECKPOINT,
  CLEAR_PROJECTION_STALLED,
  COUNT_EVENTS_AFTER_CHECKPOINT,
  EVENTS_PENDING_FOR_PROCESSOR,
  RECORD_PROJECTION_STALLED,
  SELECT_CHECKPOINT,
  SELECT_PROJECTION_STATUSES,
  SELECT_STALLED_PROJECTIONS,
  TRY_LOCK_PROCESSOR,
} from './event-store.sql';
import { isTransientDatabaseFault, type SqlClient, type SqlReader, type TransactionRunner } from './sql-client';

/** A failed batch is tried again after this, doubling with each failure up to `retryMaxDelayMs`. */
export const PROCESSOR_RETRY_FIRST_DELAY_MS = 25;
export const PROCESSOR_RETRY_MAX_DELAY_MS = 30_000;
/** A transient database fault (see isTransientDatabaseFault) marks the projection stalled only once it has lasted this long. */
export const PROCESSOR_TRANSIENT_STALL_AFTER_MS = 10_000;
/** onError hears each distinct error at most once in this long. */
export const PROCESSOR_ERROR_LOG_EVERY_MS = 60_000;

/** Another processor of the same projection moved the checkpoint while this one applied its batch (which rolled back). */
export class CheckpointMovedError extends Error {
  readonly code = 'EVENT_STORE.CHECKPOINT_MOVED';
  constructor(projection: string) {
    super(`the ${projection} checkpoint moved while this batch was applied (another processor ran it): batch rolled back`);
    this.name = 'CheckpointMovedError';
  }
}

/** What onError is told with each error it hears. */
export interface ProcessorFailure {
  projection: string;
  /** Failed attempts in a row, this one included. */
  attempts: number;
  /** The same error's failures not reported since it was last reported (0 the first time). */
  unreported: number;
  /** Whether the projection now counts as stalled (a transient database fault counts only once it persists). */
  stalled: boolean;
  transient: boolean;
  /** When it tries again. */
  retryInMs: number;
}

/** A projection that cannot apply its next batch: since when, how often it tried, the last error, where it is stuck. */
export interface ProjectionStall {
  projection: string;
  since: Date;
  attempts: number;
  lastError: string;
  /** The stored checkpoint it cannot get past (the last one this processor saw). */
  checkpoint: GlobalCheckpoint;
}

export interface ProcessorOptions {
  batchSize: number;
  idleDelayMs: number;
  /**
   * A batch failed (its transaction rolled back; it is tried again after a backoff). Told each
   * distinct error (by message, and whether it is a stall yet) at most once every `errorLogEveryMs`,
   * with how often it recurred.
   */
  onError?: (error: unknown, failure: ProcessorFailure) => void;
  /** The first batch that succeeded after failures. */
  onRecovered?: (recovery: { projection: string; attempts: number; stalledForMs: number }) => void;
  /** Backoff after a failed batch: from `retryFirstDelayMs` doubling to `retryMaxDelayMs` (defaults 25 ms, 30 s); reset by a success. */
  retryFirstDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Defaults to PROCESSOR_TRANSIENT_STALL_AFTER_MS. */
  transientStallAfterMs?: number;
  /** Defaults to PROCESSOR_ERROR_LOG_EVERY_MS. */
  errorLogEveryMs?: number;
  /** After a batch's transaction has committed: readers elsewhere see its checkpoint by now. */
  onBatch?: (batch: { projection: string; events: number; checkpoint: GlobalCheckpoint }) => void;
  /**
   * When given, a poll after the idle delay first asks here, in one statement outside any transaction,
   * whether the log holds anything past the stored checkpoint, and opens a transaction only if so. An
   * idle service then costs one round trip per poll instead of five (begin, lock, checkpoint, read,
   * commit), which on a busy instance is CPU taken from the requests it serves.
   */
  idleCheck?: SqlReader;
}

/**
 * Feeds a projection from the global log: read a batch after the stored checkpoint, apply it, store
 * the new checkpoint, all in one transaction. A crash between batches loses nothing and applies
 * nothing twice; several instances may run, an advisory lock lets one work at a time, and the
 * checkpoint only moves from where the batch started (compare-and-set), so even two processors at
 * once (the lock's key changed across versions, say) never apply a batch twice.
 */
export class CheckpointedProcessor {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastCheckpoint: GlobalCheckpoint = START_OF_LOG;
  private wakeFromBackoff: (() => void) | null = null;
  /** Failed attempts in a row, and since when; null while batches succeed. */
  private failing: { since: Date; attempts: number; lastError: string; onlyTransient: boolean } | null = null;
  /** Whether a projection_status row may exist (one left by an earlier run, or written here): the next success deletes it. */
  private stallMayBeRecorded = true;
  private readonly reported = new Map<string, { at: number; unreported: number }>();

  constructor(
    private readonly projection: Projection,
    private readonly transactions: TransactionRunner,
    private readonly store: PostgresEventStore,
    private readonly options: ProcessorOptions,
  ) {}

  get checkpoint(): GlobalCheckpoint {
    return this.lastCheckpoint;
  }

  get name(): string {
    return this.projection.name;
  }

  /** The stall, while this processor's batches fail (a transient fault only once it persists); else null. */
  get stall(): ProjectionStall | null {
    const failing = this.failing;
    if (!failing || !this.counts(failing, Date.now())) return null;
    return {
      projection: this.projection.name,
      since: failing.since,
      attempts: failing.attempts,
      lastError: failing.lastError,
      checkpoint: this.lastCheckpoint,
    };
  }

  /** Process one batch; resolves to the number of events applied (0 when caught up or locked out). */
  async processNextBatch(): Promise<number> {
    const { applied, cleared } = await this.transactions.inTransaction(async (sql) => {
      const [lock] = await sql.query<{ locked: boolean }>(TRY_LOCK_PROCESSOR, [this.projection.name]);
      if (!lock?.locked) return { applied: 0, cleared: false };
      const appliedHere = await this.applyNextBatch(sql);
      // The batch succeeded: whatever stall was recorded ends with it, in the same transaction.
      if (this.stallMayBeRecorded) await sql.query(CLEAR_PROJECTION_STALLED, [this.projection.name]);
      return { applied: appliedHere, cleared: true };
    });
    if (cleared) this.stallMayBeRecorded = false;
    if (applied > 0) this.options.onBatch?.({ projection: this.projection.name, events: applied, checkpoint: this.lastCheckpoint });
    return applied;
  }

  /**
   * Read, apply and checkpoint one batch inside the caller's transaction (which must hold the
   * processor's lock, or know that nothing else runs it). Resolves to the number of events applied.
   */
  async applyNextBatch(sql: SqlClient): Promise<number> {
    const after = await readCheckpoint(sql, this.projection.name);
    this.lastCheckpoint = after; // also where a stall is stuck, should this batch fail
    const events = await this.store.readAfter(sql, after, this.options.batchSize);
    if (events.length === 0) {
      this.lastCheckpoint = after;
      return 0;
    }
    await this.projection.apply(sql, events);
    const last = events[events.length - 1]!;
    const checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    const [moved] = await sql.query<{ advanced: number }>(ADVANCE_CHECKPOINT, [
      this.projection.name,
      checkpoint.transactionId,
      checkpoint.globalPosition,
      after.transactionId,
      after.globalPosition,
    ]);
    if (!moved?.advanced) throw new CheckpointMovedError(this.projection.name);
    this.lastCheckpoint = checkpoint;
    return events.length;
  }

  /** Process batches until caught up. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const applied = await this.processNextBatch();
      total += applied;
      if (applied < this.options.batchSize) return total;
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ask for a batch now instead of after the idle delay (e.g. right after an append). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    this.wakeFromBackoff?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    let mayHaveEvents = true; // at start, after a full batch or a poke: no need to ask first
    while (this.running) {
      let applied = 0;
      try {
        if (mayHaveEvents || (await this.eventsPending())) applied = await this.processNextBatch();
      } catch (error) {
        // Backoff, not the idle delay: a poke (an append elsewhere) does not cut it short.
        await this.backOff(await this.failed(error));
        mayHaveEvents = true;
        continue;
      }
      if (this.failing) this.recovered();
      mayHaveEvents = applied >= this.options.batchSize || !this.running || (await this.idle()) === 'poked';
    }
  }

  /** Whether a run of failures counts as a stall by `now`. */
  private counts(failing: NonNullable<CheckpointedProcessor['failing']>, now: number): boolean {
    return (
      !failing.onlyTransient || now - failing.since.getTime() >= (this.options.transientStallAfterMs ?? PROCESSOR_TRANSIENT_STALL_AFTER_MS)
    );
  }

  /** Count the failure, record the stall in PostgreSQL, tell onError if due; resolves to the backoff delay. */
  private async failed(error: unknown): Promise<number> {
    const now = Date.now();
    const transient = isTransientDatabaseFault(error) || error instanceof CheckpointMovedError; // a race, not a fault of the batch
    const message = error instanceof Error ? error.message : String(error);
    const failing = (this.failing ??= { since: new Date(now), attempts: 0, lastError: message, onlyTransient: true });
    failing.attempts += 1;
    failing.lastError = message;
    if (!transient) failing.onlyTransient = false;
    const stalled = this.counts(failing, now);
    if (stalled) await this.recordStall(failing);
    const first = this.options.retryFirstDelayMs ?? PROCESSOR_RETRY_FIRST_DELAY_MS;
    const max = this.options.retryMaxDelayMs ?? PROCESSOR_RETRY_MAX_DELAY_MS;
    const retryInMs = Math.min(max, first * 2 ** Math.min(failing.attempts - 1, 30));
    const key = `${stalled ? 'stalled' : 'retrying'}|${message}`; // a transient fault that becomes a stall is said again, as one
    const seen = this.reported.get(key);
    if (!seen || now - seen.at >= (this.options.errorLogEveryMs ?? PROCESSOR_ERROR_LOG_EVERY_MS)) {
      if (!seen && this.reported.size >= 100) this.reported.clear(); // messages that carry ever-new details: keep memory bounded
      this.reported.set(key, { at: now, unreported: 0 });
      this.options.onError?.(error, {
        projection: this.projection.name,
        attempts: failing.attempts,
        unreported: seen?.unreported ?? 0,
        stalled,
        transient,
        retryInMs,
      });
    } else {
      seen.unreported += 1;
    }
    return retryInMs;
  }

  /**
   * In a short transaction of its own (the batch's rolled back): other processes, the CLI among
   * them, see the stall. When the database itself is what fails, this fails too; the in-memory stall
   * (health, metrics) still shows, and the next failure tries again.
   */
  private async recordStall(failing: NonNullable<CheckpointedProcessor['failing']>): Promise<void> {
    try {
      await this.transactions.inTransaction((sql) =>
        sql.query(RECORD_PROJECTION_STALLED, [this.projection.name, failing.lastError, failing.attempts, failing.since.toISOString()]),
      );
      this.stallMayBeRecorded = true;
    } catch {
      this.stallMayBeRecorded = true; // it may have committed before the error reached us
    }
  }

  private recovered(): void {
    const failing = this.failing!;
    this.failing = null;
    this.reported.clear();
    this.options.onRecovered?.({
      projection: this.projection.name,
      attempts: failing.attempts,
      stalledForMs: Date.now() - failing.since.getTime(),
    });
  }

  /** Wait `ms`, or until stop(). */
  private backOff(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeFromBackoff = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeFromBackoff = done;
    });
  }

  /** Whether the log holds events past the stored checkpoint (true when there is no idle check to ask). */
  private async eventsPending(): Promise<boolean> {
    if (!this.options.idleCheck) return true;
    const [row] = await this.options.idleCheck.query<{ pending: boolean }>(EVENTS_PENDING_FOR_PROCESSOR, [this.projection.name]);
    return row?.pending ?? true;
  }

  /** Wait for the idle delay or a poke, whichever comes first. */
  private idle(): Promise<'poked' | 'timed out'> {
    return new Promise((resolve) => {
      const done = (how: 'poked' | 'timed out'): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve(how);
      };
      const timer = setTimeout(() => done('timed out'), this.options.idleDelayMs);
      this.wake = () => done('poked');
    });
  }
}

export async function readCheckpoint(sql: SqlClient, processorId: string): Promise<GlobalCheckpoint> {
  const [row] = await sql.query<{ transaction_id: string; global_position: string }>(SELECT_CHECKPOINT, [processorId]);
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : START_OF_LOG;
}

/** Events a projection has still to apply (at most `cap`, so a huge backlog stays cheap to measure). */
export async function projectionBacklog(sql: SqlClient, processorId: string, cap = 1_000_000): Promise<number> {
  const checkpoint = await readCheckpoint(sql, processorId);
  const [row] = await sql.query<{ behind: number }>(COUNT_EVENTS_AFTER_CHECKPOINT, [
    checkpoint.transactionId,
    checkpoint.globalPosition,
    cap,
  ]);
  return row?.behind ?? 0;
}

/** The stalls recorded in PostgreSQL (by whichever process runs each projection), oldest first. */
export async function readProjectionStalls(sql: SqlClient): Promise<ProjectionStall[]> {
  const rows = await sql.query<{
    projection: string;
    stalled_since: Date | string;
    last_error: string;
    attempts: number;
    transaction_id: string;
    global_position: string;
  }>(SELECT_STALLED_PROJECTIONS);
  return rows.map((row) => ({
    projection: row.projection,
    since: new Date(row.stalled_since),
    attempts: row.attempts,
    lastError: row.last_error,
    checkpoint: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
  }));
}

/** Every projection with a checkpoint or a recorded stall: where it is, and its stall if it has one. */
export async function readProjectionStatuses(
  sql: SqlClient,
): Promise<Array<{ projection: string; checkpoint: GlobalCheckpoint; stall: ProjectionStall | null }>> {
  const rows = await sql.query<{
    projection: string;
    transaction_id: string;
    global_position: string;
    stalled_since: Date | string | null;
    last_error: string | null;
    attempts: number | null;
  }>(SELECT_PROJECTION_STATUSES);
  return rows.map((row) => {
    const checkpoint = { transactionId: row.transaction_id, globalPosition: Number(row.global_position) };
    const stall =
      row.stalled_since === null
        ? null
        : {
            projection: row.projection,
            since: new Date(row.stalled_since),
            attempts: row.attempts ?? 0,
            lastError: row.last_error ?? '',
            checkpoint,
          };
    return { projection: row.projection, checkpoint, stall };
  });
}
