import { START_OF_LOG, type GlobalCheckpoint } from './events';
import type { PostgresEventStore } from './event-store';
import {
  PROCESSOR_ERROR_LOG_EVERY_MS,
  PROCESSOR_RETRY_FIRST_DELAY_MS,
  PROCESSOR_RETRY_MAX_DELAY_MS,
  PROCESSOR_TRANSIENT_STALL_AFTER_MS,
  type ProcessorOptions,
} from './processor-options';
import type { FollowingProjection, Projection } from './projection';
import {
  advanceCheckpoint,
  CheckpointMovedError,
  clearProjectionStalled,
  eventsPendingFor,
  readCheckpoint,
  recordProjectionStalled,
  tryLockProcessor,
  type ProjectionStall,
} from './projection-checkpoints';
import { isTransientDatabaseFault, type SqlClient, type TransactionRunner } from './sql-client';
import { WakeableWait } from './wakeable-wait';

/**
 * Feeds a projection from the global log: read a batch after the stored checkpoint, apply it, store
 * the new checkpoint, all in one transaction. A crash between batches loses nothing and applies
 * nothing twice; several instances may run, an advisory lock lets one work at a time, and the
 * checkpoint only moves from where the batch started (compare-and-set), so even two processors at
 * once (the lock's key changed across versions, say) never apply a batch twice. A FollowingProjection
 * is told only which streams changed, and never of events past the checkpoint of the projection it follows.
 */
export class CheckpointedProcessor {
  private running = false;
  private loop: Promise<void> | null = null;
  /** The wait between polls: a poke or stop() ends it. */
  private readonly idleWait = new WakeableWait();
  /** The wait after a failed batch: only stop() ends it. */
  private readonly backoffWait = new WakeableWait();
  private lastCheckpoint: GlobalCheckpoint = START_OF_LOG;
  /** Failed attempts in a row, and since when; null while batches succeed. */
  private failing: { since: Date; attempts: number; lastError: string; onlyTransient: boolean } | null = null;
  /** Whether a projection_status row may exist (one left by an earlier run, or written here): the next success deletes it. */
  private stallMayBeRecorded = true;
  private readonly reported = new Map<string, { at: number; unreported: number }>();
  /** Whether the last batch found another processor holding the projection's lock. */
  private lockedOut = false;
  /** A poke waiting out pokeDelayMs. */
  private pokeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly projection: Projection | FollowingProjection,
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
    this.lockedOut = false;
    const { applied, cleared } = await this.transactions.inTransaction(async (sql) => {
      if (!(await tryLockProcessor(sql, this.projection.name))) {
        this.lockedOut = true;
        return { applied: 0, cleared: false };
      }
      const appliedHere = await this.applyNextBatch(sql);
      // The batch succeeded: whatever stall was recorded ends with it, in the same transaction.
      if (this.stallMayBeRecorded) await clearProjectionStalled(sql, this.projection.name);
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
    const events = await this.applyAfter(sql, after);
    if (events.length === 0) return 0;
    const last = events[events.length - 1]!;
    const checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    if (!(await advanceCheckpoint(sql, this.projection.name, after, checkpoint))) throw new CheckpointMovedError(this.projection.name);
    this.lastCheckpoint = checkpoint;
    return events.length;
  }

  /** Read the batch after `after` and apply it; resolves to what it read (nothing: nothing applied). */
  private async applyAfter(sql: SqlClient, after: GlobalCheckpoint): Promise<readonly GlobalCheckpoint[]> {
    const projection = this.projection;
    if ('follows' in projection) {
      const upTo = await readCheckpoint(sql, projection.follows);
      const changes = await this.store.readStreamIdsBetween(sql, after, upTo, this.options.batchSize);
      if (changes.length > 0) await projection.apply(sql, changes);
      return changes;
    }
    const events = await this.store.readAfter(sql, after, this.options.batchSize);
    if (events.length > 0) await projection.apply(sql, events);
    return events;
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

  /**
   * Ask for a batch now (after pokeDelayMs, if set: pokes meanwhile come with it) instead of after
   * the idle wait, e.g. right after an append. A poke during a batch is kept: another batch follows.
   */
  poke(): void {
    const delayMs = this.options.pokeDelayMs ?? 0;
    if (delayMs <= 0) return this.idleWait.wake();
    this.pokeTimer ??= setTimeout(() => {
      this.pokeTimer = null;
      this.idleWait.wake();
    }, delayMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.pokeTimer = null;
    this.idleWait.wake();
    this.backoffWait.wake();
    await this.loop;
    this.loop = null;
  }

  /**
   * Batch after batch while the log has more; caught up, wait for a poke or the idle wait. The idle
   * wait starts at idleDelayMs and doubles with each look that finds nothing, up to idleMaxDelayMs;
   * it is idleDelayMs again after a batch, a poke, or a look that finds events held back by an older
   * transaction or the projection locked by another processor (who may not have seen the new events).
   */
  private async run(): Promise<void> {
    let mayHaveEvents = true; // at start, after a full batch or a poke: no need to ask first
    const first = this.options.idleDelayMs;
    const max = Math.max(first, this.options.idleMaxDelayMs ?? first);
    let idleMs = first;
    while (this.running) {
      let applied = 0;
      let heldBack = false;
      this.lockedOut = false;
      try {
        if (mayHaveEvents) applied = await this.processNextBatch();
        else {
          const look = await this.eventsPending();
          heldBack = look.heldBack;
          if (look.pending) applied = await this.processNextBatch();
        }
      } catch (error) {
        // Backoff, not the idle delay: a poke (an append elsewhere) does not cut it short.
        await this.backOff(await this.failed(error));
        mayHaveEvents = true;
        continue;
      }
      if (this.failing) this.recovered();
      if (applied >= this.options.batchSize || !this.running) {
        mayHaveEvents = true;
        continue;
      }
      const lookSoon = heldBack || this.lockedOut;
      idleMs = applied > 0 || lookSoon ? first : Math.min(max, idleMs * 2);
      mayHaveEvents = (await this.idle(idleMs)) === 'woken';
      if (mayHaveEvents) idleMs = first;
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
      await this.transactions.inTransaction((sql) => recordProjectionStalled(sql, this.projection.name, failing));
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
  private async backOff(ms: number): Promise<void> {
    if (!this.running) return;
    await this.backoffWait.wait(ms);
  }

  /** What the log holds past the stored checkpoint (pending when there is no idle check to ask). */
  private async eventsPending(): Promise<{ pending: boolean; heldBack: boolean }> {
    if (!this.options.idleCheck) return { pending: true, heldBack: false };
    return eventsPendingFor(this.options.idleCheck, this.projection.name);
  }

  /** Wait `ms` or for a poke, whichever comes first. */
  private idle(ms: number): Promise<'woken' | 'timed out'> {
    return this.idleWait.wait(ms);
  }
}
