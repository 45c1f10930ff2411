import { StreamVersionConflictError } from './errors';
import type { AppendOutcome, EventMetadata, GlobalCheckpoint, ProjectedEvent, RecordedEvent, StreamAppend } from './events';
import {
  BUMP_STREAM_VERSIONS,
  INSERT_EVENTS,
  SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT,
  SELECT_STREAM_IDS_AFTER_CHECKPOINT,
  SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS,
  SELECT_EXISTING_EVENT_IDS,
  SELECT_HEAD_CHECKPOINT,
  SELECT_STREAMS_AFTER_VERSIONS,
  SELECT_STREAM_VERSIONS,
} from './event-store.sql';
import type { Projection, StreamChange } from './projection';
import type { SqlClient } from './sql-client';

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

const UNIQUE_VIOLATION = '23505';

/** INSERT_EVENTS's one row: the positions in the order of its rows, and what every event of the statement shares. */
interface InsertedEvents {
  global_positions: string | null;
  transaction_id: string;
  recorded_at: Date;
}

export interface AppendOptions {
  /**
   * The caller guarantees the event ids are new (it claimed them in this transaction): skip the
   * look-up. A stored id then fails the append as a conflict instead of being skipped.
   */
  idsKnownNew?: boolean;
}

/** One event as INSERT_EVENTS takes it: [stream_id, stream_version, event_id, event_type, schema_version, data, metadata]. */
type EventInsertRow = [
  streamId: string,
  streamVersion: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: unknown,
  metadata: EventMetadata,
];

/**
 * The append-only event log in PostgreSQL. Every method takes the transaction to run in, so that a
 * caller can put an append, its read-model updates and its Kafka offsets into one commit.
 * Inline projections are applied to every append inside its transaction (read-your-writes).
 */
export class PostgresEventStore {
  constructor(private readonly inlineProjections: readonly Projection[] = []) {}

