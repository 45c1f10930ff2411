import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../test/support/test-database';
import { round } from './report';

/**
 * A service schema filled, before the service starts, with the log a busy network would have left:
 * `events` store sales, returns and receipts of two lines a message, as the service itself writes them
 * (stock-item streams `stock-item|<store>|<sku>`, event ids `<sender>/<eventId>#<line>`, the Kafka
 * source in the metadata), the stream versions, the inbound ids of those messages, the stock and
 * daily-sales views they add up to, published outbox messages, and the projections' checkpoints at
 * the head. All in SQL (INSERT … SELECT over generate_series), which is as fast as COPY here.
 *
 * Every stock item the benchmark's stream touches (each of `stores` × `skus`) already has a stream of
 * a few events, so the service loads real streams and its statements run against real-sized indexes.
 */
export interface PrefillSettings {
  schema: string;
  events: number;
  stores: number;
  skus: number;
  topics: { movements: string; sales: string; logisticsCommands: string };
}

export interface PrefillReport {
  events: number;
  streams: number;
  inboundEventIds: number;
  outboxMessages: number;
  seconds: number;
}

const EVENTS_PER_TRANSACTION = 50_000; // one statement each: the log's transaction ids vary as in life

/**
 * Line g of the prefilled log, as SQL over `g` (message m = g / 2, line k = g % 2). Lines 2m and 2m+1
 * fall in streams s and s+1 of one store; stream s holds lines s, s + S, s + 2S… (S streams), so
 * version v = g / S + 1. The message's kind varies with the version, so each stream mixes receipts
 * (20 %), sales (70 %) and returns (10 %).
 */
function linesSql(stores: number, skus: number, topics: PrefillSettings['topics']): string {
  const streams = stores * skus;
  return `
    SELECT g, m, k, v,
           'S' || lpad(((s / 2) % ${stores})::text, 3, '0') AS store,
           'SKU-' || (2 * (s / ${2 * stores}) + s % 2) AS sku,
           CASE WHEN kind < 2 THEN 'StockReceived' WHEN kind < 9 THEN 'StockSold' ELSE 'StockReturned' END AS type,
           CASE WHEN kind < 2 THEN 'location:' ELSE 'store:' END AS sender_kind,
           CASE WHEN kind < 2 THEN '${topics.movements}' ELSE '${topics.sales}' END AS topic,
           CASE WHEN kind < 2 THEN 12 + (m % 3) * 6 ELSE 1 + (m + k) % 3 END AS quantity,
           CASE WHEN kind < 2 OR kind = 9 THEN 1 ELSE -1 END AS sign,
           to_char(timestamp '2026-11-09 00:00:00' + m * interval '30 milliseconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at
    FROM (SELECT g, g / 2 AS m, g % 2 AS k, g % ${streams} AS s, g / ${streams} AS v, (g / 2 + 3 * (g / ${streams})) % 10 AS kind
          FROM generate_series($1::bigint, $2::bigint) AS g) AS line`;
}

/** The events, their ids into event_ids as INSERT_EVENTS of the event store writes them (a repeat is refused there). */
const INSERT_EVENTS = (lines: string) => `
  WITH stored AS (
  INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
  SELECT 'stock-item|' || store || '|' || sku, v + 1, sender_kind || store || '/prefill-' || m || '#' || k, type,
         jsonb_build_object('quantity', quantity, 'occurredAt', occurred_at, 'onHandChange', sign * quantity, 'sourceEventId', 'prefill-' || m)
           || CASE WHEN type = 'StockReceived' THEN '{}'::jsonb ELSE jsonb_build_object('receiptId', 'R-prefill-' || m) END,
         jsonb_build_object('source', jsonb_build_object('topic', topic, 'offset', (m / 4)::text, 'partition', m % 4),
                            'causationId', 'prefill-' || m, 'correlationId', 'prefill-' || m)
  FROM (${lines}) AS l
  ORDER BY g
  RETURNING event_id)
  INSERT INTO event_ids (event_id) SELECT event_id FROM stored`;

/** One inbound id per message (its first line carries the message's sender, type and source). */
const INSERT_INBOUND_EVENT_IDS = (lines: string) => `
  INSERT INTO inbound_events (sender, event_id, event_type, topic, partition, "offset")
  SELECT sender_kind || store, 'prefill-' || m,
         CASE type WHEN 'StockReceived' THEN 'StockReceived' WHEN 'StockSold' THEN 'StoreSaleRecorded' ELSE 'StoreReturnRecorded' END,
         topic, m % 4, m / 4
  FROM (${lines}) AS l
  WHERE k = 0`;

/** Each stream's version and the stock view's row of it, from one pass over the log. */
const INSERT_STREAMS_AND_STOCK_LEVELS = `
  WITH item AS (
    SELECT stream_id, max(stream_version) AS version, sum((data->>'onHandChange')::bigint) AS on_hand,
           max((data->>'occurredAt')::timestamptz) AS last_changed_at, max(global_position) AS last_position
    FROM events WHERE stream_id LIKE 'stock-item|%' GROUP BY stream_id
  ), versions AS (
    INSERT INTO streams (stream_id, version) SELECT stream_id, version FROM item
  )
  INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
  SELECT split_part(stream_id, '|', 2), split_part(stream_id, '|', 3), on_hand, 0, 0, last_changed_at, last_position FROM item`;

