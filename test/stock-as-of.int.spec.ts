import {
  decideStockItem,
  evolveStockItem,
  initialStockItemState,
  stockItemStreamId,
  type StockItemCommand,
  type StockItemEvent,
  type StockItemState,
} from '@app/stock-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../apps/inventory-service/src/platform/config';
import { GetStockAsOfHandler } from '../apps/inventory-service/src/stock-views/get-stock-as-of/get-stock-as-of.handler';
import { GetStockAsOf } from '../apps/inventory-service/src/stock-views/get-stock-as-of/get-stock-as-of.query';
import {
  SELECT_STOCK_EVENTS_AFTER_COUNTS,
  SELECT_STOCK_ITEM_BASES_AS_OF,
} from '../apps/inventory-service/src/stock-views/get-stock-as-of/get-stock-as-of.sql';
import { STOCK_LEVELS_PROJECTION } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let db: TestDatabase;
let handler: GetStockAsOfHandler;

beforeAll(async () => {
  db = await createTestDatabase();
  handler = new GetStockAsOfHandler(db.reads, { http: { minPositionWaitMs: 0 } } as ServiceConfig);
});
afterAll(async () => {
  await db?.drop();
});

/** Append events as the stock item recorded them (the read needs no stream rows), then let the view's checkpoint pass them. */
async function append(rows: Array<{ streamId: string; version: number; event: StockItemEvent }>, key: string): Promise<void> {
  await db.reads.query(
    `INSERT INTO events (stream_id, stream_version, event_id, event_type, data)
     SELECT e->>0, (e->>1)::int, e->>2, e->>3, e->4 FROM jsonb_array_elements($1::jsonb) e`,
    [JSON.stringify(rows.map((r, i) => [r.streamId, r.version, `${key}-${i}`, r.event.type, r.event.data]))],
  );
}
async function moveViewCheckpointToEnd(): Promise<void> {
  await db.reads.query(
    `INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at)
     SELECT $1, max(transaction_id), max(global_position), now() FROM events
     ON CONFLICT (processor_id) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position`,
    [STOCK_LEVELS_PROJECTION],
  );
}
async function registerLevels(sku: string, locationIds: string[]): Promise<void> {
  await db.reads.query(
    `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position)
     SELECT l, $1, 0, 0, 0, now(), 1 FROM unnest($2::text[]) l ON CONFLICT DO NOTHING`,
    [sku, locationIds],
  );
}

