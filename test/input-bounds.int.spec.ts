import { MAX_LINE_QUANTITY, senderOf, validateInboundEvent } from '@app/contracts';
import { CheckpointedProcessor, PostgresEventStore } from '@app/event-store';
import { decideStockItem, evolveStockItem, initialStockItemState, stockItemStreamId, type StockItemState } from '@app/stock-domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import {
  RecordInboundBatch,
  type InboundBatchOutcome,
  type InboundMessage,
} from '../apps/inventory-service/src/ingestion/record-inbound-batch.command';
import { RecordInboundBatchHandler } from '../apps/inventory-service/src/ingestion/record-inbound-batch.handler';
import { shopFloorInstructionsFor, type ShopFloorEvent } from '../apps/inventory-service/src/stock';
import { DailySalesProjection } from '../apps/inventory-service/src/stock-views/daily-sales.projection';
import { STOCK_LEVELS_PROJECTION, StockLevelsProjection } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../apps/inventory-service/src/stock-views/stock-views.sql';
import { registerLocationsInDatabase } from './support/locations';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Whatever the contract's validation admits, the views take: real ingestion (RecordInboundBatch on
 * PostgreSQL) and both stock projections, fed events at and just past every bound.
 */
let db: TestDatabase;
let handler: RecordInboundBatchHandler;
let levels: CheckpointedProcessor;
let sales: CheckpointedProcessor;
const store = new PostgresEventStore();
const config = loadServiceConfig({});
let offset = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  handler = new RecordInboundBatchHandler(db.transactions, store, config);
  levels = new CheckpointedProcessor(new StockLevelsProjection(), db.transactions, store, { batchSize: 500, idleDelayMs: 10 });
  sales = new CheckpointedProcessor(new DailySalesProjection(), db.transactions, store, { batchSize: 500, idleDelayMs: 10 });
});
afterAll(async () => {
  await db?.drop();
});

function message(role: InboundMessage['role'], value: unknown): InboundMessage {
  offset += 1;
  return {
    role,
    topic: config.kafka.topics[role],
    partition: 0,
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
  };
}
const roleOf = (event: { type: string }): InboundMessage['role'] =>
  event.type === 'StoreSaleRecorded' || event.type === 'StoreReturnRecorded' ? 'offlineSales' : 'stockMovements';
/** Locations registered so far: only registered ones hold stock, so every location an event names is registered first. */
const registered = new Set<string>();

async function registerWhereEventsHappen(events: readonly object[]): Promise<void> {
  for (const event of events as Array<{ storeId?: unknown; locationId?: unknown }>) {
    const locationId = event.storeId ?? event.locationId;
    if (typeof locationId !== 'string' || registered.has(locationId)) continue;
    registered.add(locationId);
    // An id the registry refuses (empty, too long, a NUL) is one the event's own validation refuses too.
    await registerLocationsInDatabase(db.transactions, [locationId]).catch(() => undefined);
  }
}

const apply = async (events: readonly object[]): Promise<InboundBatchOutcome> => {
  await registerWhereEventsHappen(events);
  const messages = events.map((event) => message(roleOf(event as { type: string }), event));
  return handler.execute(new RecordInboundBatch('g', config.kafka.topics.stockMovements, 0, messages));
};

