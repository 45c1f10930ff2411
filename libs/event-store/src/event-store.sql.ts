/**
 * Every statement the event store runs, named, so the SQL can be reviewed as SQL.
 * Tables live in the schema on the connection's search_path.
 */

/**
 * Which of these event ids are already stored (idempotent appends). event_ids holds every event id
 * ever appended, archived ones too (the log is partitioned by transaction id and cannot hold a
 * unique index on event_id alone): one probe of its primary key per id, whatever the partitions.
 */
export const SELECT_EXISTING_EVENT_IDS = `
SELECT event_id FROM event_ids WHERE event_id = ANY($1::text[])`;

/**
 * Optimistic concurrency for many streams in one statement: move each stream from its expected
 * version to its next one. A stream whose version moved (or that appeared concurrently) is not
 * counted, so `bumped` < number of streams means a conflict. Row locks on `streams` serialise
 * concurrent writers of one stream; the loser re-reads the row and its WHERE no longer matches.
 *
 * The rows are locked first, in stream_id order (`locked`), and new streams are inserted in that
 * order too, whatever order the arrays list them in and whatever join the planner picks: two appends
 * sharing streams then queue one behind the other instead of deadlocking (an update joined in the
 * arrays' order locks in that order; test/stream-version-lock-order.int.spec.ts).
 */
export const BUMP_STREAM_VERSIONS = `
WITH bump AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS b(stream_id, expected_version, next_version)
), locked AS MATERIALIZED (
  SELECT s.stream_id FROM streams s
  WHERE s.stream_id IN (SELECT stream_id FROM bump WHERE expected_version > 0)
  ORDER BY s.stream_id
  FOR UPDATE OF s
), updated AS (
  UPDATE streams s SET version = b.next_version, updated_at = now()
  FROM bump b, locked l
  WHERE s.stream_id = b.stream_id AND l.stream_id = s.stream_id AND b.expected_version > 0 AND s.version = b.expected_version
  RETURNING s.stream_id
), created AS (
  INSERT INTO streams (stream_id, version, updated_at)
  SELECT stream_id, next_version, now() FROM bump WHERE expected_version = 0 ORDER BY stream_id
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING stream_id
)
SELECT (SELECT count(*) FROM updated)::int + (SELECT count(*) FROM created)::int AS bumped`;

/**
 * One multi-row insert for every event of the append, the events passed as one JSON array of
 * `[stream_id, stream_version, event_id, event_type, schema_version, data, metadata]` rows: one
 * JSON.stringify on the client and one parse on the server, where text arrays of JSON documents
 * would escape and parse every document twice. Each event id goes into event_ids too, whose
 * primary key refuses a repeat (a unique violation: the caller's conflict) as events_event_id_key
 * did before the log was partitioned.
 *
 * It answers with one row, not one per event: the positions as one comma-separated list in the
 * order of the array (positions are drawn from the identity in insertion order, so ordering by them
 * is the array's order), and the transaction id and recording time, which every event of one
 * statement shares (pg_current_xact_id() and now() are the columns' defaults). Parsing a row per
 * event (three fields and a Date each) was a good part of the service's per-line work.
 */
export const INSERT_EVENTS = `
WITH e AS MATERIALIZED (SELECT e FROM jsonb_array_elements($1::jsonb) AS e), ids AS (
  INSERT INTO event_ids (event_id) SELECT e->>2 FROM e
), inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
  SELECT e->>0, (e->>1)::int, e->>2, e->>3, (e->>4)::smallint, e->5, e->6
  FROM e
  RETURNING global_position, transaction_id::text AS transaction_id, recorded_at
)
SELECT string_agg(global_position::text, ',' ORDER BY global_position) AS global_positions,
  min(transaction_id) AS transaction_id, min(recorded_at) AS recorded_at
FROM inserted`;

const EVENT_COLUMNS = `global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id,
  event_type, schema_version, data, metadata, recorded_at`;

/** Events of many streams after a version each (used to load aggregates after their snapshots). */
export const SELECT_STREAMS_AFTER_VERSIONS = `
SELECT ${EVENT_COLUMNS}
FROM unnest($1::text[], $2::int[]) AS s(stream_id, after_version)
JOIN events e USING (stream_id)
WHERE e.stream_version > s.after_version
ORDER BY e.stream_id, e.stream_version`;

/** Current versions of many streams. */
export const SELECT_STREAM_VERSIONS = `
SELECT stream_id, version FROM streams WHERE stream_id = ANY($1::text[])`;

