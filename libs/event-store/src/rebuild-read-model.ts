import { CheckpointedProcessor, projectionBacklog } from './checkpointed-processor';
import { DELETE_CHECKPOINT, LOCK_PROCESSOR, MOVE_CHECKPOINT } from './event-store.sql';
import { PostgresEventStore } from './event-store';
import type { Projection } from './projection';
import type { TransactionRunner } from './sql-client';

/** A read model kept in one table by a projection, that can be rebuilt into another table. */
export interface RebuildableReadModel {
  /** The projection's name (for an asynchronous one, its checkpoint and lock). */
  readonly name: string;
  /** Inline: kept inside every append's transaction. Asynchronous: kept by a CheckpointedProcessor. */
  readonly kind: 'inline' | 'asynchronous';
  /** The live table. */
  readonly table: string;
  /** The same projection, writing into `table` and checkpointing under `checkpointName`. */
  projectionInto(table: string, checkpointName: string): Projection;
}

export interface RebuildProgress {
  applied: number;
  /** Events to apply, as far as known now (the log keeps growing while the rebuild runs). */
  total: number;
}

export interface RebuildReport {
  readModel: string;
  events: number;
  seconds: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,50}$/;

/**
 * Rebuilds a read model from position 0 into a shadow table while the live table keeps answering,
 * then swaps them in one transaction. It first stops the live writers: for an asynchronous read
 * model it takes the live processor's lock (and afterwards hands it the shadow's checkpoint); for an
 * inline one it locks the live table, so appends that would write to it wait and then write to the
 * new table (PostgreSQL looks a name up again after waiting for its lock). Then it applies what
 * arrived meanwhile and renames the tables.
 */
export async function rebuildReadModel(
  model: RebuildableReadModel,
  transactions: TransactionRunner,
  store: PostgresEventStore,
  options: { batchSize: number; onProgress?: (progress: RebuildProgress) => void },
): Promise<RebuildReport> {
  if (!IDENTIFIER.test(model.table)) throw new Error(`${model.table} is not a plain table name`);
  const started = Date.now();
  const shadow = `${model.table}_rebuild`;
  const retired = `${model.table}_retired`;
  const shadowCheckpoint = `${model.name}:rebuild`;

  await transactions.inTransaction(async (sql) => {
    await sql.query(`DROP TABLE IF EXISTS ${shadow}`);
    await sql.query(`CREATE TABLE ${shadow} (LIKE ${model.table} INCLUDING ALL)`);
    // LIKE copies columns, defaults, generated columns and indexes but not storage parameters (fillfactor).
    const [live] = await sql.query<{ options: string | null }>(`SELECT array_to_string(reloptions, ', ') AS options FROM pg_class WHERE oid = $1::regclass`, [model.table]);
    if (live?.options) await sql.query(`ALTER TABLE ${shadow} SET (${live.options})`);
    await sql.query(DELETE_CHECKPOINT, [shadowCheckpoint]);
  });

  const processor = new CheckpointedProcessor(model.projectionInto(shadow, shadowCheckpoint), transactions, store, {
    batchSize: options.batchSize,
    idleDelayMs: 0,
  });
  let applied = 0;
  let total = await transactions.inTransaction((sql) => projectionBacklog(sql, shadowCheckpoint, Number.MAX_SAFE_INTEGER));
  for (;;) {
    const batch = await processor.processNextBatch();
    applied += batch;
    if (batch < options.batchSize) break;
    if (applied > total) total = applied + (await transactions.inTransaction((sql) => projectionBacklog(sql, shadowCheckpoint)));
    options.onProgress?.({ applied, total });
  }

  await transactions.inTransaction(async (sql) => {
    if (model.kind === 'asynchronous') await sql.query(LOCK_PROCESSOR, [model.name]);
    else await sql.query(`LOCK TABLE ${model.table} IN ACCESS EXCLUSIVE MODE`);
    // Catch up with what arrived meanwhile; the live processor waits for this lock.
    for (let batch = await processor.applyNextBatch(sql); batch > 0; batch = await processor.applyNextBatch(sql)) applied += batch;
    await sql.query(`ALTER TABLE ${model.table} RENAME TO ${retired}`);
    await sql.query(`ALTER TABLE ${shadow} RENAME TO ${model.table}`);
    if (model.kind === 'asynchronous') await sql.query(MOVE_CHECKPOINT, [shadowCheckpoint, model.name]);
    await sql.query(DELETE_CHECKPOINT, [shadowCheckpoint]);
    await sql.query(`DROP TABLE ${retired}`);
  });
  options.onProgress?.({ applied, total: Math.max(total, applied) });
  return { readModel: model.name, events: applied, seconds: (Date.now() - started) / 1000 };
}
