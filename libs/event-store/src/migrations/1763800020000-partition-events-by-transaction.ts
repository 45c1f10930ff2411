import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_PARTITION, ensureEventPartitions } from '../event-log-partitions';

/**
 * The event log becomes a table partitioned by range of transaction id, so that old partitions can
 * be detached and archived (inventory-cli archive-events). Nothing is copied: the existing table
 * becomes the first partition, events_x0, holding every transaction below this migration's; new
 * partitions follow it (ensureEventPartitions) and a default partition catches what none holds.
 *
 * A partitioned table's unique constraints must contain its partition key, so two global ones go:
 * - UNIQUE (stream_id, stream_version): the streams table is the version guard. Every append moves
 *   its stream's row from the version it loaded to the next (BUMP_STREAM_VERSIONS, under the row's
 *   lock), so a stream version is written by one committed transaction only; the index stays, not
 *   unique, for loading streams.
 * - UNIQUE (event_id): event ids move to a table of their own, event_ids, kept whole when the
 *   events are archived, so a redelivered event is refused however old (INSERT_EVENTS writes both).
 * The primary key becomes (transaction_id, global_position), the global order, which
 * events_global_order_idx was.
 */
export class PartitionEventsByTransaction1763800020000 implements MigrationInterface {
  name = 'PartitionEventsByTransaction1763800020000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`LOCK TABLE events IN ACCESS EXCLUSIVE MODE`);
    await db.query(`CREATE TABLE event_ids (event_id text PRIMARY KEY)`);
    await db.query(`INSERT INTO event_ids (event_id) SELECT event_id FROM events`);
    await db.query(`ALTER TABLE events RENAME TO events_x0`);
    await db.query(`ALTER TABLE events_x0 DROP CONSTRAINT events_pkey`);
    await db.query(`ALTER TABLE events_x0 DROP CONSTRAINT events_event_id_key`);
    await db.query(`ALTER TABLE events_x0 DROP CONSTRAINT events_stream_version_key`);
    await db.query(`DROP INDEX events_global_order_idx`);
    // Other indexes on the log (the app's) are made again on the partitioned table under their names;
    // PostgreSQL attaches the old table's identical index rather than build another.
    const indexes = await db.query(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'events_x0'::regclass`,
    );
    for (const { name } of indexes as Array<{ name: string }>) await db.query(`ALTER INDEX "${name}" RENAME TO "x0_${name}"`);
    await db.query(`
      CREATE TABLE events (
        global_position bigint NOT NULL DEFAULT nextval('events_global_position_seq'),
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_version integer NOT NULL CONSTRAINT events_stream_version_check CHECK (stream_version > 0),
        event_id text NOT NULL,
        event_type text NOT NULL,
        schema_version smallint NOT NULL DEFAULT 1,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position)
      ) PARTITION BY RANGE (transaction_id)`);
    await db.query(`ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position`);
    await db.query(`ALTER TABLE events_x0 ALTER COLUMN global_position DROP DEFAULT`);
    await db.query(`CREATE INDEX events_stream_version_idx ON events (stream_id, stream_version)`);
    // Every transaction that wrote events_x0 has committed (the lock above waited for them).
    const [{ upper }] = (await db.query(`SELECT pg_current_xact_id()::text AS upper`)) as [{ upper: string }];
    await db.query(`ALTER TABLE events ATTACH PARTITION events_x0 FOR VALUES FROM (MINVALUE) TO ('${upper}')`);
    for (const { name, definition } of indexes as Array<{ name: string; definition: string }>) {
      await db.query(definition.replace(/ INDEX \S+ ON \S+ /, ` INDEX "${name}" ON events `));
    }
    await db.query(`CREATE TABLE ${DEFAULT_PARTITION} PARTITION OF events DEFAULT`);
    await ensureEventPartitions(db);
    await db.query(`
      CREATE TABLE archived_event_ranges (
        partition text PRIMARY KEY,
        from_transaction_id xid8 NOT NULL,
        to_transaction_id xid8 NOT NULL,
        events bigint NOT NULL,
        last_transaction_id xid8,
        last_global_position bigint,
        last_recorded_at timestamptz,
        detached_at timestamptz NOT NULL DEFAULT now(),
        archive_file text,
        archive_sha256 text,
        archived_at timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    const [archived] = (await db.query(`SELECT count(*)::int AS n FROM archived_event_ranges`)) as Array<{ n: number }>;
    if (archived!.n > 0) throw new Error('events were archived: restore them before undoing the partitioning');
    await db.query(`DROP TABLE archived_event_ranges`);
    await db.query(`ALTER TABLE events RENAME TO events_partitioned`);
    await db.query(`
      CREATE TABLE events (LIKE events_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
        CONSTRAINT events_event_id_key UNIQUE (event_id))`);
    await db.query(`INSERT INTO events SELECT * FROM events_partitioned`);
    await db.query(`ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position`);
    await db.query(`ALTER TABLE events_partitioned RENAME CONSTRAINT events_pkey TO events_partitioned_pkey`);
    await db.query(`ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (global_position)`);
    const indexes = (await db.query(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'events_partitioned'::regclass AND i.relname NOT IN ('events_partitioned_pkey', 'events_stream_version_idx')`,
    )) as Array<{ name: string; definition: string }>;
    await db.query(`DROP TABLE events_partitioned`);
    await db.query(`CREATE INDEX events_global_order_idx ON events (transaction_id, global_position)`);
    for (const { definition } of indexes) await db.query(definition.replace(/ ON (ONLY )?\S+ /, ' ON events '));
    await db.query(`DROP TABLE event_ids`);
  }
}