/**
 * The next events in global order after a checkpoint. Reads only below the oldest transaction still
 * in flight, so an event whose transaction commits late is never skipped: it is read once it commits.
 * The order names the table's columns (`events.`): the select lists return `transaction_id::text AS
 * transaction_id`, and a bare name in ORDER BY means an output column, so the log was sorted as text
 * (transaction 10 before 9: a batch ending in 10 moved the checkpoint past 9's events, never read) and
 * could not walk the primary key (transaction_id, global_position). test/global-order.int.spec.ts.
 * `transaction_id >= $1` repeats part of the row comparison so that the planner prunes the
 * partitions wholly before the checkpoint (the log is partitioned by transaction id).
 */
const AFTER_CHECKPOINT = `
FROM events
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id >= $1::xid8
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.transaction_id, events.global_position
LIMIT $3`;

/** The same, without metadata and recording time (what projections read: see ProjectedEvent). */
export const SELECT_PROJECTED_EVENTS_AFTER_CHECKPOINT = `
SELECT global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data${AFTER_CHECKPOINT}`;

/** The same, stream ids and positions only: for followers that need to know what changed, not how. */
export const SELECT_STREAM_IDS_AFTER_CHECKPOINT = `SELECT transaction_id::text AS transaction_id, global_position, stream_id${AFTER_CHECKPOINT}`;

/**
 * Stream ids and positions after a checkpoint ($1, $2) up to and including another ($4, $5): a
 * follower of a projection reads no further than that projection's checkpoint. Every event up to it
 * has committed (that projection read below the oldest running transaction), so no snapshot bound is
 * needed; `transaction_id >= $1` prunes the partitions before the start, as in AFTER_CHECKPOINT.
 */
export const SELECT_STREAM_IDS_BETWEEN_CHECKPOINTS = `
SELECT transaction_id::text AS transaction_id, global_position, stream_id
FROM events
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id >= $1::xid8
  AND (transaction_id, global_position) <= ($4::xid8, $5::bigint) AND transaction_id <= $4::xid8
ORDER BY events.transaction_id, events.global_position
LIMIT $3`;

/** Position of the newest event any subscriber could read now. */
export const SELECT_HEAD_CHECKPOINT = `
SELECT transaction_id::text AS transaction_id, global_position
FROM events
WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.transaction_id DESC, events.global_position DESC
LIMIT 1`;

export const SELECT_CHECKPOINT = `
SELECT transaction_id::text AS transaction_id, global_position FROM checkpoints WHERE processor_id = $1`;

/**
 * Move a processor's checkpoint from where its batch started ($4, $5; the log's start when it had
 * none) to where it ended ($2, $3). Compare-and-set: \`advanced\` is 0 when another transaction
 * moved it meanwhile (two processors of one projection, whatever the locks), and the caller rolls
 * its batch back rather than apply those events twice.
 */
export const ADVANCE_CHECKPOINT = `
WITH moved AS (
  UPDATE checkpoints SET transaction_id = $2::xid8, global_position = $3, updated_at = now()
  WHERE processor_id = $1 AND transaction_id = $4::xid8 AND global_position = $5
  RETURNING 1
), created AS (
  INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at)
  SELECT $1, $2::xid8, $3, now()
  WHERE $4::xid8 = '0'::xid8 AND $5 = 0 AND NOT EXISTS (SELECT 1 FROM checkpoints WHERE processor_id = $1)
  ON CONFLICT (processor_id) DO NOTHING
  RETURNING 1
)
SELECT ((SELECT count(*) FROM moved) + (SELECT count(*) FROM created))::int AS advanced`;

/**
 * Whether a processor has anything to do: `pending`, events past its stored checkpoint (the log's
 * start when it has none) that a reader may see now; `held_back`, committed events past it that a
 * reader may not see yet, because an older transaction is still running (any transaction in the
 * cluster with an id: a relay's lease, another projection's batch, another schema's work). A
 * processor that finds events held back looks again soon rather than after its long idle wait:
 * the transaction holding them back may commit nothing it is told of. Each is the first such event
 * in global order, not EXISTS: under EXISTS the planner expects a third of the log to match and
 * scans the table from its start for the first row (a sequential scan of the whole log when nothing
 * waits); ordered and limited, it walks the primary key from the checkpoint, one index probe
 * however long the log. test/periodic-statement-plans.int.spec.ts guards the plan on a log of a
 * million events.
 */
