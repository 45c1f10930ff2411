/** How a CheckpointedProcessor is configured, and what it tells the caller about failures. */
import type { GlobalCheckpoint } from './events';
import type { SqlReader } from './sql-client';

/** A failed batch is tried again after this, doubling with each failure up to `retryMaxDelayMs`. */
export const PROCESSOR_RETRY_FIRST_DELAY_MS = 25;
export const PROCESSOR_RETRY_MAX_DELAY_MS = 30_000;
/** A transient database fault (see isTransientDatabaseFault) marks the projection stalled only once it has lasted this long. */
export const PROCESSOR_TRANSIENT_STALL_AFTER_MS = 10_000;
/** onError hears each distinct error at most once in this long. */
export const PROCESSOR_ERROR_LOG_EVERY_MS = 60_000;

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

export interface ProcessorOptions {
  batchSize: number;
  /**
   * Caught up, the first wait before looking again (also the wait when a look finds events held
   * back by an older transaction, or the projection locked by another processor); a poke ends it.
   */
  idleDelayMs: number;
  /**
   * Each look that finds nothing doubles the wait, up to this (default idleDelayMs: a fixed poll). A
   * process that pokes after its own appends (CommitSignals) can set it long: only work written by
   * other processes waits for it.
   */
  idleMaxDelayMs?: number;
  /** A poke starts a batch after this long, pokes meanwhile coming with it (default 0: at once). */
  pokeDelayMs?: number;
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
