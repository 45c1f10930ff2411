import { logisticsCommandSchema, type LogisticsCommand } from '@app/contracts';
import { CheckpointedProcessor, PostgresEventStore } from '@app/event-store';
import { stockItemStreamId } from '@app/stock-domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickupHoldSweeper } from '../apps/inventory-service/src/fulfillment/expire-pickup-holds/pickup-hold-sweeper.service';
import { RecordInboundBatch, type InboundMessage } from '../apps/inventory-service/src/ingestion/record-inbound-batch.command';
import { RecordInboundBatchHandler } from '../apps/inventory-service/src/ingestion/record-inbound-batch.handler';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { StockLevelsProjection } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { registerLocationsInDatabase } from './support/locations';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Issue 17, item 5: reservations never outlive their reason. Random interleavings of orders (ship
 * and pickup), cancels, a logistics worker's picks (shipped, collected, short), its answers to
 * cancels (the pick stopped, or silence), transfers, pickup hold expiries and transfers called off,
 * with feedback delivered late, out of order and repeated (same eventId, and a new one), run through
 * the real ingestion handler and the real sweeper on PostgreSQL. At every step no location has
 * promised more than it holds (on hand − reserved ≥ 0; no safety stock here). Once everything has
 * ended (every command worked or dropped, all feedback delivered, every deadline swept): nothing is
 * reserved or in transit, and the stock view's on-hand equals the worker's physical ledger.
 *
 * Transfers follow the contract's one rule for every call-off: its hold is released at once and a
 * TransferShipped or TransferReceived after the CancelTransfer is a dead letter. The worker's report
 * of a transfer it shipped is in the air like any other, so a call-off (its order cancelled, or the
 * ship-by time swept) may overtake it; and a worker told to call off a transfer may have loaded the
 * truck already and ship it anyway. Either way its late feedback is refused, and the worker, seeing
 * the CancelTransfer, records what moved by hand (StockAdjusted off the source, StockReceived at the
 * destination), as the dead letter's reason asks. It says nothing about a fulfillment after
 * CANCEL_CONFIRM_HOURS (the wait then releases its units).
 */
let db: TestDatabase;
let handler: RecordInboundBatchHandler;
let sweeper: PickupHoldSweeper;
let views: CheckpointedProcessor;
const store = new PostgresEventStore();
// Deadlines, from when each wait starts: holds 1 h, transfers 5 h, cancels 10 h; the sweeps below pick which are due.
const config = loadServiceConfig({ PICKUP_HOLD_HOURS: '1', TRANSFER_SHIP_HOURS: '5', CANCEL_CONFIRM_HOURS: '10' });
const HOUR = 60 * 60 * 1000;
const LOCATIONS = ['W', 'S1', 'S2'] as const;
let offset = 0;
let lastOutboxId = 0;
/** Over all runs: inbound events applied and dead-lettered by type, commands issued by type (so the property is not vacuous). */
const seen = new Map<string, number>();
const count = (what: string, n = 1) => seen.set(what, (seen.get(what) ?? 0) + n);

beforeAll(async () => {
  db = await createTestDatabase();
  handler = new RecordInboundBatchHandler(db.transactions, store, config);
  sweeper = new PickupHoldSweeper(db.transactions, store, config);
  views = new CheckpointedProcessor(new StockLevelsProjection(), db.transactions, store, { batchSize: 500, idleDelayMs: 10 });
  await registerLocationsInDatabase(db.transactions, {
    W: { type: 'warehouse', shipsOnline: true, dailyCapacity: 10_000, lat: 30.3, lng: 120.1 },
    S1: { shipsOnline: true, pickup: true, dailyCapacity: 10_000, lat: 30.25, lng: 120.15 },
    S2: { pickup: true, dailyCapacity: 10_000, lat: 30.2, lng: 120.2 },
  });
});
afterAll(async () => {
  await db?.drop();
});

