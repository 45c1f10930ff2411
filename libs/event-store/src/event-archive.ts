import { promises as fs } from 'node:fs';
import { readArchiveFile, recordInManifest, writePartitionArchive } from './archive-file';
import { listEventPartitions, type EventPartition } from './event-log-partitions';
import type { PostgresEventStore } from './event-store';
import type { SqlClient, TransactionRunner } from './sql-client';
import { kindOfStream, type AnyStreamKind } from './stream-kind';
import { StreamUnitOfWork } from './stream-unit-of-work';

/** archive-events would lose something (a projection behind, a stream it cannot snapshot): nothing was changed. */
export class ArchiveRefusedError extends Error {
  readonly code = 'EVENT_ARCHIVE.REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefusedError';
  }
}

/** A rebuild from the log's start needs events that were archived. */
export class RebuildNeedsArchivedEventsError extends Error {
  readonly code = 'EVENT_STORE.REBUILD_NEEDS_ARCHIVED_EVENTS';
  constructor(
    readonly readModel: string,
    readonly ranges: readonly ArchivedRange[],
  ) {
    super(
      `cannot rebuild ${readModel}: it needs every event from the log's start, and the events of transactions ${ranges
        .map((r) => `[${r.fromTransactionId}, ${r.toTransactionId}) (${r.events} events, ${r.archiveFile ?? 'detached, not yet archived'})`)
        .join(', ')} were archived; restore them into the log first`,
    );
    this.name = 'RebuildNeedsArchivedEventsError';
  }
}

export interface ArchivedRange {
  partition: string;
  fromTransactionId: string;
  toTransactionId: string;
  events: number;
  archiveFile: string | null;
}

const SELECT_ARCHIVED_RANGES = `
SELECT partition, from_transaction_id::text AS "fromTransactionId", to_transaction_id::text AS "toTransactionId",
       events::int AS events, archive_file AS "archiveFile", archived_at IS NOT NULL AS archived
FROM archived_event_ranges ORDER BY from_transaction_id`;

/** The ranges of the log that were detached (and archived): what a reader from the log's start would miss. */
export async function archivedRanges(sql: SqlClient): Promise<Array<ArchivedRange & { archived: boolean }>> {
  return sql.query(SELECT_ARCHIVED_RANGES);
}

interface Candidate extends EventPartition {
  lower: bigint;
  upper: bigint;
  events: number;
  lastRecordedAt: Date | null;
  lastTransactionId: string | null;
  lastGlobalPosition: string | null;
}

export interface ArchiveOptions {
  before: Date;
  directory: string;
  /** The kinds of every stream in the log: streams are snapshotted through them before their events go. */
  kinds: readonly AnyStreamKind[];
  onProgress?: (line: string) => void;
}

const STREAMS_PER_SNAPSHOT_BATCH = 500;

/**
 * Detach every partition of the log wholly before `before` (each of its events recorded before it,
 * and no transaction that could still write it running), write each to an archive file, verify
 * the file, record it in the directory's manifest, and only then drop the partition. Only a prefix
 * of the log is archived (it stops at the first partition that is not wholly before), so what is
 * missing is always "from the log's start up to a transaction id".
 *
 * Before anything leaves the log: every stream with events in it is snapshotted at its current
 * version where it has no snapshot that far (so loading it never needs them), and every projection
 * checkpoint must be past them (else it refuses, naming the projection). A partition detached by
 * an earlier run that stopped half-way is archived first.
 */
