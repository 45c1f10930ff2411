import { DEAD_LETTER_HEADERS } from '@app/contracts';
import { CheckpointedProcessor, PostgresEventStore } from '@app/event-store';
import { ONLINE_ORDER_STATE_VERSION, onlineOrderStreamId, stockItemStreamId } from '@app/stock-domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { headersAsText, headersForKafka, type StoredHeaders } from '../apps/inventory-service/src/platform/kafka/headers';
import { RecordInboundBatch, type InboundMessage } from '../apps/inventory-service/src/ingestion/record-inbound-batch.command';
import { RecordInboundBatchHandler } from '../apps/inventory-service/src/ingestion/record-inbound-batch.handler';
import { StockLevelsProjection } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { registerLocationsInDatabase } from './support/locations';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;
let handler: RecordInboundBatchHandler;
let views: CheckpointedProcessor;
const store = new PostgresEventStore();
const config = loadServiceConfig({ SNAPSHOT_EVERY_EVENTS: '3' });
let offset = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  handler = new RecordInboundBatchHandler(db.transactions, store, config);
  views = new CheckpointedProcessor(new StockLevelsProjection(), db.transactions, store, { batchSize: 500, idleDelayMs: 10 });
  await registerLocationsInDatabase(db.transactions, ['S1', 'S2', 'S3', 'S4', 'S7', 'S8', 'S9']);
});
afterAll(async () => {
  await db?.drop();
});

function message(role: InboundMessage['role'], value: unknown, partition = 0): InboundMessage {
  offset += 1;
  return {
    role,
    topic: config.kafka.topics[role],
    partition,
    offset: String(offset),
    key: Buffer.from('k'),
    value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
    headers: { 'x-trace': 't-1' },
  };
}

const apply = (messages: InboundMessage[], partition = 0) =>
  handler.execute(new RecordInboundBatch('g', messages[0]!.topic, partition, messages));

/**
 * The view once it has applied every event of this schema. A projection reads only below the
 * oldest transaction still running anywhere in the cluster (other test files' included), so one
 * catch-up may stop short: go on until the checkpoint reaches the newest event.
 */
