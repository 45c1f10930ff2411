import type { GlobalCheckpoint } from './events';
import type { Projection } from './projection';
import { START_OF_LOG } from './events';
import { PostgresEventStore } from './event-store';
import { ADVANCE_CHECKPOINT, COUNT_EVENTS_AFTER_CHECKPOINT, EVENTS_PENDING_FOR_PROCESSOR, SELECT_CHECKPOINT, TRY_LOCK_PROCESSOR } from './event-store.sql';
import type { SqlClient, SqlReader, TransactionRunner } from './sql-client';

export interface ProcessorOptions {
  batchSize: number;
  idleDelayMs: number;
  onError?: (error: unknown) => void;
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

  constructor(
    private readonly projection: Projection,
    private readonly transactions: TransactionRunner,
    private readonly store: PostgresEventStore,
    private readonly options: ProcessorOptions,
  ) {}

  get checkpoint(): GlobalCheckpoint {
    return this.lastCheckpoint;
  }

  /** Process one batch; resolves to the number of events applied (0 when caught up or locked out). */
  async processNextBatch(): Promise<number> {
    const applied = await this.transactions.inTransaction(async (sql) => {
      const [lock] = await sql.query<{ locked: boolean }>(TRY_LOCK_PROCESSOR, [this.projection.name]);
      if (!lock?.locked) return 0;
      return this.applyNextBatch(sql);
    });
    if (applied > 0) this.options.onBatch?.({ projection: this.projection.name, events: applied, checkpoint: this.lastCheckpoint });
    return applied;
  }

  /**
   * Read, apply and checkpoint one batch inside the caller's transaction (which must hold the
   * processor's lock, or know that nothing else runs it). Resolves to the number of events applied.
   */
  async applyNextBatch(sql: SqlClient): Promise<number> {
    const after = await readCheckpoint(sql, this.projection.name);
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
    if (!moved?.advanced) throw new Error(`the ${this.projection.name} checkpoint moved while this batch was applied (another processor ran it): batch rolled back`);
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
        this.options.onError?.(error);
      }
      mayHaveEvents = applied >= this.options.batchSize || !this.running || (await this.idle()) === 'poked';
    }
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
      const self = this;
      const timer = setTimeout(() => done('timed out'), this.options.idleDelayMs);
      function done(how: 'poked' | 'timed out'): void {
        clearTimeout(timer);
        self.wake = null;
        resolve(how);
      }
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
  const [row] = await sql.query<{ behind: number }>(COUNT_EVENTS_AFTER_CHECKPOINT, [checkpoint.transactionId, checkpoint.globalPosition, cap]);
  return row?.behind ?? 0;
}
