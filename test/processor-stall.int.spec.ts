import {
  CheckpointedProcessor,
  PostgresEventStore,
  StreamUnitOfWork,
  readProjectionStalls,
  upcasterChain,
  type ProcessorFailure,
  type ProcessorOptions,
  type Projection,
  type ProjectedEvent,
  type SqlClient,
} from '@app/event-store';
import { stockItemDecider, type StockItemEvent } from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/test-kafka';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/*
 * The checkpointed processor on real PostgreSQL with faults injected by a trigger on its read
 * model's table: a transient fault is retried and not a stall until it persists; any other fault is
 * a stall at once, recorded in projection_status, each distinct error said once per interval, and
 * the stall cleared by the next batch that succeeds.
 */
let db: TestDatabase;
const store = new PostgresEventStore();
let run = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.reads.query('CREATE TABLE probe_rows (projection text NOT NULL, event_id text NOT NULL, PRIMARY KEY (projection, event_id))');
  await db.reads.query('CREATE SEQUENCE probe_attempts');
});
afterAll(async () => {
  await db?.drop();
});

/** A read model of one row per event, under its own name. */
class ProbeProjection implements Projection {
  constructor(readonly name: string) {}

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    for (const event of events)
      await sql.query('INSERT INTO probe_rows VALUES ($1, $2) ON CONFLICT DO NOTHING', [this.name, event.eventId]);
  }
}

/** Make inserts into probe_rows for `projection` run this PL/pgSQL body first (a sequence counts attempts: it is not rolled back). */
async function inject(projection: string, body: string): Promise<void> {
  await db.reads.query(`CREATE OR REPLACE FUNCTION probe_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.projection = '${projection}' THEN ${body} END IF; RETURN NEW; END $$`);
  await db.reads.query('DROP TRIGGER IF EXISTS probe_fault ON probe_rows');
  await db.reads.query('CREATE TRIGGER probe_fault BEFORE INSERT ON probe_rows FOR EACH ROW EXECUTE FUNCTION probe_fault()');
  await db.reads.query(`ALTER SEQUENCE probe_attempts RESTART`);
}

async function appendReceipt(): Promise<void> {
  run += 1;
  const streamId = `stock-item|P|${run}`;
  await db.transactions.inTransaction(async (sql) => {
    const items = StreamUnitOfWork.of(sql, store, {
      decider: stockItemDecider,
      snapshots: { everyEvents: 100, stateVersion: 1 },
      upcast: upcasterChain<StockItemEvent>({}),
    });
    await items.load([streamId]);
    items.execute(
      streamId,
      { type: 'RecordReceipt', quantity: 1, occurredAt: new Date().toISOString(), sourceEventId: `r-${run}` },
      { eventIdFor: () => `${streamId}#1` },
    );
    await items.commit();
  });
}

async function rowsOf(projection: string): Promise<number> {
  const [row] = await db.reads.query<{ n: number }>('SELECT count(*)::int AS n FROM probe_rows WHERE projection = $1', [projection]);
  return row!.n;
}

async function recordedStall(projection: string) {
  return (await readProjectionStalls(db.reads)).find((stall) => stall.projection === projection) ?? null;
}

function processorFor(name: string, heard: Array<{ error: string; failure: ProcessorFailure }>, options: Partial<ProcessorOptions> = {}) {
  return new CheckpointedProcessor(new ProbeProjection(name), db.transactions, store, {
    batchSize: 100,
    idleDelayMs: 5,
    retryFirstDelayMs: 10,
    retryMaxDelayMs: 40,
    onError: (error, failure) => heard.push({ error: (error as Error).message, failure }),
    ...options,
  });
}