export async function archiveEventsBefore(
  transactions: TransactionRunner,
  store: PostgresEventStore,
  options: ArchiveOptions,
): Promise<ArchivedRange[]> {
  const progress = options.onProgress ?? (() => undefined);
  await fs.mkdir(options.directory, { recursive: true });
  const leftOver = (await transactions.inTransaction(archivedRanges)).filter((range) => !range.archived);
  const candidates = await transactions.inTransaction((sql) => partitionsBefore(sql, options.before));
  if (candidates.length === 0 && leftOver.length === 0) {
    progress(`nothing to archive: no partition of the log is wholly before ${options.before.toISOString()}`);
    return [];
  }
  if (candidates.length > 0) {
    const last = candidates.filter((c) => c.lastTransactionId !== null).at(-1);
    if (last) {
      await transactions.inTransaction((sql) => refuseIfProjectionsBehind(sql, last));
      await snapshotStreams(transactions, store, candidates, options.kinds, progress);
    }
  }
  const done: ArchivedRange[] = [];
  for (const range of leftOver) done.push(await archiveDetached(transactions, range, options.directory, progress));
  for (const partition of candidates) {
    await transactions.inTransaction(async (sql) => {
      if (partition.lastTransactionId !== null) await refuseIfProjectionsBehind(sql, partition);
      await sql.query(`ALTER TABLE events DETACH PARTITION ${partition.name}`);
      await sql.query(
        `INSERT INTO archived_event_ranges (partition, from_transaction_id, to_transaction_id, events, last_transaction_id, last_global_position, last_recorded_at)
         VALUES ($1, $2::xid8, $3::xid8, $4, $5::xid8, $6, $7)`,
        [
          partition.name,
          String(partition.lower),
          String(partition.upper),
          partition.events,
          partition.lastTransactionId,
          partition.lastGlobalPosition,
          partition.lastRecordedAt,
        ],
      );
    });
    progress(`detached ${partition.name}: transactions [${partition.lower}, ${partition.upper}), ${partition.events} events`);
    const range = {
      partition: partition.name,
      fromTransactionId: String(partition.lower),
      toTransactionId: String(partition.upper),
      events: partition.events,
      archiveFile: null,
    };
    done.push(await archiveDetached(transactions, range, options.directory, progress));
  }
  return done;
}

