import { HANGZHOU, ZipfCatalogue, type SimulatedLocation } from './city';

/** A message for one of the contract's inbound topics. */
export interface SimulatedMessage {
  topic: 'stockMovements' | 'offlineSales' | 'onlineOrders' | 'logisticsEvents';
  key: string;
  value: Record<string, unknown> & { eventId: string; type: string };
  lines: number;
}

/**
 * Generates a plausible stream of shop-floor events and keeps its own account of what on-hand
 * should be, so a run can check the service's numbers against it at the end.
 */
export class OmnichannelDay {
  readonly expectedOnHand = new Map<string, number>();
  private sequence = 0;
  private clock: number;
  private readonly stores: SimulatedLocation[];
  /** Web orders placed and not cancelled yet, a few of which shoppers cancel. */
  private readonly cancellable: string[] = [];
  readonly webOrders = { placed: 0, ship: 0, pickup: 0, cancelled: 0 };

  constructor(
    readonly catalogue: ZipfCatalogue,
    private readonly random: () => number,
    readonly runId: string,
    readonly locations: SimulatedLocation[] = HANGZHOU,
    start = Date.now(),
  ) {
    this.clock = start;
    this.stores = locations.filter((l) => l.type === 'store');
  }

  /** Start the ledger from what the service shows already (earlier runs on the same database). */
  startFrom(onHand: ReadonlyMap<string, number>): void {
    for (const [key, quantity] of onHand) this.expectedOnHand.set(key, quantity);
  }

  /** The opening receipts: every location stocked with the catalogue (warehouses deeper). */
  *openingReceipts(): Generator<SimulatedMessage> {
    for (const location of this.locations) {
      const depth = location.type === 'warehouse' ? 600 : 60;
      const lines = this.catalogue.skus.map((sku, rank) => ({ sku, quantity: Math.max(2, Math.round(depth / Math.sqrt(rank + 1))) }));
      for (let i = 0; i < lines.length; i += 500) yield this.receipt(location.locationId, lines.slice(i, i + 500));
    }
  }

  /**
   * One more event of the day: mostly store sales, then web orders (ship to a point in the city, or
   * pick up at a store), some returns, receipts, counts, and a shopper cancelling now and then.
   */
  next(): SimulatedMessage {
    const roll = this.random();
    const store = this.stores[Math.floor(this.random() * this.stores.length)]!;
    if (roll < 0.7) return this.storeSale(store.locationId);
    if (roll < 0.84) return this.webOrder();
    if (roll < 0.85 && this.cancellable.length > 0) return this.cancelWebOrder();
    if (roll < 0.9) return this.storeReturn(store.locationId);
    if (roll < 0.96) {
      const location = this.locations[Math.floor(this.random() * this.locations.length)]!;
      return this.receipt(location.locationId, [{ sku: this.catalogue.pick(this.random()), quantity: 5 + Math.floor(this.random() * 20) }]);
    }
    return this.count(store.locationId);
  }

  /** A physical movement the logistics workers made: the ledger follows it. */
  recordMovement(locationId: string, sku: string, delta: number): void {
    this.move(locationId, sku, delta);
  }

  /**
   * The ledger as the day's clock stands now: every event made so far happened at or before `moment`
   * and every later one will happen after it, so `GET /v1/stock/{sku}?asOf=<moment>` should show
   * exactly `onHand` (per `location|sku`) once the service has applied the whole day.
   */
  ledgerAtThisMoment(): { moment: string; onHand: Map<string, number> } {
    return { moment: new Date(this.clock).toISOString(), onHand: new Map(this.expectedOnHand) };
  }

  /** The next instant of the day's clock: every event of the run, whoever sends it, is ordered by it. */
  tick(): string {
    this.clock += 1 + Math.floor(this.random() * 5);
    return new Date(this.clock).toISOString();
  }

  nextEventId(prefix: string): string {
    this.sequence += 1;
    return `sim-${this.runId}-${prefix}-${this.sequence}`;
  }

  get skusTouched(): string[] {
    return [...new Set([...this.expectedOnHand.keys()].map((key) => key.split('|')[1]!))];
  }

  private storeSale(storeId: string): SimulatedMessage {
    const lines = this.basket(storeId);
    for (const line of lines) this.move(storeId, line.sku, -line.quantity);
    return this.message('offlineSales', storeId, {
      type: 'StoreSaleRecorded',
      storeId,
      receiptId: `R-${this.runId}-${this.sequence}`,
      lines,
    });
  }