/** Both views once they have applied every event in the log; throws if either cannot get there. */
async function catchUpViews(): Promise<void> {
  const [newest] = await db.reads.query<{ position: string }>('SELECT coalesce(max(global_position), 0) AS position FROM events');
  for (const view of [levels, sales]) {
    for (let attempt = 0; view.checkpoint.globalPosition < Number(newest!.position); attempt += 1) {
      if (attempt > 500) throw new Error(`view stuck at ${view.checkpoint.globalPosition} of ${newest!.position}`);
      await view.catchUp();
      if (view.checkpoint.globalPosition < Number(newest!.position)) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function onHand(locationId: string, sku: string): Promise<unknown> {
  await catchUpViews();
  const rows = await db.reads.query<Record<string, unknown>>(SELECT_STOCK_OF_SKUS, [[sku], STOCK_LEVELS_PROJECTION]);
  return rows.find((row) => row.location_id === locationId)?.on_hand;
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const lines = (sku: string, count: number, quantity: number) => Array.from({ length: count }, () => ({ sku, quantity }));

describe('stock views hold every total validation admits', () => {
  it('keeps on-hand and daily sales past 32 bits: three receipts of 1000 lines x 1,000,000 of one SKU, and sales as large', async () => {
    const receipts = [1, 2, 3].map((n) => ({
      eventId: `big-r-${n}`,
      type: 'StockReceived',
      occurredAt: minutesFromNow(-30),
      locationId: 'W-BIG',
      lines: lines('SKU-BIG', 1000, MAX_LINE_QUANTITY),
    }));
    const outcome = await apply(receipts);
    expect(outcome).toMatchObject({ applied: 3, deadLettered: 0 });
    const saleOutcome = await apply(
      [1, 2, 3].map((n) => ({
        eventId: `big-s-${n}`,
        type: 'StoreSaleRecorded',
        occurredAt: minutesFromNow(-20),
        storeId: 'W-BIG',
        receiptId: `R-${n}`,
        lines: lines('SKU-BIG', 1000, MAX_LINE_QUANTITY),
      })),
    );
    expect(saleOutcome).toMatchObject({ applied: 3, deadLettered: 0 });
    await apply([
      {
        eventId: 'big-r-4',
        type: 'StockReceived',
        occurredAt: minutesFromNow(-10),
        locationId: 'W-BIG',
        lines: lines('SKU-BIG', 1000, MAX_LINE_QUANTITY),
      },
    ]);
    expect(await onHand('W-BIG', 'SKU-BIG')).toBe(1_000_000_000); // a number on the read path, not a string
    const [sold] = await db.reads.query<{ units: unknown }>(`SELECT sum(units)::float8 AS units FROM daily_sales WHERE sku = 'SKU-BIG'`);
    expect(sold!.units).toBe(3_000_000_000);
  });
});

describe('the time window of occurredAt', () => {
  it('a count dated decades ahead is a dead letter that says why, and later movements still change on-hand', async () => {
    await apply([
      {
        eventId: 'far-r',
        type: 'StockReceived',
        occurredAt: minutesFromNow(-60),
        locationId: 'S-FAR',
        lines: [{ sku: 'A', quantity: 100 }],
      },
    ]);
    const count = await apply([
      {
        eventId: 'far-c',
        type: 'StockCounted',
        occurredAt: '2066-01-01T00:00:00Z',
        locationId: 'S-FAR',
        lines: [{ sku: 'A', countedQuantity: 10 }],
      },
    ]);
    expect(count.deadLettered).toBe(1);
    expect(count.deadLetterReasons[0]).toMatch(/occurredAt/);
    expect(count.deadLetterReasons[0]).toMatch(/2000-01-01T00:00:00\.000Z/);
    await apply([
      {
        eventId: 'far-s',
        type: 'StoreSaleRecorded',
        occurredAt: minutesFromNow(0),
        storeId: 'S-FAR',
        receiptId: 'R',
        lines: [{ sku: 'A', quantity: 1 }],
      },
    ]);
    expect(await onHand('S-FAR', 'A')).toBe(99);
  });

  it('takes 2000-01-01T00:00:00Z and up to the clock plus MAX_CLOCK_SKEW, dead-letters just outside, and the views keep advancing', async () => {
    const at = (eventId: string, occurredAt: string) => ({
      eventId,
      type: 'StockReceived',
      occurredAt,
      locationId: 'S-EDGE',
      lines: [{ sku: 'A', quantity: 1 }],
    });
    const outcome = await apply([
      at('edge-floor', '2000-01-01T00:00:00Z'),
      at('edge-floor-offset', '2000-01-01T08:00:00+08:00'),
      at('edge-skew', minutesFromNow(59)),
      at('edge-before-floor', '1999-12-31T23:59:59.999Z'),
      at('edge-before-floor-offset', '2000-01-01T00:00:00+00:01'),
      at('edge-year-zero', '0000-01-01T00:00:00Z'),
      at('edge-past-skew', minutesFromNow(61)),
      at('edge-year-9999', '9999-12-31T23:59:59-23:59'),
    ]);
    expect(outcome.applied).toBe(3);
    expect(outcome.deadLettered).toBe(5);
    for (const reason of outcome.deadLetterReasons) expect(reason).toMatch(/occurredAt .* outside .*2000-01-01T00:00:00\.000Z/);
    expect(await onHand('S-EDGE', 'A')).toBe(3);
  });
});

// The property: events at and just past every bound, through ingestion and both projections. ----

const quantityAtBounds = fc.constantFrom(1, 2, MAX_LINE_QUANTITY - 1, MAX_LINE_QUANTITY, MAX_LINE_QUANTITY + 1);
/** Ids of every allowed length and script, and just past: 0 and 201 characters, a NUL. */
const idAtBounds = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !s.includes('\u0000')),
  fc.constantFrom('x'.repeat(200), '店'.repeat(200), '🙂'.repeat(100), 'x'.repeat(201), '', 'a\u0000b', ' ', 'A-B', 'A-B-C'),
);
const skuAtBounds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('SKU-1', 'SKU-2', 's'.repeat(100), '货号-١٢٣') },
  { weight: 1, arbitrary: fc.constantFrom('s'.repeat(101), 'has space', 'a,b', '') },
);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Any ISO-8601 instant with a zone the schema could see: years 0000-9999, offsets -23:59..+23:59, or near now. */
const occurredAtAnywhere = fc.oneof(
  fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      zone: fc.oneof(
        fc.constant('Z'),
        fc
          .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
          .map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`),
      ),
    })
    .map((t) => `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:00${t.zone}`),
  fc.integer({ min: -3 * 24 * 60, max: 90 }).map((minutes) => minutesFromNow(minutes)),
  fc.constantFrom('2000-01-01T00:00:00Z', '1999-12-31T23:59:59Z', '2000-01-01T00:00:00+14:00'),
);
const lineCount = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(999, 1000, 1001) },
);
const locationAtBounds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('P-1', 'P-2', '杭州西湖店 1') },
  { weight: 1, arbitrary: idAtBounds },
);

const shopFloorEvent = fc
  .record({
    type: fc.constantFrom('StockReceived', 'StockAdjusted', 'StockCounted', 'StoreSaleRecorded', 'StoreReturnRecorded'),
    eventId: fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 1, arbitrary: idAtBounds }),
    occurredAt: occurredAtAnywhere,
    location: locationAtBounds,
    receiptId: idAtBounds,
    count: lineCount,
    sku: skuAtBounds, // one SKU repeated on every line of the event
    quantity: quantityAtBounds,
    negative: fc.boolean(),
  })
  .map(({ type, eventId, occurredAt, location, receiptId, count, sku, quantity, negative }) => {
    const envelope = { eventId, type, occurredAt };
    switch (type) {
      case 'StockAdjusted':
        return {
          ...envelope,
          locationId: location,
          reason: 'correction',
          lines: Array.from({ length: count }, () => ({ sku, delta: negative ? -quantity : quantity })),
        };
      case 'StockCounted':
        return { ...envelope, locationId: location, lines: Array.from({ length: count }, () => ({ sku, countedQuantity: quantity })) };
      case 'StockReceived':
        return { ...envelope, locationId: location, lines: lines(sku, count, quantity) };
      default:
        return { ...envelope, storeId: location, receiptId, lines: lines(sku, count, quantity) };
    }
  });

/** Receipts of 1000 x 1,000,000 of one SKU: a few take its total past 32 bits. */
const bulkReceipt = fc.uuid().map((eventId) => ({
  eventId,
  type: 'StockReceived',
  occurredAt: minutesFromNow(-1),
  locationId: 'P-1',
  lines: lines('SKU-1', 1000, MAX_LINE_QUANTITY),
}));

describe('property: every contract-valid event is applied or dead-lettered, and the views equal the fold', () => {
  // Budget: 100 runs of up to 14 events (some of 1000 lines): 15 to 35 s on a shared 2-core machine, 90 s at most.
  it('holds for events at and just past every bound', { timeout: 90_000 }, async () => {
    const model = new Map<string, StockItemState>(); // the fold of every accepted event so far, by stock item
    const unitsSold = new Map<string, number>(); // and of the store sales, by stock item and UTC day
    const claimed = new Set<string>(); // senders' event ids applied so far: a repeat from the same sender is a duplicate
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 4, arbitrary: shopFloorEvent }, { weight: 1, arbitrary: bulkReceipt }), {
          minLength: 1,
          maxLength: 14,
        }),
        async (events) => {
          const now = new Date();
          const outcome = await apply(events);
          expect(outcome.applied + outcome.duplicates + outcome.deadLettered).toBe(events.length);
          for (const reason of outcome.deadLetterReasons) expect(reason.length).toBeGreaterThan(0);

          // What the contract admits, by the pure validation with the same clock; the first of each id is applied.
          const touched = new Set<string>();
          let expectedApplied = 0;
          for (const event of events) {
            const parsed = validateInboundEvent(roleOf(event), event, { now, maxClockSkewMs: config.inbound.maxClockSkewMs });
            if (!parsed.ok) continue;
            const senderEventId = JSON.stringify([senderOf(parsed.event), parsed.event.eventId]);
            if (claimed.has(senderEventId)) continue;
            claimed.add(senderEventId);
            expectedApplied += 1;
            // The arbitraries make shop-floor events only (sales, returns, receipts, adjustments, counts).
            for (const { key, command } of shopFloorInstructionsFor(parsed.event as ShopFloorEvent)) {
              const stream = stockItemStreamId(key);
              if (command.type === 'RecordStoreSale') {
                const day = `${stream}@${new Date(parsed.event.occurredAt).toISOString().slice(0, 10)}`;
                unitsSold.set(day, (unitsSold.get(day) ?? 0) + command.quantity);
              }
              const before = model.get(stream) ?? initialStockItemState();
              model.set(stream, decideStockItem(command, before).reduce(evolveStockItem, before));
              touched.add(stream);
            }
          }
          expect(outcome.applied).toBe(expectedApplied);

          await catchUpViews(); // throws if a view cannot reach the end of the log
          const view = await viewOnHand();
          for (const stream of touched) expect({ stream, onHand: view.get(stream) }).toEqual({ stream, onHand: model.get(stream)!.onHand });
          const sales = await viewUnitsSold();
          for (const [day, units] of unitsSold) expect({ day, units: sales.get(day) }).toEqual({ day, units });
        },
      ),
      { numRuns: 100, endOnFailure: true },
    );
  });
});

/** Units sold as the daily-sales view holds them, by stock item and day. */
async function viewUnitsSold(): Promise<Map<string, number>> {
  const rows = await db.reads.query<{ location_id: string; sku: string; day: string; units: string }>(
    `SELECT location_id, sku, day::text AS day, units::text AS units FROM daily_sales`,
  );
  return new Map(rows.map((row) => [`${stockItemStreamId({ locationId: row.location_id, sku: row.sku })}@${row.day}`, Number(row.units)]));
}

/** On-hand as the stock-levels view holds it, by stock item stream id. */
async function viewOnHand(): Promise<Map<string, number>> {
  const rows = await db.reads.query<{ location_id: string; sku: string; on_hand: string }>(
    'SELECT location_id, sku, on_hand::text AS on_hand FROM stock_levels',
  );
  return new Map(rows.map((row) => [stockItemStreamId({ locationId: row.location_id, sku: row.sku }), Number(row.on_hand)]));
}
