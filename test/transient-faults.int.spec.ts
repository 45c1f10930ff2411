import { DEAD_LETTER_HEADERS } from '@app/contracts';
import { PostgresEventStore } from '@app/event-store';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { headersAsText, headersForKafka, type StoredHeaders } from '../apps/inventory-service/src/platform/kafka/headers';
import { RecordInboundBatch, type InboundMessage } from '../apps/inventory-service/src/ingestion/record-inbound-batch.command';
import { RecordInboundBatchHandler } from '../apps/inventory-service/src/ingestion/record-inbound-batch.handler';
import { registerLocationsInDatabase } from './support/locations';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/test-database';

/*
 * Faults injected on real PostgreSQL, in this test's schema: triggers on the `events` table that
 * raise a transient SQLSTATE (57014 query canceled, 40001 serialization failure) the first N times,
 * that raise a data exception (22003) for one event, and a backend terminated while a batch runs.
 * The database's faults are retried and never dead-letter; only the event's own fault does.
 */
let db: TestDatabase;
let admin: Client;
let handler: RecordInboundBatchHandler;
const store = new PostgresEventStore();
const RETRY_BUDGET_MS = 1500;
const config = loadServiceConfig({ INGESTION_TRANSIENT_RETRY_MS: String(RETRY_BUDGET_MS) });
let offset = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await registerLocationsInDatabase(db.transactions, { W1: { type: 'warehouse' } });
  handler = new RecordInboundBatchHandler(db.transactions, store, config);
  admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`SET search_path = "${db.schema}"`);
  await admin.query(`CREATE SEQUENCE injected_faults`);
});
afterEach(async () => {
  await admin.query(`DROP TRIGGER IF EXISTS inject_fault ON events`);
  await admin.query(`ALTER SEQUENCE injected_faults RESTART`);
});
afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

function message(eventId: string, sku: string, quantity: number): InboundMessage {
  offset += 1;
  const value = { eventId, type: 'StockReceived', occurredAt: new Date().toISOString(), locationId: 'W1', lines: [{ sku, quantity }] };
  return {
    role: 'stockMovements',
    topic: config.kafka.topics.stockMovements,
    partition: 0,
    offset: String(offset),
    key: Buffer.from('W1'),
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
  };
}

const apply = (messages: InboundMessage[]) => handler.execute(new RecordInboundBatch('g', messages[0]!.topic, 0, messages));

/** A trigger on `events` running this PL/pgSQL body for each inserted row (NEW is the row). */
async function injectOnEvents(body: string): Promise<void> {
  await admin.query(`CREATE OR REPLACE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NEW; END $$`);
  await admin.query(`CREATE TRIGGER inject_fault BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION inject_fault()`);
}

/** Raise `code` the first `times` times an event is inserted (a sequence counts: it is not rolled back). */
const failFirst = (times: number, code: string) =>
  injectOnEvents(
    `IF nextval('injected_faults') <= ${times} THEN RAISE EXCEPTION 'injected fault %', '${code}' USING ERRCODE = '${code}'; END IF;`,
  );

async function faultsRaised(): Promise<number> {
  const { rows } = await admin.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM injected_faults`);
  return rows[0]!.is_called ? Number(rows[0]!.last_value) : 0;
}

async function deadLetterReasons(): Promise<string[]> {
  const rows = await db.reads.query<{ headers: StoredHeaders }>(`SELECT headers FROM outbox WHERE topic = $1 ORDER BY id`, [
    config.kafka.topics.deadLetters,
  ]);
  return rows.map((row) => headersAsText(headersForKafka(row.headers))[DEAD_LETTER_HEADERS.reason]!);
}

async function stockEventsOf(sku: string): Promise<number> {
  const [row] = await db.reads.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE '%' || $1 || '%'`, [sku]);
  return row!.n;
}

async function storedNextOffset(): Promise<string | undefined> {
  const [row] = await db.reads.query<{ next_offset: string }>(
    `SELECT next_offset::text FROM kafka_offsets WHERE topic = $1 AND partition = 0`,
    [config.kafka.topics.stockMovements],
  );
  return row?.next_offset;
}

