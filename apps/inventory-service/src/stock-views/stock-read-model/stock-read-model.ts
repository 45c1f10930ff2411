import { compareCheckpoints, formatViewPosition, START_OF_LOG, type GlobalCheckpoint } from '@app/event-store';
import { createHash } from 'node:crypto';

/** One row of the stock-levels view as the model keeps it: the SKU's own safety stock there, or null for the location's. */
export interface StockLevelRow {
  locationId: string;
  onHand: number;
  reserved: number;
  inTransit: number;
  policySafetyStock: number | null;
}

/** What a location lends every SKU's answer there (from the location registry). */
export interface LocationProfile {
  locationId: string;
  safetyStock: number;
  shipsOnline: boolean;
}

/** A serialized `GET /v1/stock/{sku}` answer: the JSON body, its ETag and the position it carries. */
export interface StockAnswer {
  json: string;
  bytes: number;
  etag: string;
  position: string;
}

const NO_POLICY = -2_147_483_648;
const FIRST_ROWS = 1 << 20;
const FIRST_SKUS = 1 << 14;

/** The ETag of a stock answer: its position and a digest of its JSON body (as `conditional` in stock-view-position). */
export function stockEtag(position: string, json: string): string {
  return `"${position}-${createHash('sha1').update(json).digest('base64url').slice(0, 16)}"`;
}

function grown<T extends Int32Array | Float64Array>(array: T, atLeast: number): T {
  if (array.length >= atLeast) return array;
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(atLeast, Math.ceil(array.length * 1.5)));
  bigger.set(array);
  return bigger;
}

/**
 * The whole stock-levels view in this process, in columns: SKUs and locations interned to numbers,
 * each SKU's rows contiguous in typed arrays (on hand, reserved, in transit as float64, the SKU's
 * own safety stock as int32, the location as int32: 32 bytes a row), the location registry's
 * profiles beside them. It answers exactly what SELECT_STOCK_OF_SKUS and stockBodiesFrom would,
 * at the position the caller says the data reflects: the model knows no database and no feed.
 *
 * Each SKU's answer is serialized once (JSON, ETag) and kept until its rows, the location profiles
 * or its stamp change, at most `maxAnswers` of them (oldest first out).
 */
export class StockReadModel {
  private readonly skuIndex = new Map<string, number>();
  private readonly skus: string[] = [];
  private readonly locationIndex = new Map<string, number>();
  private readonly locationJson: string[] = [];
  private locationSafety: number[] = [];
  private locationShips: boolean[] = [];
  private locationKnown: boolean[] = [];

  private rowLocation = new Int32Array(FIRST_ROWS);
  private onHand = new Float64Array(FIRST_ROWS);
  private reserved = new Float64Array(FIRST_ROWS);
  private inTransit = new Float64Array(FIRST_ROWS);
  private policySafety = new Int32Array(FIRST_ROWS);
  private rowsUsed = 0;

  private skuStart = new Int32Array(FIRST_SKUS);
  private skuCount = new Int32Array(FIRST_SKUS);
  private skuCapacity = new Int32Array(FIRST_SKUS);
  /** The position each SKU's rows were read at, when later than `floor`. */
  private readonly stamps: Array<GlobalCheckpoint | undefined> = [];
  /** Every SKU's answer reflects at least this position (the position of the last location change). */
  private floor: GlobalCheckpoint = START_OF_LOG;
  private reflects: GlobalCheckpoint = START_OF_LOG;
  private readonly answers = new Map<number, StockAnswer>();

  constructor(private readonly maxAnswers: number) {}

  /** The position the whole model reflects: every change up to it is in it. */
  get position(): GlobalCheckpoint {
    return this.reflects;
  }

  get skuCountKnown(): number {
    return this.skus.length;
  }

  /** Bytes held by the columns (for the RSS report). */
  get columnBytes(): number {
    const rows = this.rowLocation.byteLength + this.onHand.byteLength * 3 + this.policySafety.byteLength;
    return rows + this.skuStart.byteLength * 3;
  }

  /** The model now reflects every change up to `position` (never moves back). */
  advanceTo(position: GlobalCheckpoint): void {
    if (compareCheckpoints(position, this.reflects) > 0) this.reflects = position;
  }

  /** Replace every row of a SKU (in the view's order: by location id), read at `readAt`. */
  setSkuRows(sku: string, rows: readonly StockLevelRow[], readAt: GlobalCheckpoint): void {
    const id = this.internSku(sku);
    if (rows.length > this.skuCapacity[id]!) {
      const capacity = this.skuCapacity[id]! === 0 ? rows.length : Math.max(rows.length, this.skuCapacity[id]! * 2);
      this.reserveRows(this.rowsUsed + capacity);
      this.skuStart[id] = this.rowsUsed;
      this.skuCapacity[id] = capacity;
      this.rowsUsed += capacity;
    }
    let at = this.skuStart[id]!;
    for (const row of rows) {
      this.rowLocation[at] = this.internLocation(row.locationId);
      this.onHand[at] = row.onHand;
      this.reserved[at] = row.reserved;
      this.inTransit[at] = row.inTransit;
      this.policySafety[at] = row.policySafetyStock ?? NO_POLICY;
      at += 1;
    }
    this.skuCount[id] = rows.length;
    const stamp = this.stamps[id];
    if (stamp === undefined || compareCheckpoints(readAt, stamp) > 0) this.stamps[id] = readAt;
    this.answers.delete(id);
  }