describe('GET /v1/stock/{sku}?asOf= against a ledger of a simulated day', () => {
  // A day at two stores (business time UTC+8), its movements reaching the service out of order.
  const moment = (hhmm: string) => `2026-11-11T${hhmm}:00+08:00`;
  type Happening = { locationId: string; at: string } & (
    | { kind: 'receipt' | 'sale' | 'adjust'; quantity: number }
    | { kind: 'count'; quantity: number }
    | { kind: 'reserve'; quantity: number; ref: string }
    | { kind: 'release'; quantity: number; ref: string }
    | { kind: 'expect'; quantity: number; ref: string }
  );
  const day: Happening[] = [
    { locationId: 'S1', at: moment('08:00'), kind: 'receipt', quantity: 40 },
    { locationId: 'S2', at: moment('08:30'), kind: 'receipt', quantity: 10 },
    { locationId: 'S1', at: moment('09:15'), kind: 'sale', quantity: 3 },
    { locationId: 'S1', at: moment('10:00'), kind: 'reserve', quantity: 5, ref: 'F-1' },
    { locationId: 'S2', at: moment('11:00'), kind: 'sale', quantity: 2 },
    { locationId: 'S1', at: moment('12:00'), kind: 'count', quantity: 30 }, // the shelf says 30, not 37
    { locationId: 'S1', at: moment('12:30'), kind: 'sale', quantity: 4 },
    { locationId: 'S2', at: moment('13:00'), kind: 'expect', quantity: 6, ref: 'T-1' },
    { locationId: 'S1', at: moment('14:00'), kind: 'release', quantity: 5, ref: 'F-1' },
    { locationId: 'S2', at: moment('15:00'), kind: 'adjust', quantity: -1 },
    { locationId: 'S2', at: moment('16:00'), kind: 'count', quantity: 9 },
    { locationId: 'S1', at: moment('18:00'), kind: 'sale', quantity: 1 },
  ];
  // The order they reached the service: the noon count at S1 after the 12:30 sale, the 09:15 sale last.
  const arrival = [0, 1, 3, 4, 6, 5, 7, 8, 9, 10, 11, 2];

  function commandOf(h: Happening, n: number): StockItemCommand {
    const provenance = { occurredAt: h.at, sourceEventId: `d-${n}` };
    switch (h.kind) {
      case 'receipt':
        return { type: 'RecordReceipt', quantity: h.quantity, ...provenance };
      case 'sale':
        return { type: 'RecordStoreSale', quantity: h.quantity, receiptId: `R-${n}`, ...provenance };
      case 'adjust':
        return { type: 'RecordAdjustment', delta: h.quantity, reason: 'damaged', ...provenance };
      case 'count':
        return { type: 'RecordCount', countedQuantity: h.quantity, ...provenance };
      case 'reserve':
        return { type: 'ReserveStock', purpose: 'fulfillment', referenceId: h.ref, quantity: h.quantity, safetyStock: null, ...provenance };
      case 'release':
        return {
          type: 'ReleaseReservation',
          purpose: 'fulfillment',
          referenceId: h.ref,
          quantity: h.quantity,
          reason: 'cancelled',
          ...provenance,
        };
      case 'expect':
        return { type: 'ExpectTransfer', transferId: h.ref, quantity: h.quantity, ...provenance };
    }
  }

  /** The ledger's own answer, by business time: the latest count at or before `t`, then what moved after it. */
  function ledgerAt(locationId: string, t: string): { onHand: number; reserved: number; inTransit: number } {
    const until = day.filter((h) => h.locationId === locationId && Date.parse(h.at) <= Date.parse(t));
    const counts = until.filter((h) => h.kind === 'count');
    const count = counts[counts.length - 1];
    const after = until.filter((h) => !count || Date.parse(h.at) > Date.parse(count.at));
    const moved = (h: Happening) =>
      h.kind === 'receipt' ? h.quantity : h.kind === 'sale' ? -h.quantity : h.kind === 'adjust' ? h.quantity : 0;
    return {
      onHand: (count?.quantity ?? 0) + after.reduce((sum, h) => sum + moved(h), 0),
      reserved: until.reduce((sum, h) => sum + (h.kind === 'reserve' ? h.quantity : h.kind === 'release' ? -h.quantity : 0), 0),
      inTransit: until.reduce((sum, h) => sum + (h.kind === 'expect' ? h.quantity : 0), 0),
    };
  }

  beforeAll(async () => {
    const states = new Map<string, { state: StockItemState; version: number }>();
    const rows: Array<{ streamId: string; version: number; event: StockItemEvent }> = [];
    for (const n of arrival) {
      const h = day[n]!;
      const streamId = stockItemStreamId({ locationId: h.locationId, sku: 'DAY-1' });
      const item = states.get(streamId) ?? { state: initialStockItemState(), version: 0 };
      for (const event of decideStockItem(commandOf(h, n), item.state)) {
        item.state = evolveStockItem(item.state, event);
        item.version += 1;
        rows.push({ streamId, version: item.version, event });
      }
      states.set(streamId, item);
    }
    await append(rows, 'day');
    await registerLevels('DAY-1', ['S1', 'S2']);
    await moveViewCheckpointToEnd();
  });

  it('answers, at moments across the day, what the ledger says, location by location', async () => {
    for (const t of ['07:59', '08:00', '09:30', '11:59', '12:00', '12:45', '13:30', '15:30', '16:00', '23:59']) {
      const asOf = moment(t);
      const stock = await handler.execute(new GetStockAsOf('DAY-1', asOf));
      expect(stock.asOf).toBe(asOf);
      const expected = ['S1', 'S2']
        .map((locationId) => ({ locationId, ...ledgerAt(locationId, asOf) }))
        .filter((l) => day.some((h) => h.locationId === l.locationId && Date.parse(h.at) <= Date.parse(asOf)));
      expect(
        stock.locations.map(({ locationId, onHand, reserved, inTransit }) => ({ locationId, onHand, reserved, inTransit })),
        t,
      ).toEqual(expected);
      expect(stock.onHand, t).toBe(expected.reduce((sum, l) => sum + l.onHand, 0));
    }
    // The same moment in another zone is the same moment.
    const noon = await handler.execute(new GetStockAsOf('DAY-1', '2026-11-11T04:00:00Z'));
    expect(noon.locations.find((l) => l.locationId === 'S1')!.onHand).toBe(30);
  });
});