export const EVENTS_PENDING_FOR_PROCESSOR = `
WITH checkpoint AS (
  SELECT coalesce((SELECT transaction_id FROM checkpoints WHERE processor_id = $1), '0'::xid8) AS transaction_id,
         coalesce((SELECT global_position FROM checkpoints WHERE processor_id = $1), 0) AS global_position
), first_committed AS (
  SELECT events.transaction_id FROM events, checkpoint
  WHERE (events.transaction_id, events.global_position) > (checkpoint.transaction_id, checkpoint.global_position)
  ORDER BY events.transaction_id, events.global_position
  LIMIT 1
)
SELECT coalesce((SELECT transaction_id < pg_snapshot_xmin(pg_current_snapshot()) FROM first_committed), false) AS pending,
       coalesce((SELECT transaction_id >= pg_snapshot_xmin(pg_current_snapshot()) FROM first_committed), false) AS held_back`;

/**
 * One processor of a projection at a time, per schema: advisory locks are database-wide, and
 * services in other schemas of the same database run processors of the same names.
 */
export const TRY_LOCK_PROCESSOR = `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':processor:' || $1)) AS locked`;

/** The latest snapshot of each stream, if taken with the state shape the caller understands. */
export const SELECT_SNAPSHOTS = `
SELECT stream_id, stream_version, state FROM snapshots
WHERE stream_id = ANY($1::text[]) AND state_version = $2`;

/** Replace the snapshots of many streams in one statement. */
export const UPSERT_SNAPSHOTS = `
INSERT INTO snapshots (stream_id, stream_version, state_version, state, taken_at)
SELECT stream_id, stream_version, $3, state::jsonb, now()
FROM unnest($1::text[], $2::int[], $4::text[]) AS s(stream_id, stream_version, state)
ON CONFLICT (stream_id) DO UPDATE
SET stream_version = EXCLUDED.stream_version, state_version = EXCLUDED.state_version,
    state = EXCLUDED.state, taken_at = EXCLUDED.taken_at
WHERE snapshots.stream_version < EXCLUDED.stream_version OR snapshots.state_version <> EXCLUDED.state_version`;

/** How many committed events a reader at this checkpoint has still to read (capped, to stay cheap). */
export const COUNT_EVENTS_AFTER_CHECKPOINT = `
SELECT count(*)::int AS behind FROM (
  SELECT 1 FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id >= $1::xid8
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  LIMIT $3
) pending`;

/** Wait for a processor's turn (blocking): used to swap a rebuilt read model in. */
export const LOCK_PROCESSOR = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':processor:' || $1))`;

export const DELETE_CHECKPOINT = `DELETE FROM checkpoints WHERE processor_id = $1`;

/** Move one processor's checkpoint to another name (the rebuilt copy becomes the live one). */
export const MOVE_CHECKPOINT = `
INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at)
SELECT $2, transaction_id, global_position, now() FROM checkpoints WHERE processor_id = $1
ON CONFLICT (processor_id) DO UPDATE
SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`;

/**
 * A projection's batch failed: record (or refresh) that it is stalled, at its stored checkpoint.
 * `stalled_since` keeps the first failure's time; $3 is the number of attempts so far.
 */
export const RECORD_PROJECTION_STALLED = `
INSERT INTO projection_status (projection, stalled_since, last_error, checkpoint_transaction_id, checkpoint_global_position, attempts, updated_at)
SELECT $1, $4::timestamptz, $2,
       coalesce((SELECT transaction_id FROM checkpoints WHERE processor_id = $1), '0'::xid8),
       coalesce((SELECT global_position FROM checkpoints WHERE processor_id = $1), 0),
       $3, now()
ON CONFLICT (projection) DO UPDATE
  SET last_error = EXCLUDED.last_error, checkpoint_transaction_id = EXCLUDED.checkpoint_transaction_id,
      checkpoint_global_position = EXCLUDED.checkpoint_global_position, attempts = EXCLUDED.attempts, updated_at = now()`;

/** A batch of the projection succeeded: it is no longer stalled. */
export const CLEAR_PROJECTION_STALLED = `DELETE FROM projection_status WHERE projection = $1`;

/** Every projection with a checkpoint or a stall, with its stall (if any). */
export const SELECT_PROJECTION_STATUSES = `
SELECT coalesce(c.processor_id, s.projection) AS projection,
       coalesce(c.transaction_id, s.checkpoint_transaction_id, '0'::xid8)::text AS transaction_id,
       coalesce(c.global_position, s.checkpoint_global_position, 0) AS global_position,
       s.stalled_since, s.last_error, s.attempts, s.updated_at
FROM checkpoints c FULL JOIN projection_status s ON s.projection = c.processor_id
ORDER BY 1`;

/** The stalled projections, oldest stall first. */
export const SELECT_STALLED_PROJECTIONS = `
SELECT projection, stalled_since, last_error, attempts, updated_at,
       checkpoint_transaction_id::text AS transaction_id, checkpoint_global_position AS global_position
FROM projection_status ORDER BY stalled_since, projection`;