  /** Replace the location profiles (every SKU's available and online ATP may move); they reflect `readAt`. */
  setLocations(profiles: readonly LocationProfile[], readAt: GlobalCheckpoint): void {
    this.locationKnown = this.locationKnown.map(() => false);
    for (const profile of profiles) {
      const id = this.internLocation(profile.locationId);
      this.locationSafety[id] = profile.safetyStock;
      this.locationShips[id] = profile.shipsOnline;
      this.locationKnown[id] = true;
    }
    if (compareCheckpoints(readAt, this.floor) > 0) this.floor = readAt;
    this.answers.clear();
  }

  /**
   * The serialized answer for a SKU, carrying a position at or after `atLeast`; undefined when the
   * model has not reached `atLeast` yet.
   */
  answer(sku: string, atLeast?: GlobalCheckpoint): StockAnswer | undefined {
    if (atLeast && compareCheckpoints(atLeast, this.reflects) > 0) return undefined;
    const id = this.skuIndex.get(sku);
    if (id === undefined) return this.serialize(sku, -1, this.reflects);
    let stamp = this.stampOf(id);
    if (atLeast && compareCheckpoints(stamp, atLeast) < 0) {
      this.stamps[id] = stamp = this.reflects; // the rows hold for any position up to the model's
      this.answers.delete(id);
    }
    let cached = this.answers.get(id);
    if (cached === undefined) {
      cached = this.serialize(sku, id, stamp);
      if (this.answers.size >= this.maxAnswers) this.answers.delete(this.answers.keys().next().value!);
      if (this.maxAnswers > 0) this.answers.set(id, cached);
    }
    return cached;
  }

  private stampOf(id: number): GlobalCheckpoint {
    const stamp = this.stamps[id];
    return stamp === undefined || compareCheckpoints(stamp, this.floor) < 0 ? this.floor : stamp;
  }

  /** The body stockBodiesFrom builds, written out directly (the same JSON as JSON.stringify of it). */
  private serialize(sku: string, id: number, stamp: GlobalCheckpoint): StockAnswer {
    let onHand = 0;
    let reserved = 0;
    let available = 0;
    let atp = 0;
    let locations = '';
    const count = id < 0 ? 0 : this.skuCount[id]!;
    const start = id < 0 ? 0 : this.skuStart[id]!;
    for (let at = start; at < start + count; at += 1) {
      const location = this.rowLocation[at]!;
      const known = this.locationKnown[location] === true;
      const policy = this.policySafety[at]!;
      const safety = policy !== NO_POLICY ? policy : known ? this.locationSafety[location]! : 0;
      const rowOnHand = this.onHand[at]!;
      const rowReserved = this.reserved[at]!;
      const rowAvailable = rowOnHand - rowReserved - safety;
      onHand += rowOnHand;
      reserved += rowReserved;
      available += rowAvailable;
      if (known && this.locationShips[location]) atp += Math.max(0, rowAvailable);
      if (at > start) locations += ',';
      locations += `{"locationId":${this.locationJson[location]},"onHand":${rowOnHand},"reserved":${rowReserved},"available":${rowAvailable},"inTransit":${this.inTransit[at]}}`;
    }
    const position = formatViewPosition(stamp);
    const json =
      `{"sku":${JSON.stringify(sku)},"onHand":${onHand},"reserved":${reserved},"available":${available},` +
      `"onlineAvailableToPromise":${atp},"locations":[${locations}],"position":"${position}"}`;
    return { json, bytes: Buffer.byteLength(json), etag: stockEtag(position, json), position };
  }

  private internSku(sku: string): number {
    let id = this.skuIndex.get(sku);
    if (id === undefined) {
      id = this.skus.length;
      this.skus.push(sku);
      this.skuIndex.set(sku, id);
      this.skuStart = grown(this.skuStart, id + 1);
      this.skuCount = grown(this.skuCount, id + 1);
      this.skuCapacity = grown(this.skuCapacity, id + 1);
    }
    return id;
  }

  private internLocation(locationId: string): number {
    let id = this.locationIndex.get(locationId);
    if (id === undefined) {
      id = this.locationJson.length;
      this.locationIndex.set(locationId, id);
      this.locationJson.push(JSON.stringify(locationId));
      this.locationSafety.push(0);
      this.locationShips.push(false);
      this.locationKnown.push(false);
    }
    return id;
  }

  private reserveRows(rows: number): void {
    this.rowLocation = grown(this.rowLocation, rows);
    this.onHand = grown(this.onHand, rows);
    this.reserved = grown(this.reserved, rows);
    this.inTransit = grown(this.inTransit, rows);
    this.policySafety = grown(this.policySafety, rows);
  }
}
