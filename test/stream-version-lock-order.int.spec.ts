import { BUMP_STREAM_VERSIONS } from '../libs/event-store/src/event-store.sql';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Two appends bumping the same streams must never deadlock, whatever order their arrays list the
 * streams in: BUMP_STREAM_VERSIONS locks the rows in stream_id order. (Deadlocks are retried, but on a
 * busy day each one costs PostgreSQL's deadlock_timeout, a second, and a whole batch redone.)
 *
 * The race is made deterministic: a third transaction holds the middle stream's row, both appends
 * start and block on it, then it lets go. Locking in array order, the ascending append then holds
 * the lower half and waits for the upper half, which the descending one holds while waiting for the
 * middle: a deadlock. Locking in stream order, the second append waits for the first and then finds
 * its expected versions gone: a version conflict (fewer rows bumped), which the caller retries.
 */
const STREAMS = Array.from({ length: 40 }, (_, i) => `lock-order-${String(i).padStart(3, '0')}`);
const MIDDLE = STREAMS[20]!;

let db: TestDatabase;
const clients: Client[] = [];

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: db.url, options: `-c search_path=${db.schema}` });
  await client.connect();
  clients.push(client);
  return client;
}

async function bump(client: Client, streamIds: readonly string[]): Promise<'bumped' | 'conflict' | 'deadlock'> {
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ bumped: number }>(BUMP_STREAM_VERSIONS, [
      streamIds,
      streamIds.map(() => 1),
      streamIds.map(() => 2),
    ]);
    await client.query('COMMIT');
    return rows[0]!.bumped === streamIds.length ? 'bumped' : 'conflict';
  } catch (error) {
    await client.query('ROLLBACK');
    if ((error as { code?: string }).code === '40P01') return 'deadlock';
    throw error;
  }
}

async function waitingOnLocks(observer: Client, count: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await observer.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    if (rows[0]!.waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected ${count} sessions waiting on a lock`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.reads.query(`INSERT INTO streams (stream_id, version, updated_at) SELECT unnest($1::text[]), 1, now()`, [STREAMS]);
  // Other streams around them, as in any real log, so the plan is the one a busy day gets (an index
  // lookup per listed stream, in the listed order), not a scan of a tiny table.
  await db.reads.query(
    `INSERT INTO streams (stream_id, version, updated_at) SELECT 'other-' || i, 1, now() FROM generate_series(1, 50000) AS i`,
  );
  await db.reads.query('ANALYZE streams');
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  await db?.drop();
});

describe('stream versions under concurrent appends', () => {
  it('two appends listing the same streams in opposite orders do not deadlock', async () => {
    const [holder, ascending, descending, observer] = await Promise.all([connect(), connect(), connect(), connect()]);
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [MIDDLE]);
    const first = bump(ascending, STREAMS);
    await waitingOnLocks(observer, 1);
    const second = bump(descending, [...STREAMS].reverse());
    await waitingOnLocks(observer, 2);
    await holder.query('COMMIT');
    const outcomes = await Promise.all([first, second]);
    expect(outcomes).not.toContain('deadlock');
    expect([...outcomes].sort()).toEqual(['bumped', 'conflict']);
    const { rows } = await observer.query<{ version: number }>(`SELECT DISTINCT version FROM streams WHERE stream_id = ANY($1)`, [STREAMS]);
    expect(rows).toEqual([{ version: 2 }]);
  });
});
