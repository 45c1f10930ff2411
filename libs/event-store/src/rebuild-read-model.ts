import { CheckpointedProcessor } from './checkpointed-processor';
import { RebuildNeedsArchivedEventsError, archivedRanges } from './event-archive';
import { projectionBacklog } from './projection-checkpoints';
import { DELETE_CHECKPOINT, LOCK_PROCESSOR, MOVE_CHECKPOINT } from './event-store.sql';
import { PostgresEventStore } from './event-store';
import type { Projection } from './projection';
import type { SqlClient, TransactionRunner } from './sql-client';

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
 * arrived meanwhile and renames the tables. It refuses, naming the ranges, once events were
 * archived (inventory-cli archive-events): they are what it would need.
 */
export async function rebuildReadModel(
  model: RebuildableReadModel,
  transactions: TransactionRunner,
  store: PostgresEventStore,
  options: { batchSize: number; onProgress?: (progress: RebuildProgress) => void },
): Promise<RebuildReport> {
  if (!IDENTIFIER.test(model.table)) throw new Error(`${model.table} is not a plain table name`);
  // A rebuild reads from the log's start: with a range archived it would fold a wrong view.
  const archived = await transactions.inTransaction(archivedRanges);
  if (archived.length > 0) throw new RebuildNeedsArchivedEventsError(model.name, archived);
  const started = Date.now();
  const shadow = `${model.table}_rebuild`;
  const retired = `${model.table}_retired`;
  const shadowCheckpoint = `${model.name}:rebuild`;

  await transactions.inTransaction(async (sql) => {
    await sql.query(`DROP TABLE IF EXISTS ${shadow}`);
    await sql.query(`CREATE TABLE ${shadow} (LIKE ${model.table} INCLUDING ALL)`);
    // LIKE copies columns, defaults, generated columns and indexes but not storage parameters (fillfactor).
    const [live] = await sql.query<{ options: string | null }>(
      `SELECT array_to_string(reloptions, ', ') AS options FROM pg_class WHERE oid = $1::regclass`,
      [model.table],
    );
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
    const indexNames = pairIndexes(await indexesOf(sql, shadow), await indexesOf(sql, model.table));
    await sql.query(`ALTER TABLE ${model.table} RENAME TO ${retired}`);
    await sql.query(`ALTER TABLE ${shadow} RENAME TO ${model.table}`);
    if (model.kind === 'asynchronous') await sql.query(MOVE_CHECKPOINT, [shadowCheckpoint, model.name]);
    await sql.query(DELETE_CHECKPOINT, [shadowCheckpoint]);
    await sql.query(`DROP TABLE ${retired}`);
    // The new table's indexes (its primary key too) take the names the live table's had.
    for (const [shadowIndex, liveIndex] of indexNames) await sql.query(`ALTER INDEX "${shadowIndex}" RENAME TO "${liveIndex}"`);
  });
  options.onProgress?.({ applied, total: Math.max(total, applied) });
  return { readModel: model.name, events: applied, seconds: (Date.now() - started) / 1000 };
}

interface TableIndex {
  name: string;
  /** The index's definition without its own and its table's name: the same for a table and its LIKE copy. */
  shape: string;
}

async function indexesOf(sql: SqlClient, table: string): Promise<TableIndex[]> {
  const rows = await sql.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass ORDER BY i.relname`,
    [table],
  );
  return rows.map(({ name, definition }) => ({ name, shape: definition.replace(/ INDEX \S+ ON \S+ /, ' INDEX ON ') }));
}

/** [copy's index name, live index name] for each index of the copy whose name differs from the live one of the same shape. */
function pairIndexes(copy: readonly TableIndex[], live: readonly TableIndex[]): Array<[string, string]> {
  const unpaired = [...live];
  const pairs: Array<[string, string]> = [];
  for (const index of copy) {
    const match = unpaired.findIndex((candidate) => candidate.shape === index.shape);
    if (match < 0) continue;
    const [liveIndex] = unpaired.splice(match, 1);
    if (liveIndex!.name !== index.name) pairs.push([index.name, liveIndex!.name]);
  }
  return pairs;
}