const INSERT_DAILY_SALES = `
  INSERT INTO daily_sales (sku, location_id, day, units)
  SELECT split_part(stream_id, '|', 3), split_part(stream_id, '|', 2), left(data->>'occurredAt', 10)::date, sum((data->>'quantity')::int)
  FROM events WHERE event_type = 'StockSold' GROUP BY 1, 2, 3`;

/** Logistics commands the relay has published: one for every hundred lines. */
const INSERT_PUBLISHED_OUTBOX = (topic: string) => `
  INSERT INTO outbox (topic, message_key, message_value, headers, published_at)
  SELECT '${topic}', convert_to('W01', 'UTF8'), convert_to('{"commandId":"prefill-' || g || '"}', 'UTF8'), '{}'::jsonb, now()
  FROM generate_series(1, $1::int) AS g`;

/**
 * Every projection of the schema (and the three the service runs: the stock view, daily sales, the
 * stock change feed) caught up with the log's head, as a deployment that has run for a while has them.
 */
const CHECKPOINTS_AT_HEAD = `
  WITH head AS (SELECT transaction_id, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1),
  known AS (SELECT processor_id FROM checkpoints UNION SELECT unnest(ARRAY['stock-levels', 'daily-sales', 'stock-changes']))
  INSERT INTO checkpoints (processor_id, transaction_id, global_position)
  SELECT processor_id, head.transaction_id, head.global_position FROM known, head
  ON CONFLICT (processor_id) DO UPDATE SET transaction_id = excluded.transaction_id, global_position = excluded.global_position`;

const FILLED_TABLES = ['events', 'event_ids', 'streams', 'inbound_events', 'stock_levels', 'daily_sales', 'outbox', 'checkpoints'];

/** The indexes of these tables, each as the statement that makes it again (a constraint's as its constraint). */
const INDEXES_OF = `
  SELECT i.indexrelid::regclass::text AS name, t.relname AS table_name, c.conname AS constraint_name,
         CASE WHEN c.conname IS NULL THEN pg_get_indexdef(i.indexrelid)
              ELSE format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.relname, c.conname, pg_get_constraintdef(c.oid)) END AS definition
  FROM pg_index i
  JOIN pg_class t ON t.oid = i.indrelid
  LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
  WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1::text[])`;

/**
 * Run the fill with the tables' indexes dropped and build them again after, in the same names: a
 * sorted build of a few million keys takes seconds, keeping random-order keys in a B-tree row by
 * row takes minutes.
 */
async function withoutIndexes(client: Client, tables: string[], fill: () => Promise<void>): Promise<void> {
  const { rows } = await client.query<{ name: string; table_name: string; constraint_name: string | null; definition: string }>(
    INDEXES_OF,
    [tables],
  );
  for (const index of rows) {
    if (index.constraint_name) await client.query(`ALTER TABLE "${index.table_name}" DROP CONSTRAINT "${index.constraint_name}"`);
    else await client.query(`DROP INDEX ${index.name}`);
  }
  await fill();
  await client.query(`SET maintenance_work_mem = '512MB'`);
  // A partitioned table's index is shown ON ONLY the parent; made again, it must cover the partitions too.
  for (const index of rows) await client.query(index.definition.replace(' ON ONLY ', ' ON '));
}

export async function prefillLog(settings: PrefillSettings, onProgress: (eventsDone: number) => void = () => {}): Promise<PrefillReport> {
  if (settings.skus % 2 !== 0) throw new Error(`the prefill pairs SKUs: ${settings.skus} SKUs is odd`);
  const client = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${settings.schema}` });
  await client.connect();
  const started = performance.now();
  try {
    const lines = linesSql(settings.stores, settings.skus, settings.topics);
    await withoutIndexes(client, ['events', 'event_ids', 'inbound_events'], async () => {
      for (let from = 0; from < settings.events; from += EVENTS_PER_TRANSACTION) {
        const to = Math.min(settings.events, from + EVENTS_PER_TRANSACTION) - 1;
        await client.query(INSERT_EVENTS(lines), [from, to]);
        await client.query(INSERT_INBOUND_EVENT_IDS(lines), [from, to]);
        onProgress(to + 1);
      }
    });
    const streams = (await client.query(INSERT_STREAMS_AND_STOCK_LEVELS)).rowCount ?? 0;
    await client.query(INSERT_DAILY_SALES);
    const outboxMessages = Math.floor(settings.events / 100);
    await client.query(INSERT_PUBLISHED_OUTBOX(settings.topics.logisticsCommands), [outboxMessages]);
    await client.query(CHECKPOINTS_AT_HEAD);
    // Autovacuum is off on the test server; in production it would have vacuumed and analysed these by now.
    await client.query(`VACUUM (ANALYZE) ${FILLED_TABLES.join(', ')}`);
    return {
      events: settings.events,
      streams,
      inboundEventIds: Math.ceil(settings.events / 2),
      outboxMessages,
      seconds: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    await client.end();
  }
}