describe('GET /v1/stock/{sku}?asOf= over a year of history at 50 locations', () => {
  const LOCATIONS = 50;
  const DAYS = 365;
  const PER_DAY = 12; // a receipt, 9 sales, a reservation shipped; a count every 7th day
  const year = Date.parse('2025-11-11T00:00:00+08:00');

  beforeAll(async () => {
    // Generated in SQL: 50 x 365 x 12 events of the SKU, and as many of another SKU beside them.
    for (const sku of ['YEAR-1', 'YEAR-2']) {
      await db.reads.query(
        `INSERT INTO events (stream_id, stream_version, event_id, event_type, data)
         SELECT 'stock-item|L' || l || '|' || $1, d * $3 + k + 1, $1 || '-' || l || '-' || d || '-' || k,
                CASE WHEN k = 0 THEN 'StockReceived' WHEN k = 10 THEN 'StockReserved' WHEN k = 11 AND d % 7 = 6 THEN 'StockCounted'
                     WHEN k = 11 THEN 'ReservedStockShipped' ELSE 'StockSold' END,
                jsonb_build_object('occurredAt', to_char(to_timestamp($2 / 1000.0 + d * 86400 + k * 3600) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                   'sourceEventId', 'g', 'quantity', CASE WHEN k = 0 THEN 20 ELSE 2 END, 'receiptId', 'R',
                                   'countedQuantity', 50, 'purpose', 'fulfillment', 'referenceId', 'F-' || d, 'onHandChange', 0,
                                   'reservedChange', CASE WHEN k = 10 THEN 2 WHEN k = 11 AND d % 7 <> 6 THEN -2 ELSE 0 END)
         FROM generate_series(1, $4::int) l, generate_series(0, $5::int - 1) d, generate_series(0, $3::int - 1) k`,
        [sku, year, PER_DAY, LOCATIONS, DAYS],
      );
      await registerLevels(
        sku,
        Array.from({ length: LOCATIONS }, (_, i) => `L${i + 1}`),
      );
    }
    await moveViewCheckpointToEnd();
    await db.reads.query('ANALYZE events');
  }, 300_000);

  it('answers in well under a second, walking the index by stream and occurredAt', async () => {
    const asOf = new Date(year + 302 * 86_400_000 + 5.5 * 3_600_000).toISOString();
    await handler.execute(new GetStockAsOf('YEAR-1', asOf)); // warm
    const timings: number[] = [];
    let stock;
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      stock = await handler.execute(new GetStockAsOf('YEAR-1', asOf));
      timings.push(performance.now() - started);
    }
    const best = Math.min(...timings);
    console.log(
      `asOf over ${LOCATIONS * DAYS * PER_DAY} events of one SKU at ${LOCATIONS} locations: ${timings.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
    expect(stock!.locations).toHaveLength(LOCATIONS);
    // The latest count: 50 at 11:00 on day 300 (every 7th day); then day 301 nets 0 and day 302 until 05:30 brings 20 - 5 x 2.
    // Every count day's reservation was never shipped: 43 count days up to day 302, 2 each.
    expect(stock!.locations[0]).toMatchObject({ onHand: 60, reserved: 86 });
    expect(stock!.onHand).toBe(60 * LOCATIONS);
    expect(best).toBeLessThan(1000);

    const streams = Array.from({ length: LOCATIONS }, (_, i) => `stock-item|L${i + 1}|YEAR-1`);
    const window = [streams, asOf, '999999999', 999_999_999];
    const explain = async (sql: string, params: unknown[]) =>
      (await db.reads.query<Record<string, unknown>>(`EXPLAIN ${sql}`, params)).map((row) => String(Object.values(row)[0])).join('\n');
    const plan = [
      await explain(SELECT_STOCK_ITEM_BASES_AS_OF, window),
      await explain(SELECT_STOCK_EVENTS_AFTER_COUNTS, [...window, streams.map(() => '2026-09-06T03:00:00Z')]),
    ].join('\n');
    console.log(plan);
    // events_stock_item_occurred_at_idx, on the partitioned log: its copy on each partition (<partition>_stream_id_event_occurred_at_idx).
    expect(plan).toMatch(/(events_stock_item|_stream_id_event)_occurred_at_idx/);
  });
});