async function apply(role: InboundMessage['role'], value: Record<string, unknown>): Promise<void> {
  offset += 1;
  const topic = config.kafka.topics[role];
  const message: InboundMessage = {
    role,
    topic,
    partition: 0,
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(JSON.stringify({ occurredAt: new Date().toISOString(), ...value })),
    headers: {},
  };
  const outcome = await handler.execute(new RecordInboundBatch('g', topic, 0, [message]));
  const verdict = outcome.applied > 0 ? 'applied' : outcome.duplicates > 0 ? 'duplicate' : 'dead letter';
  count(`${verdict} ${String(value.type)}`);
  count(verdict);
}

/** Logistics commands the service wrote since the last call (the relay is not running: read the outbox). */
async function newCommands(): Promise<LogisticsCommand[]> {
  const rows = await db.reads.query<{ id: string; message_value: Buffer }>(
    'SELECT id, message_value FROM outbox WHERE topic = $1 AND id > $2 ORDER BY id',
    [config.kafka.topics.logisticsCommands, lastOutboxId],
  );
  if (rows.length > 0) lastOutboxId = Number(rows[rows.length - 1]!.id);
  const commands = rows.map((row) => logisticsCommandSchema.parse(JSON.parse(row.message_value.toString())));
  for (const command of commands) count(command.type);
  return commands;
}

interface Totals {
  onHand: number;
  reserved: number;
  inTransit: number;
}
/** The write side's totals per stock item, folded from its events' changes. */
async function writeSideTotals(skus: readonly string[]): Promise<Map<string, Totals>> {
  const keys = skus.flatMap((sku) => LOCATIONS.map((locationId) => ({ locationId, sku })));
  const rows = await db.reads.query<{ stream_id: string; on_hand: number; reserved: number; in_transit: number }>(
    `SELECT stream_id, sum((data->>'onHandChange')::int)::int AS on_hand, sum(coalesce((data->>'reservedChange')::int, 0))::int AS reserved,
            sum(coalesce((data->>'inTransitChange')::int, 0))::int AS in_transit
     FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`,
    [keys.map(stockItemStreamId)],
  );
  const byStream = new Map(rows.map((row) => [row.stream_id, row]));
  return new Map(
    keys.map((key) => {
      const row = byStream.get(stockItemStreamId(key));
      return [`${key.locationId}|${key.sku}`, { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0, inTransit: row?.in_transit ?? 0 }];
    }),
  );
}