  /** A web shopper: one to three SKUs, shipped to a point in the city, or (one in four) picked up at a store. */
  private webOrder(): SimulatedMessage {
    const orderId = `WEB-${this.runId}-${this.sequence + 1}`;
    const bySku = new Map<string, number>();
    const size = 1 + Math.floor(this.random() * 3);
    for (let i = 0; i < size; i += 1) {
      const sku = this.catalogue.pick(this.random());
      bySku.set(sku, (bySku.get(sku) ?? 0) + 1);
    }
    const pickup = this.random() < 0.25;
    const delivery = pickup
      ? { mode: 'pickup', storeId: this.stores[Math.floor(this.random() * this.stores.length)]!.locationId }
      : { mode: 'ship', lat: round(30.15 + this.random() * 0.3), lng: round(120.03 + this.random() * 0.3) };
    this.webOrders.placed += 1;
    if (pickup) this.webOrders.pickup += 1;
    else this.webOrders.ship += 1;
    this.cancellable.push(orderId);
    if (this.cancellable.length > 50) this.cancellable.shift();
    const lines = [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
    return this.message('onlineOrders', orderId, { type: 'OnlineOrderPlaced', orderId, lines, delivery });
  }

  private cancelWebOrder(): SimulatedMessage {
    const orderId = this.cancellable.splice(Math.floor(this.random() * this.cancellable.length), 1)[0]!;
    this.webOrders.cancelled += 1;
    return this.message('onlineOrders', orderId, { type: 'OnlineOrderCancelled', orderId });
  }

  private storeReturn(storeId: string): SimulatedMessage {
    const line = { sku: this.catalogue.pick(this.random()), quantity: 1 };
    this.move(storeId, line.sku, 1);
    return this.message('offlineSales', storeId, {
      type: 'StoreReturnRecorded',
      storeId,
      receiptId: `R-${this.runId}-${this.sequence}`,
      lines: [line],
    });
  }

  private receipt(locationId: string, lines: Array<{ sku: string; quantity: number }>): SimulatedMessage {
    for (const line of lines) this.move(locationId, line.sku, line.quantity);
    return this.message('stockMovements', locationId, { type: 'StockReceived', locationId, lines });
  }

  /** A cycle count that finds a little shrinkage now and then. */
  private count(locationId: string): SimulatedMessage {
    const sku = this.catalogue.pick(this.random());
    const key = `${locationId}|${sku}`;
    const shrinkage = this.random() < 0.3 ? 1 : 0;
    const countedQuantity = Math.max(0, (this.expectedOnHand.get(key) ?? 0) - shrinkage);
    this.expectedOnHand.set(key, countedQuantity);
    return this.message('stockMovements', locationId, { type: 'StockCounted', locationId, lines: [{ sku, countedQuantity }] });
  }

  /**
   * A shopper's basket: popular SKUs more often. A shopper mostly finds another item when the shelf
   * is empty, but now and then the till sells what the books say is gone (stock drifts negative).
   */
  private basket(storeId: string): Array<{ sku: string; quantity: number }> {
    const size = 1 + Math.floor(this.random() * 3);
    const bySku = new Map<string, number>();
    for (let i = 0; i < size * 4 && bySku.size < size; i += 1) {
      const sku = this.catalogue.pick(this.random());
      const onShelf = (this.expectedOnHand.get(`${storeId}|${sku}`) ?? 0) - (bySku.get(sku) ?? 0);
      if (onShelf <= 0 && this.random() > 0.03) continue;
      bySku.set(sku, (bySku.get(sku) ?? 0) + 1 + Math.floor(this.random() * 2));
    }
    if (bySku.size === 0) bySku.set(this.catalogue.pick(this.random()), 1);
    return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
  }

  private move(locationId: string, sku: string, delta: number): void {
    const key = `${locationId}|${sku}`;
    this.expectedOnHand.set(key, (this.expectedOnHand.get(key) ?? 0) + delta);
  }

  private message(topic: SimulatedMessage['topic'], key: string, body: Record<string, unknown> & { type: string }): SimulatedMessage {
    this.sequence += 1;
    const occurredAt = this.tick(); // strictly increasing: the day's events never share a timestamp
    const value = { eventId: `sim-${this.runId}-${this.sequence}`, occurredAt, ...body };
    return { topic, key, value, lines: Array.isArray(body.lines) ? body.lines.length : 1 };
  }
}

const round = (degrees: number) => Math.round(degrees * 10_000) / 10_000;
