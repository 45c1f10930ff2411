import { PostgresEventStore } from '@app/event-store';
import { transferStreamId } from '@app/stock-domain';
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickupHoldSweeper } from '../apps/inventory-service/src/fulfillment/expire-pickup-holds/pickup-hold-sweeper.service';
import { RecordInboundBatch, type InboundMessage } from '../apps/inventory-service/src/ingestion/record-inbound-batch.command';
import { RecordInboundBatchHandler } from '../apps/inventory-service/src/ingestion/record-inbound-batch.handler';
import { loadServiceConfig } from '../apps/inventory-service/src/platform/config/service-config';
import { BackfillTransfersAwaitingShipment1763800019100 } from '../apps/inventory-service/src/platform/database/migrations/1763800019100-backfill-transfers-awaiting-shipment';
import { registerLocationsInDatabase } from './support/locations';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Issue 17: a transfer requested before transfers_awaiting_shipment existed has no ship-by row, so
 * nothing would call it off. The backfill migration finds it in the event log and gives it one.
 */
let db: TestDatabase;
let handler: RecordInboundBatchHandler;
let sweeper: PickupHoldSweeper;
const store = new PostgresEventStore();
const config = loadServiceConfig({});
let offset = 0;
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  db = await createTestDatabase();
  handler = new RecordInboundBatchHandler(db.transactions, store, config);
  sweeper = new PickupHoldSweeper(db.transactions, store, config);
  await registerLocationsInDatabase(db.transactions, {
    W: { type: 'warehouse', shipsOnline: true, dailyCapacity: 100, lat: 30.3, lng: 120.1 },
    S: { pickup: true, dailyCapacity: 100, lat: 30.25, lng: 120.15 },
  });
});
afterAll(async () => {
  await db?.drop();
});

function apply(role: InboundMessage['role'], value: Record<string, unknown>) {
  offset += 1;
  const message: InboundMessage = {
    role,
    topic: config.kafka.topics[role],
    partition: 0,
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(JSON.stringify({ occurredAt: new Date().toISOString(), ...value })),
    headers: {},
  };
  return handler.execute(new RecordInboundBatch('g', message.topic, 0, [message]));
}
const shipByRows = () =>
  db.reads.query<{ transfer_id: string; ship_by: Date }>('SELECT transfer_id, ship_by FROM transfers_awaiting_shipment');
const asQueryRunner = { query: (sql: string, parameters?: unknown[]) => db.reads.query(sql, parameters) } as unknown as QueryRunner;

describe('transfers requested before their deadlines were kept', () => {
  it('are given a ship-by time by the backfill and called off by the sweeper once it has passed', async () => {
    await apply('stockMovements', { eventId: 'r-1', type: 'StockReceived', locationId: 'W', lines: [{ sku: 'T', quantity: 5 }] });
    await apply('onlineOrders', {
      eventId: 'p-1',
      type: 'OnlineOrderPlaced',
      orderId: 'O-OLD',
      lines: [{ sku: 'T', quantity: 2 }],
      delivery: { mode: 'pickup', storeId: 'S' },
    });
    const [requested] = await shipByRows();
    expect(requested).toBeDefined();
    const transferId = requested!.transfer_id;
    // As it was before the table existed: no row, so the sweeper never finds it.
    await db.reads.query('DELETE FROM transfers_awaiting_shipment');
    expect(await sweeper.sweepTransfersPastShipBy(new Date(Date.now() + 1000 * HOUR))).toBe(0);

    await new BackfillTransfersAwaitingShipment1763800019100().up(asQueryRunner);
    const backfilled = await shipByRows();
    expect(backfilled.map((row) => row.transfer_id)).toEqual([transferId]);
    const shipBy = backfilled[0]!.ship_by.getTime();
    expect(Math.abs(shipBy - (Date.now() + 24 * HOUR))).toBeLessThan(HOUR);
    await new BackfillTransfersAwaitingShipment1763800019100().up(asQueryRunner); // run twice: nothing more
    expect(await shipByRows()).toHaveLength(1);

    expect(await sweeper.sweepTransfersPastShipBy(new Date())).toBe(0); // not due yet
    expect(await sweeper.sweepTransfersPastShipBy(new Date(shipBy + HOUR))).toBe(1);
    const events = await store.readStream(db.reads, transferStreamId(transferId));
    expect(events.map((event) => event.type)).toEqual(['TransferRequested', 'TransferCancelled']);
    const [cancel] = await db.reads.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE convert_from(message_value, 'UTF8') LIKE '%"type":"CancelTransfer"%'`,
    );
    expect(cancel!.n).toBe(1);
    expect(await shipByRows()).toEqual([]);
  });

  it('leaves alone transfers that have left, been received or been called off', async () => {
    await db.reads.query('DELETE FROM transfers_awaiting_shipment');
    await new BackfillTransfersAwaitingShipment1763800019100().up(asQueryRunner);
    expect(await shipByRows()).toEqual([]); // the one above was called off
  });
});
