import type { GlobalCheckpoint } from './events';
import type { Projection } from './projection';
import { START_OF_LOG } from './events';
import { PostgresEventStore } from './event-store';
import { COUNT_EVENTS_AFTER_CHECKPOINT, SELECT_CHECKPOINT, TRY_LOCK_PROCESSOR, UPSERT_CHECKPOINT } from './event-store.sql';
import type { SqlClient, TransactionRunner } from './sql-client';

export interface ProcessorOptions {
  batchSize: number;
  idleDelayMs: number;
  onError?: (error: unknown) => void;
  /** After a batch's transaction has committed: readers elsewhere see its checkpoint by now. */
  onBatch?: (batch: { projection: string; events: number; checkpoint: GlobalCheckpoint }) => void;
}

/**
 * Feeds a projection from the global log: read a batch after the stored checkpoint, apply it, store
 * the new checkpoint, all in one transaction. A crash between batches loses nothing and applies
 * nothing twice; several instances may run, an advisory lock lets one work at a time.
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
    await sql.query(UPSERT_CHECKPOINT, [this.projection.name, checkpoint.transactionId, checkpoint.globalPosition]);
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
    while (this.running) {
      let applied = 0;
      try {
        applied = await this.processNextBatch();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (applied < this.options.batchSize && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.idleDelayMs);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
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