describe('a failing batch: backoff, stall, recovery', () => {
  it('retries a transient fault (57014) and applies the batch, never calling it a stall; the error is said once', async () => {
    await inject('transient', `IF nextval('probe_attempts') <= 3 THEN RAISE EXCEPTION 'injected cancel' USING ERRCODE = '57014'; END IF;`);
    await appendReceipt();
    const heard: Array<{ error: string; failure: ProcessorFailure }> = [];
    const recovered: number[] = [];
    const processor = processorFor('transient', heard, { transientStallAfterMs: 10_000, onRecovered: (r) => recovered.push(r.attempts) });
    const stallsSeen: unknown[] = [];
    const sampler = setInterval(() => stallsSeen.push(processor.stall), 5);
    processor.start();
    try {
      await eventually(async () => expect(await rowsOf('transient')).toBeGreaterThan(0), { timeoutMs: 10_000 });
    } finally {
      clearInterval(sampler);
      await processor.stop();
    }
    expect(heard).toHaveLength(1); // three failures, one message
    expect(heard[0]).toMatchObject({
      error: 'injected cancel',
      failure: { projection: 'transient', attempts: 1, transient: true, stalled: false, unreported: 0 },
    });
    expect(stallsSeen.filter((stall) => stall !== null)).toEqual([]);
    expect(await recordedStall('transient')).toBeNull();
    expect(recovered).toEqual([3]);
  });

  it('calls a transient fault that persists a stall once it has lasted transientStallAfterMs, and records it', async () => {
    await inject('persistent', `PERFORM nextval('probe_attempts'); RAISE EXCEPTION 'injected failover' USING ERRCODE = '57P03';`);
    await appendReceipt();
    const heard: Array<{ error: string; failure: ProcessorFailure }> = [];
    const processor = processorFor('persistent', heard, { transientStallAfterMs: 300 });
    processor.start();
    try {
      await eventually(async () => expect(processor.stall).not.toBeNull(), { timeoutMs: 5_000 });
      expect(Date.now() - processor.stall!.since.getTime()).toBeGreaterThanOrEqual(300);
      await eventually(async () => expect(await recordedStall('persistent')).toMatchObject({ lastError: 'injected failover' }), {
        timeoutMs: 5_000,
      });
      // Said twice in all: when it first failed, and when it became a stall.
      expect(heard.map((h) => [h.error, h.failure.transient, h.failure.stalled])).toEqual([
        ['injected failover', true, false],
        ['injected failover', true, true],
      ]);
      await db.reads.query('DROP TRIGGER probe_fault ON probe_rows');
      await eventually(async () => expect(await rowsOf('persistent')).toBeGreaterThan(0), { timeoutMs: 5_000 });
      await eventually(async () => expect(processor.stall).toBeNull(), { timeoutMs: 5_000 });
      expect(await recordedStall('persistent')).toBeNull();
    } finally {
      await processor.stop();
    }
  });

  it('calls a data exception a stall at its first failure, records where it is stuck, says each distinct error once per interval, and clears it on success', async () => {
    await appendReceipt();
    const heard: Array<{ error: string; failure: ProcessorFailure }> = [];
    const processor = processorFor('data', heard, { errorLogEveryMs: 300 });
    await processor.catchUp(); // a checkpoint to be stuck at
    const stuckAt = processor.checkpoint;
    // Two distinct errors, alternating with the attempt count.
    await inject(
      'data',
      `IF nextval('probe_attempts') % 2 = 1 THEN RAISE EXCEPTION 'injected: integer out of range' USING ERRCODE = '22003'; ELSE RAISE EXCEPTION 'injected: date/time field value out of range' USING ERRCODE = '22008'; END IF;`,
    );
    await appendReceipt();
    processor.start();
    try {
      await eventually(async () => expect(heard.length).toBeGreaterThanOrEqual(2), { timeoutMs: 5_000 });
      expect(heard[0]!.failure).toMatchObject({ attempts: 1, stalled: true, transient: false });
      expect(new Set(heard.slice(0, 2).map((h) => h.error))).toEqual(
        new Set(['injected: integer out of range', 'injected: date/time field value out of range']),
      );
      const recorded = await recordedStall('data');
      expect(recorded).toMatchObject({ projection: 'data', checkpoint: stuckAt });
      expect(recorded!.lastError).toMatch(/^injected: /);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [attempts] = await db.reads.query<{ n: string }>('SELECT last_value AS n FROM probe_attempts');
      // Said again only after the interval, with how often it failed meanwhile.
      expect(heard.length).toBeLessThan(Number(attempts!.n) / 2);
      expect(heard.slice(2).every((h) => h.failure.unreported > 0)).toBe(true);
      expect(heard.length).toBeGreaterThan(2);
      await db.reads.query('DROP TRIGGER probe_fault ON probe_rows');
      const [events] = await db.reads.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
      await eventually(async () => expect(await rowsOf('data')).toBe(events!.n), { timeoutMs: 5_000 });
      await eventually(async () => expect(await recordedStall('data')).toBeNull(), { timeoutMs: 5_000 });
      expect(processor.stall).toBeNull();
    } finally {
      await processor.stop();
    }
  });
});