async function onHand(locationId: string, sku: string): Promise<number | undefined> {
  const [newest] = await db.reads.query<{ position: string }>('SELECT coalesce(max(global_position), 0) AS position FROM events');
  for (let attempt = 0; attempt < 500; attempt += 1) {
    await views.catchUp();
    if (views.checkpoint.globalPosition >= Number(newest!.position)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [row] = await db.reads.query<{ on_hand: number }>(
    'SELECT on_hand::float8 AS on_hand FROM stock_levels WHERE location_id = $1 AND sku = $2',
    [locationId, sku],
  );
  return row?.on_hand;
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 11, 0, minute)).toISOString();
const received = (eventId: string, locationId: string, sku: string, quantity: number, minute = 0) => ({
  eventId,
  type: 'StockReceived',
  occurredAt: at(minute),
  locationId,
  lines: [{ sku, quantity }],
});
const sold = (eventId: string, storeId: string, sku: string, quantity: number, minute = 1) => ({
  eventId,
  type: 'StoreSaleRecorded',
  occurredAt: at(minute),
  storeId,
  receiptId: `R-${eventId}`,
  lines: [{ sku, quantity }],
});

describe('RecordInboundBatch on PostgreSQL', () => {
  it('applies a receipt and a sale, and a duplicate event id (even from another partition) has no second effect', async () => {
    await apply([message('stockMovements', received('i-1', 'S1', 'A', 100))]);
    const first = await apply([message('offlineSales', sold('i-2', 'S1', 'A', 2))]);
    const again = await apply([message('offlineSales', sold('i-2', 'S1', 'A', 2), 3)], 3);
    expect(first).toMatchObject({ applied: 1, duplicates: 0, stockEventsAppended: 1 });
    expect(again).toMatchObject({ applied: 0, duplicates: 1, stockEventsAppended: 0 });
    expect(await onHand('S1', 'A')).toBe(98);
  });

  it('keeps event ids apart per sender: two stores sending the same eventId both sell, one store sending it twice sells once', async () => {
    await apply([
      message('stockMovements', received('shared-rcv', 'S7', 'Q', 10)),
      message('stockMovements', received('shared-rcv', 'S8', 'Q', 10)),
    ]);
    const sales = await apply([
      message('offlineSales', sold('shared-1', 'S7', 'Q', 3)),
      message('offlineSales', sold('shared-1', 'S8', 'Q', 4)),
    ]);
    const resent = await apply(
      [message('offlineSales', sold('shared-1', 'S7', 'Q', 3), 2), message('offlineSales', sold('shared-1', 'S8', 'Q', 4), 2)],
      2,
    );
    const inOneBatch = await apply([
      message('offlineSales', sold('shared-2', 'S7', 'Q', 1)),
      message('offlineSales', sold('shared-2', 'S7', 'Q', 1)),
    ]);
    expect(sales).toMatchObject({ applied: 2, duplicates: 0, stockEventsAppended: 2 });
    expect(resent).toMatchObject({ applied: 0, duplicates: 2 });
    expect(inOneBatch).toMatchObject({ applied: 1, duplicates: 1 });
    expect(await onHand('S7', 'Q')).toBe(6);
    expect(await onHand('S8', 'Q')).toBe(6);
  });

  it("still takes an event id claimed before senders were kept (sender '') as a duplicate, from any sender", async () => {
    await db.reads.query(
      `INSERT INTO inbound_events (sender, event_id, event_type, topic, partition, "offset") VALUES ('', 'before-upgrade', 'StoreSaleRecorded', 't', 0, 0)`,
    );
    const redelivered = await apply([message('offlineSales', sold('before-upgrade', 'S9', 'Q', 1))]);
    expect(redelivered).toMatchObject({ applied: 0, duplicates: 1 });
  });

  it('skips messages below the stored offset of the partition (a redelivered batch)', async () => {
    const batch = [message('stockMovements', received('o-1', 'S2', 'B', 5)), message('stockMovements', received('o-2', 'S2', 'B', 7))];
    await apply(batch, 0);
    const redelivered = await apply(batch, 0);
    expect(redelivered).toMatchObject({ alreadyApplied: 2, applied: 0 });
    expect(await onHand('S2', 'B')).toBe(12);
  });

  it('dead-letters bad JSON and schema violations unchanged, with the source and a reason, and goes on', async () => {
    const broken = message('offlineSales', '{"eventId": "x"');
    const invalid = message('offlineSales', { ...sold('d-1', 'S3', 'C', 1), lines: [{ sku: 'C', quantity: -4 }] });
    const good = message('offlineSales', sold('d-2', 'S3', 'C', 1));
    const outcome = await apply([broken, invalid, good]);
    expect(outcome).toMatchObject({ applied: 1, deadLettered: 2 });
    const rows = (
      await db.reads.query<{ topic: string; message_value: Buffer; headers: StoredHeaders }>(
        'SELECT topic, message_value, headers FROM outbox ORDER BY id',
      )
    ).map((row) => ({ ...row, headers: headersAsText(headersForKafka(row.headers)) }));
    const [jsonLetter, schemaLetter] = rows.slice(-2);
    expect(jsonLetter!.topic).toBe(config.kafka.topics.deadLetters);
    expect(jsonLetter!.message_value.toString()).toBe('{"eventId": "x"');
    expect(jsonLetter!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.sourceTopic]: config.kafka.topics.offlineSales,
      [DEAD_LETTER_HEADERS.sourceOffset]: broken.offset,
      'x-trace': 't-1',
    });
    expect(jsonLetter!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^invalid JSON/);
    expect(schemaLetter!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/lines\.0\.quantity/);
    expect(await onHand('S3', 'C')).toBe(-1); // the good sale still applied: negative stock is a fact
  });

  it('dead-letters an event that fails to apply, with the reason, and applies the rest of its batch', async () => {
    // A damaged order stream (its snapshot says it has no fulfillments list) makes cancelling it throw.
    await db.reads.query(`INSERT INTO snapshots (stream_id, stream_version, state_version, state) VALUES ($1, 1, $2, $3::jsonb)`, [
      onlineOrderStreamId('O-DAMAGED'),
      ONLINE_ORDER_STATE_VERSION,
      JSON.stringify({ orderId: 'O-DAMAGED', cancelled: false, fulfillments: null }),
    ]);
    const cancel = (eventId: string, orderId: string) =>
      message('onlineOrders', { eventId, type: 'OnlineOrderCancelled', occurredAt: at(3), orderId });
    const place = message('onlineOrders', {
      eventId: 'p-ok',
      type: 'OnlineOrderPlaced',
      occurredAt: at(2),
      orderId: 'O-OK',
      lines: [{ sku: 'NONE', quantity: 1 }],
      delivery: { mode: 'ship', lat: 30.2, lng: 120.1 },
    });
    const outcome = await apply([place, cancel('c-damaged', 'O-DAMAGED'), cancel('c-ok', 'O-OK')]);
    expect(outcome).toMatchObject({ applied: 2, deadLettered: 1, appliedByType: { OnlineOrderPlaced: 1, OnlineOrderCancelled: 1 } });
    const [letter] = await db.reads.query<{ message_value: Buffer; headers: StoredHeaders }>(
      `SELECT message_value, headers FROM outbox WHERE convert_from(message_value, 'UTF8') LIKE '%c-damaged%'`,
    );
    expect(headersAsText(headersForKafka(letter!.headers))[DEAD_LETTER_HEADERS.reason]).toMatch(/^could not apply: /);
    const cancelled = await store.readStream(db.reads, onlineOrderStreamId('O-OK'));
    expect(cancelled.map((event) => event.type)).toEqual(['OnlineOrderAccepted', 'OrderLinesBackordered', 'OnlineOrderCancelled']);
    // Its id was given back: once the stream is repaired, a replay of the letter applies it.
    const [claimed] = await db.reads.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_events WHERE event_id = 'c-damaged'`);
    expect(claimed!.n).toBe(0);
  });

  it('dead-letters a sale or movement at an unregistered location, naming it, and applies it once replayed after the location is registered', async () => {
    const sale = sold('u-1', 'S0O1', 'U', 2);
    const count = { eventId: 'u-2', type: 'StockCounted', occurredAt: at(5), locationId: 'W 9', lines: [{ sku: 'U', countedQuantity: 6 }] };
    const outcome = await apply([message('offlineSales', sale), message('offlineSales', sold('u-ok', 'S1', 'U', 1))]);
    const movements = await apply([message('stockMovements', count)]);
    expect(outcome).toMatchObject({
      applied: 1,
      deadLettered: 1,
      deadLetterReasons: ['unknown location: "S0O1" is not registered; register it with PUT /v1/locations/S0O1 and replay'],
    });
    expect(movements.deadLetterReasons).toEqual([
      'unknown location: "W 9" is not registered; register it with PUT /v1/locations/W%209 and replay',
    ]);
    // No stock opened there, and the ids were given back for a replay.
    expect(await store.readStream(db.reads, stockItemStreamId({ locationId: 'S0O1', sku: 'U' }))).toEqual([]);
    const [claimed] = await db.reads.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_events WHERE event_id IN ('u-1', 'u-2')`);
    expect(claimed!.n).toBe(0);

    await registerLocationsInDatabase(db.transactions, ['S0O1', 'W 9']);
    expect(await apply([message('offlineSales', sale)])).toMatchObject({ applied: 1, deadLettered: 0 });
    expect(await apply([message('stockMovements', count)])).toMatchObject({ applied: 1, deadLettered: 0 });
    expect(await apply([message('offlineSales', sale)])).toMatchObject({ applied: 0, duplicates: 1 });
    expect(await onHand('S0O1', 'U')).toBe(-2);
    expect(await onHand('W 9', 'U')).toBe(6);
  });

  it('applies a count as of when it was taken, even when it arrives after later sales', async () => {
    await apply([message('stockMovements', received('c-1', 'S4', 'D', 50, 0))]);
    await apply([message('offlineSales', sold('c-2', 'S4', 'D', 3, 20))]);
    await apply([
      message('stockMovements', {
        eventId: 'c-3',
        type: 'StockCounted',
        occurredAt: at(10),
        locationId: 'S4',
        lines: [{ sku: 'D', countedQuantity: 40 }],
      }),
    ]);
    expect(await onHand('S4', 'D')).toBe(37);
  });

  it('keeps the stock view equal to physical on hand, for any arrival order of receipts, sales, returns, adjustments and counts', async () => {
    const lineArbitrary = fc.record({
      location: fc.constantFrom('P1', 'P2'),
      sku: fc.constantFrom('X', 'Y', 'Z'),
      quantity: fc.integer({ min: 1, max: 30 }),
    });
    const kindArbitrary = fc.constantFrom('receipt', 'sale', 'return', 'adjust', 'count');
    // Each event happens at its own minute; they arrive in the generated (shuffled) order, in batches.
    const historyArbitrary = fc
      .array(fc.tuple(kindArbitrary, lineArbitrary), { minLength: 1, maxLength: 25 })
      .chain((events) =>
        fc.tuple(
          fc.constant(events),
          fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: events.length, maxLength: events.length }),
        ),
      );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(historyArbitrary, fc.integer({ min: 1, max: 6 }), async ([events, minutes], batchSize) => {
        run += 1;
        const prefix = `prop-${run}`;
        await registerLocationsInDatabase(db.transactions, [`${prefix}-P1`, `${prefix}-P2`]);
        const physical = new Map<string, Array<[number, string, number]>>();
        const messages = events.map(([kind, line], i) => {
          const minute = minutes[i]!;
          const eventId = `${prefix}-${i}`;
          const base = { eventId, occurredAt: at(minute) };
          const location = `${prefix}-${line.location}`;
          const key = `${location}|${line.sku}`;
          physical.set(key, [...(physical.get(key) ?? []), [minute, kind, line.quantity]]);
          if (kind === 'receipt') return message('stockMovements', received(eventId, location, line.sku, line.quantity, minute));
          if (kind === 'sale') return message('offlineSales', sold(eventId, location, line.sku, line.quantity, minute));
          if (kind === 'return')
            return message('offlineSales', {
              ...base,
              type: 'StoreReturnRecorded',
              storeId: location,
              receiptId: 'R',
              lines: [{ sku: line.sku, quantity: line.quantity }],
            });
          if (kind === 'adjust')
            return message('stockMovements', {
              ...base,
              type: 'StockAdjusted',
              locationId: location,
              reason: 'damaged',
              lines: [{ sku: line.sku, delta: -line.quantity }],
            });
          return message('stockMovements', {
            ...base,
            type: 'StockCounted',
            locationId: location,
            lines: [{ sku: line.sku, countedQuantity: line.quantity }],
          });
        });
        for (let i = 0; i < messages.length; i += batchSize) {
          const chunk = messages.slice(i, i + batchSize);
          for (const role of ['stockMovements', 'offlineSales'] as const) {
            const ofRole = chunk.filter((m) => m.role === role);
            if (ofRole.length > 0) await apply(ofRole);
          }
        }
        // Physical truth: in time order, the latest count plus everything that moved after it.
        for (const [key, history] of physical) {
          const truth = history
            .sort((a, b) => a[0] - b[0])
            .reduce(
              (level, [, kind, quantity]) =>
                kind === 'count' ? quantity : kind === 'receipt' || kind === 'return' ? level + quantity : level - quantity,
              0,
            );
          const [location, sku] = key.split('|');
          expect(await onHand(location!, sku!)).toBe(truth);
        }
      }),
      { numRuns: 25 },
    );
  });

  describe('PostgreSQL offsets are the truth', () => {
    const topic = config.kafka.topics.stockMovements;
    beforeAll(async () => {
      await registerLocationsInDatabase(db.transactions, ['G1', 'G2', 'G3']);
    });
    const at = (partition: number, offsetAt: number, value: unknown): InboundMessage => ({
      ...message('stockMovements', value, partition),
      offset: String(offsetAt),
    });
    const storedNext = async (partition: number) =>
      (
        await db.reads.query<{ next_offset: string }>(
          'SELECT next_offset FROM kafka_offsets WHERE consumer_group = $1 AND topic = $2 AND partition = $3',
          ['g', topic, partition],
        )
      )[0]?.next_offset;
    const run = (partition: number, messages: InboundMessage[], position: { readFrom: string; logStart: string; logEnd: string }) =>
      handler.execute(new RecordInboundBatch('g', topic, partition, messages, position));

    it('applies nothing of a batch Kafka read from above the stored next offset (after a database restore), and says where to seek back', async () => {
      await run(11, [at(11, 0, received('gap-1', 'G1', 'A', 10)), at(11, 1, received('gap-2', 'G1', 'A', 10))], {
        readFrom: '0',
        logStart: '0',
        logEnd: '2',
      });
      expect(await storedNext(11)).toBe('2');
      // Kafka's committed offset says 9: offsets 2 to 8 were never applied here.
      const outcome = await run(11, [at(11, 9, received('gap-3', 'G1', 'A', 5))], { readFrom: '9', logStart: '0', logEnd: '10' });
      expect(outcome).toMatchObject({ applied: 0, gapAfter: '2' });
      expect(await storedNext(11)).toBe('2');
      expect(await onHand('G1', 'A')).toBe(20);
      // Read again from the stored offset, everything applies.
      const again = await run(11, [at(11, 2, received('gap-4', 'G1', 'A', 1)), at(11, 9, received('gap-3', 'G1', 'A', 5))], {
        readFrom: '2',
        logStart: '0',
        logEnd: '10',
      });
      expect(again).toMatchObject({ applied: 2 });
      expect(again.gapAfter).toBeUndefined();
      expect(await storedNext(11)).toBe('10');
      expect(await onHand('G1', 'A')).toBe(26);
    });

    it('applies from the log start what Kafka still has when retention deleted what lay after the stored offset, counting what was lost', async () => {
      await run(12, [at(12, 0, received('ret-1', 'G2', 'A', 10))], { readFrom: '0', logStart: '0', logEnd: '1' });
      const outcome = await run(12, [at(12, 40, received('ret-2', 'G2', 'A', 5))], { readFrom: '40', logStart: '40', logEnd: '41' });
      expect(outcome).toMatchObject({ applied: 1, lostToRetention: 39n });
      expect(await storedNext(12)).toBe('41');
    });

    it('takes nothing as applied when the stored next offset is past the end of the log (the topic recreated)', async () => {
      await run(
        13,
        [
          at(13, 0, received('rec-1', 'G3', 'A', 10)),
          at(13, 1, received('rec-2', 'G3', 'A', 10)),
          at(13, 2, received('rec-3', 'G3', 'A', 10)),
        ],
        {
          readFrom: '0',
          logStart: '0',
          logEnd: '3',
        },
      );
      // The new topic's first message has offset 0, and its log ends at 1.
      const outcome = await run(13, [at(13, 0, received('rec-new-1', 'G3', 'A', 7))], { readFrom: '0', logStart: '0', logEnd: '1' });
      expect(outcome).toMatchObject({ applied: 0, aheadOfLog: { storedNextOffset: '3', logEndOffset: '1' } });
      expect(await storedNext(13)).toBe('3');
      expect(await onHand('G3', 'A')).toBe(30);
    });
  });
});
