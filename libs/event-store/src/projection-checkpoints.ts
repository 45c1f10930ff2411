/**
 * A processor's checkpoint and stall in PostgreSQL: each statement of event-store.sql.ts that the
 * processor runs, behind a typed wrapper, and the reads that report where every projection is.
 */
import { START_OF_LOG, type GlobalCheckpoint } from './events';
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
import type { SqlClient, SqlReader } from './sql-client';

/** Another processor of the same projection moved the checkpoint while this one applied its batch (which rolled back). */
export class CheckpointMovedError extends Error {
  readonly code = 'EVENT_STORE.CHECKPOINT_MOVED';
  constructor(projection: string) {
    super(`the ${projection} checkpoint moved while this batch was applied (another processor ran it): batch rolled back`);
    this.name = 'CheckpointMovedError';
  }
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

/** Takes the projection's advisory lock for this transaction; false when another processor holds it. */
export async function tryLockProcessor(sql: SqlClient, processorId: string): Promise<boolean> {
  const [lock] = await sql.query<{ locked: boolean }>(TRY_LOCK_PROCESSOR, [processorId]);
  return lock?.locked ?? false;
}

/** Compare-and-set from `from` to `to`; false when another transaction moved the checkpoint meanwhile. */
export async function advanceCheckpoint(
  sql: SqlClient,
  processorId: string,
  from: GlobalCheckpoint,
  to: GlobalCheckpoint,
): Promise<boolean> {
  const [moved] = await sql.query<{ advanced: number }>(ADVANCE_CHECKPOINT, [
    processorId,
    to.transactionId,
    to.globalPosition,
    from.transactionId,
    from.globalPosition,
  ]);
  return Boolean(moved?.advanced);
}

/**
 * What the log holds past the stored checkpoint: `pending`, events a reader may see now (true when
 * it cannot tell); `heldBack`, committed events a reader may not see yet (an older transaction runs).
 */
export async function eventsPendingFor(sql: SqlReader, processorId: string): Promise<{ pending: boolean; heldBack: boolean }> {
  const [row] = await sql.query<{ pending: boolean; held_back: boolean }>(EVENTS_PENDING_FOR_PROCESSOR, [processorId]);
  return { pending: row?.pending ?? true, heldBack: row?.held_back ?? false };
}

/** Records (or refreshes) the projection's stall at its stored checkpoint. */
export async function recordProjectionStalled(
  sql: SqlClient,
  processorId: string,
  stall: { lastError: string; attempts: number; since: Date },
): Promise<void> {
  await sql.query(RECORD_PROJECTION_STALLED, [processorId, stall.lastError, stall.attempts, stall.since.toISOString()]);
}

/** The projection is no longer stalled. */
export async function clearProjectionStalled(sql: SqlClient, processorId: string): Promise<void> {
  await sql.query(CLEAR_PROJECTION_STALLED, [processorId]);
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
