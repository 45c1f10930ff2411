import { compareCheckpoints, formatViewPosition, parseViewPosition, type GlobalCheckpoint } from '@app/event-store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockBodiesFrom, type StockOfSkusRow } from '../get-stock/stock-bodies';
import { StockReadModel, stockEtag, type LocationProfile, type StockLevelRow } from './stock-read-model';

const SKUS = ['SKU-1', 'SKU-2', 'SKU-"3"', 'SKU-ü'];
const LOCATIONS = ['L1', 'L2', 'L\\3', 'W9'];

const rowArb = (locationId: string) =>
  fc.record({
    locationId: fc.constant(locationId),
    onHand: fc.integer({ min: -50, max: 2 ** 40 }),
    reserved: fc.integer({ min: 0, max: 1000 }),
    inTransit: fc.integer({ min: 0, max: 1000 }),
    policySafetyStock: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  });
const rowsArb = fc.subarray(LOCATIONS).chain((locations) => fc.tuple(...locations.map(rowArb)));
const profileArb = fc.uniqueArray(
  fc.record({ locationId: fc.constantFrom(...LOCATIONS), safetyStock: fc.integer({ min: 0, max: 100 }), shipsOnline: fc.boolean() }),
  { selector: (profile) => profile.locationId },
);

type Step =
  | { kind: 'rows'; sku: string; rows: StockLevelRow[]; ahead: number }
  | { kind: 'locations'; profiles: LocationProfile[] }
  | { kind: 'advance'; by: number }
  | { kind: 'read'; sku: string; atLeastBack: number | null };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('rows' as const), sku: fc.constantFrom(...SKUS), rows: rowsArb, ahead: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('locations' as const), profiles: profileArb }),
  fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('read' as const),
    sku: fc.constantFrom(...SKUS, 'SKU-NONE'),
    atLeastBack: fc.option(fc.integer({ min: -1, max: 5 }), { nil: null }),
  }),
);

const at = (n: number): GlobalCheckpoint => ({ transactionId: String(n), globalPosition: n * 10 });

/** What SELECT_STOCK_OF_SKUS returns for a SKU, from the plain maps. */
function viewRows(sku: string, rows: readonly StockLevelRow[], locations: ReadonlyMap<string, LocationProfile>): StockOfSkusRow[] {
  return rows.map((row) => ({
    sku,
    location_id: row.locationId,
    on_hand: row.onHand,
    reserved: row.reserved,
    in_transit: row.inTransit,
    safety_stock: row.policySafetyStock ?? locations.get(row.locationId)?.safetyStock ?? 0,
    ships_online: locations.get(row.locationId)?.shipsOnline ?? false,
  }));
}

describe('StockReadModel', () => {
  it('answers, after any sequence of row and location refreshes, what stockBodiesFrom makes of a plain Map fold, at a position it reached', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (steps, maxAnswers) => {
        const model = new StockReadModel(maxAnswers);
        const rowsOf = new Map<string, StockLevelRow[]>();
        let locations = new Map<string, LocationProfile>();
        let position = 0;
        for (const step of steps) {
          if (step.kind === 'rows') {
            rowsOf.set(step.sku, step.rows);
            model.setSkuRows(step.sku, step.rows, at(position + step.ahead)); // a re-read may see a later snapshot
          } else if (step.kind === 'locations') {
            locations = new Map(step.profiles.map((profile) => [profile.locationId, profile]));
            model.setLocations(step.profiles, at(position));
          } else if (step.kind === 'advance') {
            position += step.by;
            model.advanceTo(at(position));
          } else {
            const atLeast = step.atLeastBack === null ? undefined : at(position - step.atLeastBack);
            const answer = model.answer(step.sku, atLeast);
            if (atLeast && compareCheckpoints(atLeast, at(position)) > 0) {
              expect(answer).toBeUndefined();
              continue;
            }
            expect(answer).toBeDefined();
            const [expected] = stockBodiesFrom([step.sku], viewRows(step.sku, rowsOf.get(step.sku) ?? [], locations), answer!.position);
            expect(answer!.json).toBe(JSON.stringify(expected));
            expect(answer!.etag).toBe(stockEtag(answer!.position, answer!.json));
            expect(answer!.bytes).toBe(Buffer.byteLength(answer!.json));
            if (atLeast) expect(compareCheckpoints(parseViewPosition(answer!.position)!, atLeast)).toBeGreaterThanOrEqual(0);
          }
        }
        expect(formatViewPosition(model.position)).toBe(formatViewPosition(at(position)));
      }),
      { numRuns: 300 },
    );
  }, 30_000); // 300 runs take about 3 s alone, over 5 s while benchmarks share the two cores

  it('keeps a SKU answer serialized until the SKU, the locations or the position asked for change', () => {
    const model = new StockReadModel(10);
    model.setLocations([{ locationId: 'L1', safetyStock: 2, shipsOnline: true }], at(1));
    model.setSkuRows('SKU-1', [{ locationId: 'L1', onHand: 5, reserved: 1, inTransit: 0, policySafetyStock: null }], at(1));
    model.advanceTo(at(3));
    const first = model.answer('SKU-1');
    expect(model.answer('SKU-1')).toBe(first);
    expect(first!.position).toBe('1.10');
    const later = model.answer('SKU-1', at(3));
    expect(later!.position).toBe('3.30');
    expect(model.answer('SKU-1')).toBe(later);
    model.setLocations([{ locationId: 'L1', safetyStock: 0, shipsOnline: true }], at(3));
    expect(JSON.parse(model.answer('SKU-1')!.json)).toMatchObject({ available: 4, onlineAvailableToPromise: 4 });
  });

  it('holds 100,000 SKUs at 50 locations in columns of about 32 bytes a row', () => {
    const model = new StockReadModel(0);
    const rows = Array.from({ length: 50 }, (_, l) => ({
      locationId: `L${l}`,
      onHand: l,
      reserved: 0,
      inTransit: 0,
      policySafetyStock: null,
    }));
    for (let s = 0; s < 100_000; s += 1) model.setSkuRows(`SKU-${s}`, rows, at(1));
    expect(model.columnBytes / (100_000 * 50)).toBeLessThan(48);
    expect(JSON.parse(model.answer('SKU-99999')!.json).locations).toHaveLength(50);
  });
});