/** The stock view once it has applied every event (see record-inbound-batch.int.spec.ts for why it may take a few catch-ups). */
async function viewTotals(skus: readonly string[]): Promise<Map<string, Totals>> {
  const [newest] = await db.reads.query<{ position: string }>('SELECT coalesce(max(global_position), 0) AS position FROM events');
  for (let attempt = 0; attempt < 500 && views.checkpoint.globalPosition < Number(newest!.position); attempt += 1) {
    await views.catchUp();
    if (views.checkpoint.globalPosition < Number(newest!.position)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const rows = await db.reads.query<{ location_id: string; sku: string; on_hand: number; reserved: number; in_transit: number }>(
    'SELECT location_id, sku, on_hand::int AS on_hand, reserved::int AS reserved, in_transit::int AS in_transit FROM stock_levels WHERE sku = ANY($1::text[])',
    [skus],
  );
  return new Map(
    rows.map((row) => [`${row.location_id}|${row.sku}`, { onHand: row.on_hand, reserved: row.reserved, inTransit: row.in_transit }]),
  );
}

type Step =
  | { kind: 'order'; where: 'ship' | 'S1' | 'S2'; sku: number; quantity: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'work'; pick: number; short: boolean }
  | { kind: 'deliver'; pick: number }
  | { kind: 'repeat'; pick: number; sameId: boolean }
  | { kind: 'expireHolds' }
  | { kind: 'callOffTransfers' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      where: fc.constantFrom('ship' as const, 'S1' as const, 'S2' as const),
      sku: fc.nat(1),
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('work' as const), pick: fc.nat(20), short: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick: fc.nat(20), sameId: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expireHolds' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'callOffTransfers' as const }) },
);

interface Feedback {
  eventId: string;
  body: Record<string, unknown>;
}

/**
 * The logistics worker: it takes the service's commands, works them when told (picks, transfers),
 * sends its feedback into the air (delivered later, in any order), and keeps the physical ledger.
 */
class ModelWorker {
  readonly ledger = new Map<string, number>();
  private readonly pending: LogisticsCommand[] = [];
  /** Transfers it moved (the ledger followed at once), until their feedback is in or it recorded them by hand. */
  private readonly moved = new Map<string, Extract<LogisticsCommand, { type: 'TransferStock' }>>();
  private callOffs = 0;
  readonly inFlight: Feedback[] = [];
  readonly delivered: Feedback[] = [];
  private feedbackCount = 0;

  constructor(
    private readonly prefix: string,
    /** For each cancel that catches a pick not yet worked: answer it (FulfillmentFailed, nothing short) or say nothing. */
    private readonly answersCancels: boolean[],
    /** For each CancelTransfer that catches a transfer not yet worked: drop it, or ship it all the same (the truck was loaded). */
    private readonly shipsDespiteCallOff: boolean[],
  ) {}

  move(locationId: string, sku: string, delta: number): void {
    const key = `${locationId}|${sku}`;
    this.ledger.set(key, (this.ledger.get(key) ?? 0) + delta);
  }

  get idle(): boolean {
    return this.pending.length === 0 && this.inFlight.length === 0;
  }

  async take(commands: LogisticsCommand[]): Promise<void> {
    for (const command of commands) {
      if (command.type === 'DispatchFulfillment' || command.type === 'TransferStock') this.pending.push(command);
      else if (command.type === 'CancelFulfillment') {
        const at = this.pending.findIndex((c) => c.type === 'DispatchFulfillment' && c.fulfillmentId === command.fulfillmentId);
        if (at < 0) continue; // worked already: its feedback is on its way (the race)
        this.pending.splice(at, 1);
        if (this.answersCancels[this.feedbackCount % this.answersCancels.length])
          this.send({ type: 'FulfillmentFailed', fulfillmentId: command.fulfillmentId, shortLines: [] });
      } else if (command.type === 'CancelTransfer') {
        const at = this.pending.findIndex((c) => c.type === 'TransferStock' && c.transferId === command.transferId);
        const shipsAnyway = this.shipsDespiteCallOff[(this.callOffs += 1) % this.shipsDespiteCallOff.length];
        if (at >= 0 && shipsAnyway) this.ship(this.pending.splice(at, 1)[0] as Extract<LogisticsCommand, { type: 'TransferStock' }>);
        else if (at >= 0) this.pending.splice(at, 1); // called off before it left: nothing moves
        if (this.moved.has(command.transferId)) await this.recordByHand(command.transferId); // its feedback will be refused
      }
    }
  }

  /** The transfer leaves and lands (the ledger follows); its two reports go into the air. */
  private ship(command: Extract<LogisticsCommand, { type: 'TransferStock' }>): void {
    for (const line of command.lines) this.move(command.fromLocationId, line.sku, -line.quantity);
    for (const line of command.lines) this.move(command.toLocationId, line.sku, line.quantity);
    this.moved.set(command.transferId, command);
    this.send({ type: 'TransferShipped', transferId: command.transferId });
    this.send({ type: 'TransferReceived', transferId: command.transferId, lines: command.lines });
  }

  /** A transfer called off after it moved: its feedback is a dead letter, so what moved is recorded as movements. */
  private async recordByHand(transferId: string): Promise<void> {
    const { fromLocationId, toLocationId, lines } = this.moved.get(transferId)!;
    this.moved.delete(transferId);
    count('recorded by hand');
    await apply('stockMovements', {
      eventId: this.nextId(),
      type: 'StockAdjusted',
      locationId: fromLocationId,
      reason: 'correction',
      lines: lines.map((line) => ({ sku: line.sku, delta: -line.quantity })),
    });
    await apply('stockMovements', { eventId: this.nextId(), type: 'StockReceived', locationId: toLocationId, lines });
  }

  /** Work one pending command. */
  async work(pick: number, short: boolean): Promise<void> {
    if (this.pending.length === 0) return;
    const command = this.pending.splice(pick % this.pending.length, 1)[0]!;
    if (command.type === 'TransferStock') {
      this.ship(command);
    } else if (command.type === 'DispatchFulfillment') {
      const { fulfillmentId, fromLocationId, lines } = command;
      if (short) {
        const shortLine = { sku: lines[0]!.sku, quantity: 1 };
        this.move(fromLocationId, shortLine.sku, -1); // it was never on the shelf
        this.send({ type: 'FulfillmentFailed', fulfillmentId, shortLines: [shortLine] });
      } else {
        for (const line of lines) this.move(fromLocationId, line.sku, -line.quantity);
        this.send({ type: command.delivery.mode === 'pickup' ? 'PickupCollected' : 'FulfillmentShipped', fulfillmentId });
      }
    }
  }

  async deliverOne(pick: number): Promise<void> {
    if (this.inFlight.length === 0) return;
    const [feedback] = this.inFlight.splice(pick % this.inFlight.length, 1);
    await this.deliver(feedback!);
  }

  /** Deliver a delivered report again: the same message (a duplicate), or the same news under a new eventId. */
  async repeat(pick: number, sameId: boolean): Promise<void> {
    if (this.delivered.length === 0) return;
    const feedback = this.delivered[pick % this.delivered.length]!;
    await this.deliver(sameId ? feedback : { ...feedback, eventId: this.nextId() });
  }

  async repeatAll(): Promise<void> {
    const reports = this.delivered.length;
    for (let i = 0; i < reports; i += 1) {
      await this.repeat(i, true);
      await this.repeat(i, false);
    }
  }

  async finish(): Promise<void> {
    while (this.pending.length > 0) await this.work(0, false);
    while (this.inFlight.length > 0) await this.deliverOne(0);
  }

  private send(body: Record<string, unknown>): void {
    this.inFlight.push({ eventId: this.nextId(), body });
  }

  private async deliver(feedback: Feedback): Promise<void> {
    this.delivered.push(feedback);
    await apply('logisticsEvents', { eventId: feedback.eventId, ...feedback.body });
  }

  private nextId(): string {
    this.feedbackCount += 1;
    return `${this.prefix}-fb-${this.feedbackCount}`;
  }
}

describe('reservations never outlive their reason', () => {
  it('for any interleaving of orders, cancels, picks, transfers, expiries and late or repeated feedback', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { minLength: 8, maxLength: 40, size: 'max' }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        async (steps, answersCancels, shipsDespiteCallOff, [atW, atS1, atS2]) => {
          run += 1;
          const prefix = `rn-${run}`;
          const skus = [`${prefix}-A`, `${prefix}-B`];
          const worker = new ModelWorker(prefix, answersCancels, shipsDespiteCallOff);
          const orders: string[] = [];
          let events = 0;
          const nextEventId = (what: string) => `${prefix}-${what}-${(events += 1)}`;
          const noLocationOverpromised = async (after: string) => {
            for (const [key, totals] of await writeSideTotals(skus))
              expect(totals.onHand - totals.reserved, `${key} after ${after}`).toBeGreaterThanOrEqual(0);
          };

          for (const sku of skus) {
            for (const [locationId, quantity] of [
              ['W', atW],
              ['S1', atS1],
              ['S2', atS2],
            ] as const) {
              if (quantity === 0) continue;
              await apply('stockMovements', { eventId: nextEventId('rcv'), type: 'StockReceived', locationId, lines: [{ sku, quantity }] });
              worker.move(locationId, sku, quantity);
            }
          }
          for (const [index, step] of steps.entries()) {
            switch (step.kind) {
              case 'order': {
                const orderId = `${prefix}-O${orders.length + 1}`;
                orders.push(orderId);
                const delivery =
                  step.where === 'ship' ? { mode: 'ship', lat: 30.26, lng: 120.14 } : { mode: 'pickup', storeId: step.where };
                await apply('onlineOrders', {
                  eventId: nextEventId('place'),
                  type: 'OnlineOrderPlaced',
                  orderId,
                  lines: [{ sku: skus[step.sku]!, quantity: step.quantity }],
                  delivery,
                });
                break;
              }
              case 'cancel':
                if (orders.length > 0)
                  await apply('onlineOrders', {
                    eventId: nextEventId('cancel'),
                    type: 'OnlineOrderCancelled',
                    orderId: orders[step.pick % orders.length],
                  });
                break;
              case 'work':
                await worker.work(step.pick, step.short);
                break;
              case 'deliver':
                await worker.deliverOne(step.pick);
                break;
              case 'repeat':
                await worker.repeat(step.pick, step.sameId);
                break;
              case 'expireHolds':
                await sweeper.sweepExpired(new Date(Date.now() + 2 * HOUR));
                break;
              case 'callOffTransfers':
                await sweeper.sweepTransfersPastShipBy(new Date(Date.now() + 6 * HOUR));
                break;
            }
            await worker.take(await newCommands());
            await noLocationOverpromised(`step ${index} (${step.kind})`);
          }

          // Everything ends: the worker works or drops all it has and delivers all it said, then every deadline passes.
          for (let round = 0; round < 20; round += 1) {
            await worker.finish();
            await worker.take(await newCommands());
            if (!worker.idle) continue;
            const later = new Date(Date.now() + 1000 * HOUR);
            const swept =
              (await sweeper.sweepExpired(later)) +
              (await sweeper.sweepTransfersPastShipBy(later)) +
              (await sweeper.sweepUnconfirmedCancels(later));
            await worker.take(await newCommands());
            await noLocationOverpromised(`final round ${round}`);
            if (swept === 0 && worker.idle) break;
          }
          expect(worker.idle).toBe(true);
          // Late and repeated: every report once more, as the same message and under a new eventId; nothing changes.
          await worker.repeatAll();
          await worker.take(await newCommands());
          expect(worker.idle).toBe(true);

          const written = await writeSideTotals(skus);
          const shown = await viewTotals(skus);
          for (const [key, totals] of written) {
            const physical = worker.ledger.get(key) ?? 0;
            expect(totals, key).toEqual({ onHand: physical, reserved: 0, inTransit: 0 });
            expect(shown.get(key) ?? { onHand: 0, reserved: 0, inTransit: 0 }, `view ${key}`).toEqual({
              onHand: physical,
              reserved: 0,
              inTransit: 0,
            });
          }
          for (const table of ['pickup_holds', 'transfers_awaiting_shipment', 'cancels_awaiting_confirmation']) {
            const [left] = await db.reads.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
            expect(left!.n, `${table} after everything ended`).toBe(0);
          }
        },
      ),
      { numRuns: 30 },
    );
    // The runs did race: orders dispatched and cancelled, picks shipped, collected and short, transfers, answers to cancels.
    for (const what of [
      'DispatchFulfillment',
      'CancelFulfillment',
      'TransferStock',
      'applied FulfillmentShipped',
      'applied PickupCollected',
      'applied FulfillmentFailed',
      'applied TransferReceived',
      'applied OnlineOrderCancelled',
      'CancelTransfer',
      'dead letter TransferShipped',
      'dead letter TransferReceived',
      'recorded by hand',
      'duplicate',
    ])
      expect(seen.get(what) ?? 0, `${what} over all runs: ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
  });
});