  /**
   * Appends events to many streams atomically, each at its expected version. Events whose id is
   * already stored are skipped (and reported), so a redelivered message has no second effect.
   * Throws StreamVersionConflictError when any stream moved on: the transaction must be rolled back.
   */
  async appendToStreams(sql: SqlClient, appends: readonly StreamAppend[], options: AppendOptions = {}): Promise<AppendOutcome> {
    const streamVersions = new Map<string, number>();
    const allIds = appends.flatMap((append) => append.events.map((event) => event.eventId));
    const stored =
      allIds.length === 0 || options.idsKnownNew ? [] : await sql.query<{ event_id: string }>(SELECT_EXISTING_EVENT_IDS, [allIds]);
    const duplicates = new Set(stored.map((row) => row.event_id));
    const seenInThisAppend = new Set<string>();

    const streamIds: string[] = [];
    const expected: number[] = [];
    const next: number[] = [];
    const rows: EventInsertRow[] = [];

    for (const append of [...appends].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0))) {
      const fresh = append.events.filter((event) => {
        if (duplicates.has(event.eventId) || seenInThisAppend.has(event.eventId)) return false;
        seenInThisAppend.add(event.eventId);
        return true;
      });
      streamVersions.set(append.streamId, append.expectedVersion + fresh.length);
      if (fresh.length === 0) continue;
      streamIds.push(append.streamId);
      expected.push(append.expectedVersion);
      next.push(append.expectedVersion + fresh.length);
      fresh.forEach((event, index) => {
        rows.push([
          append.streamId,
          append.expectedVersion + index + 1,
          event.eventId,
          event.type,
          event.schemaVersion ?? 1,
          event.data,
          event.metadata ?? {},
        ]);
      });
    }

    const duplicateEventIds = allIds.filter((id) => duplicates.has(id));
    if (streamIds.length === 0) return { streamVersions, appended: [], duplicateEventIds };

    const [bump] = await sql.query<{ bumped: number }>(BUMP_STREAM_VERSIONS, [streamIds, expected, next]);
    if ((bump?.bumped ?? 0) !== streamIds.length) {
      throw new StreamVersionConflictError(streamIds, 'a stream is not at its expected version');
    }
    let inserted: InsertedEvents | undefined;
    try {
      [inserted] = await sql.query<InsertedEvents>(INSERT_EVENTS, [JSON.stringify(rows)]);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        // A concurrent transaction stored the same event id or stream version first.
        throw new StreamVersionConflictError(streamIds, (error as Error).message);
      }
      throw error;
    }
    sql.wrote?.('events');
    const positions = inserted?.global_positions?.split(',') ?? [];
    if (!inserted || positions.length !== rows.length) throw new Error(`stored ${positions.length} of ${rows.length} events`);
    const { transaction_id: transactionId, recorded_at: recordedAt } = inserted;
    const appended = rows.map(([streamId, streamVersion, eventId, type, schemaVersion, data, metadata], i): RecordedEvent => ({
      globalPosition: Number(positions[i]),
      transactionId,
      streamId,
      streamVersion,
      eventId,
      type,
      schemaVersion,
      data,
      metadata,
      recordedAt,
    }));
    for (const projection of this.inlineProjections) await projection.apply(sql, appended);
    return { streamVersions, appended, duplicateEventIds };
  }

  /** Current versions of the given streams (0 for a stream that does not exist). */
  async streamVersions(sql: SqlClient, streamIds: readonly string[]): Promise<Map<string, number>> {
    const versions = new Map(streamIds.map((id) => [id, 0]));
    if (streamIds.length === 0) return versions;
    const rows = await sql.query<{ stream_id: string; version: number }>(SELECT_STREAM_VERSIONS, [streamIds]);
    for (const row of rows) versions.set(row.stream_id, row.version);
    return versions;
  }

  /** Events of each stream after the given version (0 = from the start), in stream order. */
  async readStreamsAfter(sql: SqlClient, afterVersions: ReadonlyMap<string, number>): Promise<Map<string, RecordedEvent[]>> {
    const byStream = new Map<string, RecordedEvent[]>([...afterVersions.keys()].map((id) => [id, []]));
    if (afterVersions.size === 0) return byStream;
    const rows = await sql.query<EventRow>(SELECT_STREAMS_AFTER_VERSIONS, [[...afterVersions.keys()], [...afterVersions.values()]]);
    for (const row of rows) byStream.get(row.stream_id)?.push(toRecordedEvent(row));
    return byStream;
  }

  async readStream(sql: SqlClient, streamId: string, afterVersion = 0): Promise<RecordedEvent[]> {
    return (await this.readStreamsAfter(sql, new Map([[streamId, afterVersion]]))).get(streamId) ?? [];
  }

  /** The next committed events in global order after a checkpoint, as projections read them; never skips a late commit. */
  async readAfter(sql: SqlClient, after: GlobalCheckpoint, limit: number): Promise<ProjectedEvent[]> {
    const rows = await sql.query<Omit<EventRow, 'metadata' | 'recorded_at'>>(SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT, [
      after.transactionId,
      after.globalPosition,
      limit,
    ]);
    return rows.map((row) => ({
      globalPosition: Number(row.global_position),
      transactionId: row.transaction_id,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      eventId: row.event_id,
      type: row.event_type,
      schemaVersion: row.schema_version,
      data: row.data,
    }));
  }

  /** Like readAfter, but only which stream each event is in: cheap for followers of "what changed". */
  async readStreamIdsAfter(sql: SqlClient, after: GlobalCheckpoint, limit: number): Promise<StreamChange[]> {
    const rows = await sql.query<StreamChangeRow>(SELECT_STREAM_IDS_AFTER_CHECKPOINT, [after.transactionId, after.globalPosition, limit]);
    return rows.map(streamChangeOf);
  }

  /** Which stream each event after `after` and up to `upTo` (inclusive) is in, in global order. */
  async readStreamIdsBetween(sql: SqlClient, after: GlobalCheckpoint, upTo: GlobalCheckpoint, limit: number): Promise<StreamChange[]> {
    const rows = await sql.query<StreamChangeRow>(SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS, [
      after.transactionId,
      after.globalPosition,
      limit,
      upTo.transactionId,
      upTo.globalPosition,
    ]);
    return rows.map(streamChangeOf);
  }

  /** The checkpoint of the newest event a subscriber can read now, or null for an empty log. */
  async head(sql: SqlClient): Promise<GlobalCheckpoint | null> {
    const [row] = await sql.query<{ transaction_id: string; global_position: string }>(SELECT_HEAD_CHECKPOINT);
    return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : null;
  }
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

interface StreamChangeRow {
  transaction_id: string;
  global_position: string;
  stream_id: string;
}

const streamChangeOf = (row: StreamChangeRow): StreamChange => ({
  transactionId: row.transaction_id,
  globalPosition: Number(row.global_position),
  streamId: row.stream_id,
});
