import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SELECT_RECENT_OUTBOX_MESSAGES } from '../apps/inventory-service/src/operations/dashboard/dashboard.sql';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  // A dead-letter storm, and a few logistics commands early on.
  await db.reads.query(
    `INSERT INTO outbox (topic, message_value, published_at) SELECT 'retail.logistics.commands', convert_to('c' || i, 'UTF8'), now() FROM generate_series(1, 30) i`,
  );
  await db.reads.query(
    `INSERT INTO outbox (topic, message_value) SELECT 'retail.dlq', convert_to('d' || i, 'UTF8') FROM generate_series(1, 20000) i`,
  );
  await db.reads.query('ANALYZE outbox');
});
afterAll(async () => {
  await db?.drop();
});

describe("the dashboard's recent commands (SELECT_RECENT_OUTBOX_MESSAGES)", () => {
  it('reads the newest of one topic through the (topic, id) index, not behind every dead letter', async () => {
    const rows = await db.reads.query<{ id: string; message_value: Buffer; published: boolean }>(SELECT_RECENT_OUTBOX_MESSAGES, [
      'retail.logistics.commands',
      5,
    ]);
    expect(rows.map((row) => row.message_value.toString())).toEqual(['c30', 'c29', 'c28', 'c27', 'c26']);
    expect(rows.every((row) => row.published)).toBe(true);
    const plan = (
      await db.reads.query<Record<string, string>>(`EXPLAIN ${SELECT_RECENT_OUTBOX_MESSAGES}`, ['retail.logistics.commands', 5])
    )
      .map((row) => Object.values(row)[0])
      .join('\n');
    expect(plan).toMatch(/outbox_topic_id_idx/);
  });
});