/** Closed range partitions (upper bound at or below every running transaction's id), the leading run wholly before `before`. */
async function partitionsBefore(sql: SqlClient, before: Date): Promise<Candidate[]> {
  const [{ xmin }] = (await sql.query<{ xmin: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`)) as [
    { xmin: string },
  ];
  const closed = (await listEventPartitions(sql)).filter(
    (p): p is EventPartition & { lower: bigint; upper: bigint } =>
      p.lower !== null && p.upper !== null && p.upper <= BigInt(xmin) && /^events_x\d+$/.test(p.name),
  );
  const wholly: Candidate[] = [];
  for (const partition of closed) {
    // A scan of the partition: this is an operator's command, run rarely; the copy reads it all anyway.
    const [stats] = await sql.query<{ events: number; last_recorded_at: Date | null }>(
      `SELECT count(*)::int AS events, max(recorded_at) AS last_recorded_at FROM ${partition.name}`,
    );
    if (stats!.last_recorded_at !== null && stats!.last_recorded_at >= before) break;
    const [last] = await sql.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text AS transaction_id, global_position FROM ${partition.name} ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    wholly.push({
      ...partition,
      events: stats!.events,
      lastRecordedAt: stats!.last_recorded_at,
      lastTransactionId: last?.transaction_id ?? null,
      lastGlobalPosition: last?.global_position ?? null,
    });
  }
  return wholly;
}

async function refuseIfProjectionsBehind(sql: SqlClient, upTo: Candidate): Promise<void> {
  const behind = await sql.query<{ processor_id: string; transaction_id: string; global_position: string }>(
    `SELECT processor_id, transaction_id::text AS transaction_id, global_position FROM checkpoints
     WHERE (transaction_id, global_position) < ($1::xid8, $2::bigint) ORDER BY processor_id`,
    [upTo.lastTransactionId, upTo.lastGlobalPosition],
  );
  if (behind.length > 0) {
    throw new ArchiveRefusedError(
      `refused: ${behind.map((b) => `projection ${b.processor_id} is at ${b.transaction_id}.${b.global_position}`).join(', ')}, before the last event to archive (${upTo.lastTransactionId}.${upTo.lastGlobalPosition} in ${upTo.name}); let it catch up (inventory-cli projections) and try again`,
    );
  }
}

/** Snapshot every stream with events in the partitions where no snapshot of its kind's state reaches its last one there. */
async function snapshotStreams(
  transactions: TransactionRunner,
  store: PostgresEventStore,
  partitions: readonly Candidate[],
  kinds: readonly AnyStreamKind[],
  progress: (line: string) => void,
): Promise<void> {
  const needed = await transactions.inTransaction(async (sql) => {
    const union = partitions.map((p) => `SELECT stream_id, stream_version FROM ${p.name}`).join(' UNION ALL ');
    return sql.query<{ stream_id: string; version: number }>(
      `SELECT stream_id, max(stream_version)::int AS version FROM (${union}) e GROUP BY stream_id`,
    );
  });
  const unknown = needed.filter((row) => kindOfStream(kinds, row.stream_id) === undefined);
  if (unknown.length > 0) {
    throw new ArchiveRefusedError(
      `refused: ${unknown.length} stream(s) of no known kind have events to archive (${unknown
        .slice(0, 5)
        .map((u) => u.stream_id)
        .join(', ')}): they cannot be snapshotted`,
    );
  }
  progress(`checking snapshots of ${needed.length} streams with events to archive`);
  let written = 0;
  for (const kind of kinds) {
    const ofKind = needed.filter((row) => kindOfStream(kinds, row.stream_id) === kind);
    for (let from = 0; from < ofKind.length; from += STREAMS_PER_SNAPSHOT_BATCH) {
      const batch = ofKind.slice(from, from + STREAMS_PER_SNAPSHOT_BATCH);
      written += await transactions.inTransaction(async (sql) => {
        const covered = await sql.query<{ stream_id: string }>(
          `SELECT s.stream_id FROM unnest($1::text[], $2::int[]) AS n(stream_id, version)
           JOIN snapshots s ON s.stream_id = n.stream_id AND s.stream_version >= n.version AND s.state_version = $3`,
          [batch.map((b) => b.stream_id), batch.map((b) => b.version), kind.snapshots.stateVersion],
        );
        const done = new Set(covered.map((row) => row.stream_id));
        const missing = batch.map((b) => b.stream_id).filter((id) => !done.has(id));
        if (missing.length === 0) return 0;
        const unit = StreamUnitOfWork.of(sql, store, kind);
        await unit.load(missing);
        return unit.snapshotLoaded();
      });
      if (ofKind.length > STREAMS_PER_SNAPSHOT_BATCH)
        progress(`${kind.name}: ${Math.min(from + batch.length, ofKind.length)}/${ofKind.length} streams checked`);
    }
  }
  progress(`snapshotted ${written} streams at their current version; the others had a snapshot past their archived events`);
}

/** Write a detached partition to its file, verify it, record it in the manifest, then drop it. */
async function archiveDetached(
  transactions: TransactionRunner,
  range: ArchivedRange,
  directory: string,
  progress: (line: string) => void,
): Promise<ArchivedRange> {
  const written = await transactions.inTransaction(async (sql) => {
    const [{ n }] = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${range.partition}`)) as [{ n: number }];
    const file = await writePartitionArchive(sql, range.partition, directory, (rows) => {
      if (rows % 100_000 < 5000) progress(`${range.partition}: ${rows}/${n} events written`);
    });
    if (file.rows !== n) throw new Error(`${range.partition}: wrote ${file.rows} events of ${n}; nothing dropped`);
    return file;
  });
  const check = await readArchiveFile(written.file);
  if (check.rows !== written.rows || check.sha256 !== written.sha256) {
    throw new Error(
      `${written.file} does not read back as written (${check.rows} of ${written.rows} events, sha256 ${check.sha256}); ${range.partition} kept`,
    );
  }
  progress(`${range.partition}: ${written.rows} events in ${written.file}, read back and verified (sha256 ${written.sha256})`);
  const [meta] = await transactions.inTransaction((sql) =>
    sql.query<{ last_recorded_at: Date | null }>(`SELECT last_recorded_at FROM archived_event_ranges WHERE partition = $1`, [
      range.partition,
    ]),
  );
  const archivedAt = new Date();
  await recordInManifest(directory, {
    partition: range.partition,
    fromTransactionId: range.fromTransactionId,
    toTransactionId: range.toTransactionId,
    events: written.rows,
    file: written.file,
    sha256: written.sha256,
    lastRecordedAt: meta?.last_recorded_at?.toISOString() ?? null,
    archivedAt: archivedAt.toISOString(),
  });
  await transactions.inTransaction(async (sql) => {
    await sql.query(`DROP TABLE ${range.partition}`);
    await sql.query(
      `UPDATE archived_event_ranges SET archive_file = $2, archive_sha256 = $3, archived_at = $4, events = $5 WHERE partition = $1`,
      [range.partition, written.file, written.sha256, archivedAt, written.rows],
    );
  });
  progress(`dropped ${range.partition}`);
  return { ...range, events: written.rows, archiveFile: written.file };
}
