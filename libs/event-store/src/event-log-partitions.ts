import type { SqlClient } from './sql-client';

/**
 * The event log is partitioned by range of transaction id (xid8: 64-bit, never wraps, and the
 * first key of the global order). A partition `events_x<lower>` holds the events of transactions
 * [lower, upper); `events_x0` starts at MINVALUE (the log as it was before partitioning);
 * `events_default` is a net for transactions past the last range (empty while partitions are
 * created ahead in time, split by ensureEventPartitions when not). Why this key: docs/scaling.md.
 */
export interface EventPartition {
  name: string;
  /** First transaction id of the range ('0' for MINVALUE); null for the default partition. */
  lower: bigint | null;
  /** First transaction id past the range; null for the default partition. */
  upper: bigint | null;
}

/** Transactions per partition, unless EVENT_LOG_PARTITION_XIDS says otherwise (docs/scaling.md). */
export const DEFAULT_PARTITION_XIDS = 10_000_000;
/** How many partitions past the next transaction id are kept created. */
export const PARTITIONS_AHEAD = 2;
export const DEFAULT_PARTITION = 'events_default';

const SELECT_EVENT_PARTITIONS = `
SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'events'::regclass`;

/** The next transaction id PostgreSQL will hand out (reading it assigns none). */
const SELECT_NEXT_TRANSACTION_ID = `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next`;

/** One maintainer of the partitions at a time, per schema (instances, the CLI). */
const LOCK_PARTITION_MAINTENANCE = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':event-partitions'))`;

/** The last transaction id in the default partition (none when it is empty): one probe of its primary key. */
export const DEFAULT_PARTITION_LAST = `SELECT transaction_id::text AS last FROM events_default ORDER BY transaction_id DESC LIMIT 1`;

const BOUND = /FROM \((?:MINVALUE|'(\d+)')\) TO \((?:MAXVALUE|'(\d+)')\)/;

export async function listEventPartitions(sql: SqlClient): Promise<EventPartition[]> {
  const rows = await sql.query<{ name: string; bound: string }>(SELECT_EVENT_PARTITIONS);
  return rows
    .map(({ name, bound }): EventPartition => {
      if (bound === 'DEFAULT') return { name, lower: null, upper: null };
      const match = BOUND.exec(bound);
      if (!match) throw new Error(`event partition ${name} has a bound this code does not read: ${bound}`);
      return { name, lower: BigInt(match[1] ?? '0'), upper: match[2] === undefined ? null : BigInt(match[2]) };
    })
    .sort((a, b) => (a.lower === null ? 1 : b.lower === null ? -1 : a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : 0));
}

/** Create (and attach) the range partition [lower, upper). Rows of that range must not be in the default partition. */
async function createPartition(sql: SqlClient, lower: bigint, upper: bigint): Promise<void> {
  const name = `events_x${lower}`;
  // CREATE TABLE ... PARTITION OF would lock the whole log (ACCESS EXCLUSIVE); ATTACH takes SHARE
  // UPDATE EXCLUSIVE, so appends and reads go on. The CHECK spares ATTACH a scan of the new table.
  await sql.query(`CREATE TABLE ${name} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await sql.query(
    `ALTER TABLE ${name} ADD CONSTRAINT ${name}_range CHECK (transaction_id >= '${lower}'::xid8 AND transaction_id < '${upper}'::xid8)`,
  );
  await sql.query(`ALTER TABLE events ATTACH PARTITION ${name} FOR VALUES FROM ('${lower}') TO ('${upper}')`);
  await sql.query(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_range`);
}

export interface PartitionMaintenance {
  created: string[];
  /** Rows moved out of the default partition into new range partitions. */
  movedFromDefault: number;
}

/**
 * Keep range partitions created up to PARTITIONS_AHEAD × `partitionXids` past the next transaction
 * id, so appends never land in the default partition. Cheap when nothing is due: a catalog read
 * and an index probe of the (empty) default partition. When the service was down long enough for
 * appends to fill the default partition, it is split: detached, its rows moved into new range
 * partitions, re-attached empty (the log is locked meanwhile, for as long as that copy takes).
 * Runs in the caller's transaction, which it serialises with other maintainers.
 */
export async function ensureEventPartitions(sql: SqlClient, partitionXids = DEFAULT_PARTITION_XIDS): Promise<PartitionMaintenance> {
  if (!Number.isSafeInteger(partitionXids) || partitionXids < 1)
    throw new Error(`partitionXids must be a positive integer, not ${partitionXids}`);
  const width = BigInt(partitionXids);
  await sql.query(LOCK_PARTITION_MAINTENANCE);
  const partitions = await listEventPartitions(sql);
  let top = partitions.reduce((max, p) => (p.upper !== null && p.upper > max ? p.upper : max), 0n);
  const created: string[] = [];
  let movedFromDefault = 0;

  const [spilled] = await sql.query<{ last: string }>(DEFAULT_PARTITION_LAST);
  if (spilled) {
    await sql.query(`ALTER TABLE events DETACH PARTITION ${DEFAULT_PARTITION}`);
    for (const end = BigInt(spilled.last); top <= end; top += width) {
      await createPartition(sql, top, top + width);
      created.push(`events_x${top}`);
    }
    const moved = await sql.query<{ n: number }>(
      `WITH moved AS (INSERT INTO events SELECT * FROM ${DEFAULT_PARTITION} RETURNING 1) SELECT count(*)::int AS n FROM moved`,
    );
    movedFromDefault = moved[0]?.n ?? 0;
    await sql.query(`TRUNCATE ${DEFAULT_PARTITION}`);
    await sql.query(`ALTER TABLE events ATTACH PARTITION ${DEFAULT_PARTITION} DEFAULT`);
  }

  const [next] = await sql.query<{ next: string }>(SELECT_NEXT_TRANSACTION_ID);
  const wanted = BigInt(next!.next) + width * BigInt(PARTITIONS_AHEAD);
  for (; top < wanted; top += width) {
    await createPartition(sql, top, top + width);
    created.push(`events_x${top}`);
  }
  return { created, movedFromDefault };
}
