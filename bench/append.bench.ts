import { ProgressBar } from '@app/console';
import { PostgresEventStore, type StreamAppend } from '@app/event-store';
import { createTestDatabase } from '../test/support/test-database';
import { percentile, printTable, round, type BenchReport } from './report';

interface AppendSettings {
  events: number;
  streams: number;
  batchSize: number;
  oneByOneEvents: number;
}

/** A stock-item-like event: what the ingestion path writes. */
function eventAt(i: number, streams: number, run: string) {
  const stream = i % streams;
  return {
    streamId: `stock-item|S${stream % 50}|SKU-${stream}`,
    eventId: `${run}-${i}`,
    type: 'StockSold',
    data: { quantity: 1 + (i % 3), receiptId: `R-${i}`, occurredAt: '2026-11-11T00:00:00.000Z', sourceEventId: `e-${i}`, onHandChange: -1 },
    metadata: { correlationId: `e-${i}`, source: { topic: 'retail.sales.offline', partition: i % 4, offset: String(i) } },
  };
}

const RAW_TABLE = `CREATE TABLE raw_events (
  id bigserial PRIMARY KEY, stream_id text NOT NULL, stream_version integer NOT NULL, event_id text NOT NULL,
  event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL)`;
const RAW_INSERT = `INSERT INTO raw_events (stream_id, stream_version, event_id, event_type, data, metadata)
SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])`;

/**
 * Appends N events over M streams through the event store (versions checked, ids deduplicated), in
 * batches and one by one, against a raw multi-row INSERT of the same rows into a plain table.
 */
export async function runAppendBench(settings: AppendSettings): Promise<BenchReport> {
  const db = await createTestDatabase();
  const store = new PostgresEventStore();
  try {
    await db.reads.query(RAW_TABLE);
    const versions = new Map<string, number>();

    // Baseline: the same rows, the same batch size, one plain multi-row INSERT per batch.
    const baseline = await timeBatches('raw INSERT', settings.events, settings.batchSize, async (from, to) => {
      const rows = range(from, to).map((i) => eventAt(i, settings.streams, 'raw'));
      const local = new Map<string, number>();
      await db.transactions.inTransaction((sql) =>
        sql.query(RAW_INSERT, [
          rows.map((r) => r.streamId),
          rows.map((r) => {
            const next = (local.get(r.streamId) ?? versions.get(`raw|${r.streamId}`) ?? 0) + 1;
            local.set(r.streamId, next);
            return next;
          }),
          rows.map((r) => r.eventId),
          rows.map((r) => r.type),
          rows.map((r) => JSON.stringify(r.data)),
          rows.map((r) => JSON.stringify(r.metadata)),
        ]),
      );
      for (const [id, v] of local) versions.set(`raw|${id}`, v);
    });

    // The event store, batched: one transaction per batch, streams at their expected versions.
    const batched = await timeBatches('appendToStreams (batched)', settings.events, settings.batchSize, async (from, to) => {
      const byStream = new Map<string, StreamAppend & { events: ReturnType<typeof eventAt>[] }>();
      for (const i of range(from, to)) {
        const event = eventAt(i, settings.streams, 'batched');
        let append = byStream.get(event.streamId);
        if (!append)
          byStream.set(
            event.streamId,
            (append = { streamId: event.streamId, expectedVersion: versions.get(event.streamId) ?? 0, events: [] }),
          );
        append.events.push(event);
      }
      await db.transactions.inTransaction((sql) => store.appendToStreams(sql, [...byStream.values()]));
      for (const append of byStream.values()) versions.set(append.streamId, append.expectedVersion + append.events.length);
    });

    // One by one: one event, one transaction.
    const oneByOne = await timeBatches('appendToStreams (one by one)', settings.oneByOneEvents, 1, async (from) => {
      const event = eventAt(from, settings.streams, 'single');
      const streamId = `single|${event.streamId}`;
      const expectedVersion = versions.get(streamId) ?? 0;
      await db.transactions.inTransaction((sql) => store.appendToStreams(sql, [{ streamId, expectedVersion, events: [event] }]));
      versions.set(streamId, expectedVersion + 1);
    });

    printTable(
      [baseline, batched, oneByOne].map((r) => ({
        measurement: r.name,
        events: r.events,
        'events/s': Math.round(r.rate),
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'vs raw': round(r.rate / baseline.rate, 2),
      })),
    );
    return {
      suite: 'append',
      unit: 'events/s',
      value: Math.round(batched.rate),
      baselineName: `raw multi-row INSERT into a plain table, ${settings.batchSize} rows per statement`,
      baselineValue: Math.round(baseline.rate),
      ratio: round(batched.rate / baseline.rate, 3),
      p50Ms: batched.p50Ms,
      p99Ms: batched.p99Ms,
      details: {
        settings,
        target: 'batched appends >= 0.5 of the raw baseline',
        oneByOne: {
          eventsPerSecond: Math.round(oneByOne.rate),
          p50Ms: oneByOne.p50Ms,
          p99Ms: oneByOne.p99Ms,
          ratioToBaseline: round(oneByOne.rate / baseline.rate, 4),
        },
        latencyIs: 'per batch (one transaction) for batched runs, per append for one by one',
      },
    };
  } finally {
    await db.drop();
  }
}

interface Timed {
  name: string;
  events: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

async function timeBatches(
  name: string,
  events: number,
  batchSize: number,
  run: (from: number, to: number) => Promise<void>,
): Promise<Timed> {
  const progress = new ProgressBar(name.padEnd(30), events);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (let from = 0; from < events; from += batchSize) {
    const to = Math.min(events, from + batchSize);
    const t0 = process.hrtime.bigint();
    await run(from, to);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    progress.update(to);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, events, rate: events / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