describe('transient database faults retry; only an event at fault is a dead letter', () => {
  it('a statement canceled (57014) three times is retried with backoff and applied, not dead-lettered', async () => {
    await failFirst(3, '57014');
    const outcome = await apply([message('t-cancel-1', 'T-CANCEL', 4)]);
    expect(outcome).toMatchObject({ applied: 1, deadLettered: 0 });
    expect(await faultsRaised()).toBeGreaterThanOrEqual(4);
    expect(await stockEventsOf('T-CANCEL')).toBe(1);
    expect(await deadLetterReasons()).toEqual([]);
  });

  it('serialization failures (40001) beyond the quick conflict retries still apply the batch, never dead-letter', async () => {
    await failFirst(10, '40001');
    const outcome = await apply([message('t-serial-1', 'T-SERIAL', 2), message('t-serial-2', 'T-SERIAL', 3)]);
    expect(outcome).toMatchObject({ applied: 2, deadLettered: 0 });
    expect(await stockEventsOf('T-SERIAL')).toBe(2);
    expect(await deadLetterReasons()).toEqual([]);
  });

  it('a fault that outlasts INGESTION_TRANSIENT_RETRY_MS fails the batch (kafkajs retries it): nothing applied, nothing dead-lettered', async () => {
    const before = await storedNextOffset();
    await failFirst(1_000_000, '57P01');
    const started = Date.now();
    const batch = [message('t-down-1', 'T-DOWN', 1)];
    await expect(apply(batch)).rejects.toMatchObject({ code: '57P01' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(RETRY_BUDGET_MS - 50);
    const tries = await faultsRaised();
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThan(20); // backoff, not a spin
    expect(await storedNextOffset()).toBe(before);
    expect(await deadLetterReasons()).toEqual([]);
    // The database is back: the same batch, delivered again, applies.
    await admin.query(`DROP TRIGGER inject_fault ON events`);
    expect(await apply(batch)).toMatchObject({ applied: 1, deadLettered: 0 });
  });

  it("a data exception (22003) raised by one event's append dead-letters that event with the reason; the rest of the batch applies", async () => {
    await injectOnEvents(
      `IF NEW.event_id LIKE '%/t-data-2#%' THEN RAISE EXCEPTION 'injected: value out of range for %', NEW.event_id USING ERRCODE = '22003'; END IF;`,
    );
    const outcome = await apply([message('t-data-1', 'T-DATA', 1), message('t-data-2', 'T-DATA', 2), message('t-data-3', 'T-DATA', 3)]);
    expect(outcome).toMatchObject({ applied: 2, deadLettered: 1 });
    expect(await deadLetterReasons()).toEqual(['could not apply: injected: value out of range for location:W1/t-data-2#0']);
    expect(await stockEventsOf('T-DATA')).toBe(2);
    // Its id was given back: a replay after the fix applies it.
    const [claimed] = await db.reads.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_events WHERE event_id = 't-data-2'`);
    expect(claimed!.n).toBe(0);
    await admin.query(`DELETE FROM outbox`);
  });

  it('a connection terminated while the batch runs (pg_terminate_backend) is retried on a new one', async () => {
    // The first append sleeps, so the test can find its backend and terminate it mid-batch.
    await injectOnEvents(`IF nextval('injected_faults') = 1 THEN PERFORM pg_sleep(5); END IF;`);
    const applying = apply([message('t-lost-1', 'T-LOST', 7)]);
    let terminated = 0;
    for (let i = 0; i < 100 && terminated === 0; i += 1) {
      const { rows } = await admin.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE '%INSERT INTO events%' AND pid <> pg_backend_pid()`,
      );
      terminated = rows.filter((row) => row.terminated).length;
      if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(terminated).toBe(1);
    expect(await applying).toMatchObject({ applied: 1, deadLettered: 0 });
    expect(await stockEventsOf('T-LOST')).toBe(1);
    expect(await deadLetterReasons()).toEqual([]);
  });
});
