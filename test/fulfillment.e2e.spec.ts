import { DEAD_LETTER_HEADERS, orderBackorderedSchema } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickupHoldSweeper } from '../apps/inventory-service/src/fulfillment/expire-pickup-holds/pickup-hold-sweeper.service';
import { runCli } from './support/built-apps';
import { TestLogisticsWorker } from './support/logistics-worker';
import { eventually, readTopic, readTopicUntil, sendJson, testKafka, type ConsumedMessage } from './support/test-kafka';
import { OmnichannelClient } from './support/omnichannel-client';
import type { RunningTestService } from './support/test-service';
import { startFulfillmentRig, HANGZHOU_NETWORK, type FulfillmentRig } from './support/fulfillment-rig';

const kafka = testKafka();
let service: RunningTestService;
let shop: OmnichannelClient;
let producer: Producer;
let worker: TestLogisticsWorker;

const LOCATIONS = HANGZHOU_NETWORK;
const NEAR_S001 = { mode: 'ship', lat: 30.271, lng: 120.161 } as const;

let rig: FulfillmentRig;

beforeAll(async () => {
  rig = await startFulfillmentRig(LOCATIONS);
  ({ service, shop, producer, worker } = rig);
});
afterAll(() => rig?.stop());

const now = () => new Date().toISOString();

describe('fulfillment on real Kafka and PostgreSQL', () => {
  it('ships an order from the nearest location that holds all of it, and the shipment takes it off the shelf', async () => {
    worker.answerWith((c) =>
      c.type === 'DispatchFulfillment' && c.orderId === 'O-SHIP' ? [{ type: 'FulfillmentShipped', fulfillmentId: c.fulfillmentId }] : [],
    );
    await shop.receive('W01', [{ sku: 'SL-A', quantity: 10 }]);
    await shop.receive('S001', [{ sku: 'SL-A', quantity: 5 }]);
    await shop.expectStock('SL-A', { S001: [5, 0, 5, 0], W01: [10, 0, 10, 0] });

    await shop.placeOrder('O-SHIP', [{ sku: 'SL-A', quantity: 2 }], NEAR_S001);
    const order = await shop.fulfillmentOf('O-SHIP', (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['shipped']));
    expect(order).toMatchObject({
      orderId: 'O-SHIP',
      backordered: [],
      fulfillments: [{ fromLocationId: 'S001', lines: [{ sku: 'SL-A', quantity: 2 }] }],
    });
    expect(order.fulfillments[0].reasons.join(' ')).toMatch(/nearest/);
    const dispatch = worker.of('DispatchFulfillment').find((c) => c.orderId === 'O-SHIP')!;
    expect(dispatch).toMatchObject({
      fromLocationId: 'S001',
      delivery: NEAR_S001,
      commandId: `${order.fulfillments[0].fulfillmentId}:dispatch`,
    });
    await shop.expectStock('SL-A', { S001: [3, 0, 3, 0], W01: [10, 0, 10, 0] });

    // An operator can read the order's stream and the stock item's, event by event.
    const database = { DATABASE_URL: service.config.database.url, DATABASE_SCHEMA: service.config.database.schema };
    const orderStream = await runCli(['inspect', 'online-order', 'O-SHIP'], database);
    expect(orderStream.code).toBe(0);
    expect(orderStream.stdout).toMatch(/^online-order\|O-SHIP: 3 events/);
    expect(orderStream.stdout).toMatch(/v1 .* OnlineOrderAccepted[\s\S]*v2 .* FulfillmentDispatched[\s\S]*v3 .* FulfillmentShipped/);
    const item = await runCli(['inspect', 'stock-item', 'S001', 'SL-A', '--json'], database);
    expect(JSON.parse(item.stdout)).toMatchObject({
      streamId: 'stock-item|S001|SL-A',
      state: { onHand: 3, reserved: 0 },
      events: [{ type: 'StockReceived' }, { type: 'StockReserved' }, { type: 'ReservedStockShipped' }],
    });
    const unknown = await runCli(['inspect', 'online-order', 'O-NEVER'], database);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no events/) });
    expect((await runCli(['inspect', 'order', 'O-SHIP'], database)).code).toBe(2);
  });

  it('splits across the fewest locations, backorders what nobody has, and a cancel tells the locations and releases once they stop the picks', async () => {
    worker.answerWith(() => []);
    await shop.receive('W01', [{ sku: 'SL-B', quantity: 3 }]);
    await shop.receive('S001', [{ sku: 'SL-C', quantity: 2 }]);
    await shop.expectStock('SL-C', { S001: [2, 0, 2, 0] });

    await shop.placeOrder(
      'O-SPLIT',
      [
        { sku: 'SL-B', quantity: 3 },
        { sku: 'SL-C', quantity: 2 },
        { sku: 'SL-NONE', quantity: 1 },
      ],
      NEAR_S001,
    );
    const order = await shop.fulfillmentOf('O-SPLIT', (o) => expect(o.fulfillments).toHaveLength(2));
    expect(order.fulfillments.map((f: any) => [f.fromLocationId, f.lines, f.state]).sort()).toEqual([
      ['S001', [{ sku: 'SL-C', quantity: 2 }], 'dispatched'],
      ['W01', [{ sku: 'SL-B', quantity: 3 }], 'dispatched'],
    ]);
    expect(order.backordered).toEqual([{ sku: 'SL-NONE', quantity: 1 }]);
    await shop.expectStock('SL-B', { W01: [3, 3, 0, 0] });
    const backorderedOf = (m: ConsumedMessage) => m.key === 'O-SPLIT' && JSON.parse(m.value!).type === 'OrderBackordered';
    const status = (await readTopicUntil(kafka, service.config.kafka.topics.orderStatus, (all) => all.some(backorderedOf)))
      .map((m) => JSON.parse(m.value!))
      .filter((s) => s.type === 'OrderBackordered')
      .map((s) => orderBackorderedSchema.parse(s));
    expect(status.find((s) => s.orderId === 'O-SPLIT')).toMatchObject({
      type: 'OrderBackordered',
      lines: [{ sku: 'SL-NONE', quantity: 1 }],
    });
    const online = await shop.getJson('/v1/stock/SL-B');
    expect(online.body.onlineAvailableToPromise).toBe(0);

    // Each location answers the CancelFulfillment: the pick stopped, nothing short (FulfillmentFailed). Until then the units stay held.
    worker.answerWith((c) =>
      c.type === 'CancelFulfillment' && c.orderId === 'O-SPLIT'
        ? [{ type: 'FulfillmentFailed', fulfillmentId: c.fulfillmentId, shortLines: [] }]
        : [],
    );
    await sendJson(producer, service.config.kafka.topics.onlineOrders, [
      {
        key: 'O-SPLIT',
        value: { eventId: shop.nextEventId('cancel'), type: 'OnlineOrderCancelled', occurredAt: now(), orderId: 'O-SPLIT' },
      },
    ]);
    await shop.fulfillmentOf('O-SPLIT', (o) =>
      expect(o).toMatchObject({ status: 'cancelled', fulfillments: [{ state: 'cancelled' }, { state: 'cancelled' }] }),
    );
    await shop.expectStock('SL-B', { W01: [3, 0, 3, 0] });
    await eventually(async () =>
      expect(
        worker
          .of('CancelFulfillment')
          .filter((c) => c.orderId === 'O-SPLIT')
          .map((c) => c.fromLocationId)
          .sort(),
      ).toEqual(['S001', 'W01']),
    );
  });

  it('on a failed pick writes off the short lines there and re-sources the order elsewhere', async () => {
    worker.answerWith((c) => {
      if (c.type !== 'DispatchFulfillment' || c.orderId !== 'O-FAIL') return [];
      return c.fromLocationId === 'S001'
        ? [{ type: 'FulfillmentFailed', fulfillmentId: c.fulfillmentId, shortLines: [{ sku: 'SL-E', quantity: 1 }] }]
        : [{ type: 'FulfillmentShipped', fulfillmentId: c.fulfillmentId }];
    });
    await shop.receive('W01', [{ sku: 'SL-E', quantity: 5 }]);
    await shop.receive('S001', [{ sku: 'SL-E', quantity: 2 }]);
    await shop.expectStock('SL-E', { S001: [2, 0, 2, 0], W01: [5, 0, 5, 0] });

    await shop.placeOrder('O-FAIL', [{ sku: 'SL-E', quantity: 2 }], NEAR_S001);
    const order = await shop.fulfillmentOf('O-FAIL', (o) =>
      expect(o.fulfillments.map((f: any) => [f.fromLocationId, f.state])).toEqual([
        ['S001', 'failed'],
        ['W01', 'shipped'],
      ]),
    );
    expect(order.backordered).toEqual([]);
    await shop.expectStock('SL-E', { S001: [1, 0, 1, 0], W01: [3, 0, 3, 0] });
  });

  it('serves a pickup from its store after a transfer brings what the store lacks', async () => {
    worker.answerWith((c) => {
      if (c.type === 'TransferStock' && c.toLocationId === 'S002') {
        return [
          { type: 'TransferShipped', transferId: c.transferId },
          { type: 'TransferReceived', transferId: c.transferId, lines: c.lines },
        ];
      }
      if (c.type === 'DispatchFulfillment' && c.orderId === 'O-PICK') return [{ type: 'PickupCollected', fulfillmentId: c.fulfillmentId }];
      return [];
    });
    await shop.receive('W01', [{ sku: 'SL-G', quantity: 5 }]);
    await shop.receive('S002', [{ sku: 'SL-G', quantity: 1 }]);
    await shop.expectStock('SL-G', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] });

    await shop.placeOrder('O-PICK', [{ sku: 'SL-G', quantity: 3 }], { mode: 'pickup', storeId: 'S002' });
    const order = await shop.fulfillmentOf('O-PICK', (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['collected']));
    expect(order).toMatchObject({
      fulfillments: [{ fromLocationId: 'S002', lines: [{ sku: 'SL-G', quantity: 3 }] }],
      transfers: [{ fromLocationId: 'W01', toLocationId: 'S002', received: true }],
    });
    const transfer = worker.of('TransferStock').find((c) => c.toLocationId === 'S002' && c.lines[0]!.sku === 'SL-G')!;
    expect(transfer).toMatchObject({ fromLocationId: 'W01', lines: [{ sku: 'SL-G', quantity: 2 }] });
    const dispatch = worker.of('DispatchFulfillment').find((c) => c.orderId === 'O-PICK')!;
    expect(dispatch).toMatchObject({ fromLocationId: 'S002', delivery: { mode: 'pickup', storeId: 'S002' } });
    await shop.expectStock('SL-G', { S002: [0, 0, 0, 0], W01: [3, 0, 3, 0] });
  });

  it('cancels an uncollected pickup when its hold expires: the store told, stock back on sale once it answers', async () => {
    worker.answerWith((c) =>
      c.type === 'CancelFulfillment' && c.orderId === 'O-HOLD'
        ? [{ type: 'FulfillmentFailed', fulfillmentId: c.fulfillmentId, shortLines: [] }]
        : [],
    );
    await shop.receive('S002', [{ sku: 'SL-H', quantity: 2 }]);
    await shop.expectStock('SL-H', { S002: [2, 0, 2, 0] });
    await shop.placeOrder('O-HOLD', [{ sku: 'SL-H', quantity: 2 }], { mode: 'pickup', storeId: 'S002' });
    await shop.fulfillmentOf('O-HOLD', (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['dispatched']));
    await shop.expectStock('SL-H', { S002: [2, 2, 0, 0] });

    const sweeper = service.app.get(PickupHoldSweeper);
    expect(await sweeper.sweepExpired(new Date())).toBe(0); // not due yet
    expect(await sweeper.sweepExpired(new Date(Date.now() + 73 * 60 * 60 * 1000))).toBeGreaterThanOrEqual(1);
    await shop.fulfillmentOf('O-HOLD', (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['cancelled']));
    await shop.expectStock('SL-H', { S002: [2, 0, 2, 0] });
    await eventually(async () =>
      expect(worker.of('CancelFulfillment').some((c) => c.orderId === 'O-HOLD' && c.fromLocationId === 'S002')).toBe(true),
    );
  });

  it('replenishes a store at its reorder point from the nearest warehouse, never with two open transfers', async () => {
    worker.answerWith(() => []);
    expect((await shop.put('/v1/locations/S001/skus/SL-R/policy', { safetyStock: 0, reorderPoint: 3, reorderQuantity: 10 })).status).toBe(
      201,
    );
    await shop.receive('W01', [{ sku: 'SL-R', quantity: 50 }]);
    await shop.receive('S001', [{ sku: 'SL-R', quantity: 5 }]);
    await shop.expectStock('SL-R', { S001: [5, 0, 5, 0], W01: [50, 0, 50, 0] });

    await shop.sell('S001', [{ sku: 'SL-R', quantity: 2 }]);
    const transfer = await eventually(async () => {
      const found = worker.of('TransferStock').filter((c) => c.toLocationId === 'S001' && c.lines[0]!.sku === 'SL-R');
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(transfer).toMatchObject({ fromLocationId: 'W01', lines: [{ sku: 'SL-R', quantity: 10 }] });
    await shop.expectStock('SL-R', { S001: [3, 0, 3, 0], W01: [50, 10, 40, 0] });

    await shop.sell('S001', [{ sku: 'SL-R', quantity: 1 }]);
    await shop.expectStock('SL-R', { S001: [2, 0, 2, 0], W01: [50, 10, 40, 0] });
    await worker.send([{ type: 'TransferShipped', transferId: transfer.transferId }]);
    await shop.expectStock('SL-R', { S001: [2, 0, 2, 10], W01: [40, 0, 40, 0] });
    await worker.send([{ type: 'TransferReceived', transferId: transfer.transferId, lines: [{ sku: 'SL-R', quantity: 10 }] }]);
    await shop.expectStock('SL-R', { S001: [12, 0, 12, 0], W01: [40, 0, 40, 0] });
    expect(worker.of('TransferStock').filter((c) => c.toLocationId === 'S001' && c.lines[0]!.sku === 'SL-R')).toHaveLength(1);
  });

  it('with 100 concurrent orders competing for 10 units reserves exactly 10 and backorders the rest', async () => {
    worker.answerWith(() => []);
    await shop.receive('S001', [{ sku: 'SL-K', quantity: 4 }]);
    await shop.receive('W01', [{ sku: 'SL-K', quantity: 6 }]);
    await shop.expectStock('SL-K', { S001: [4, 0, 4, 0], W01: [6, 0, 6, 0] });
    const orders = Array.from({ length: 100 }, (_, i) => `O-RUSH-${i}`);
    // Sent from several producers at once, spread over the topic's partitions.
    await Promise.all(
      [0, 1, 2, 3].map((part) =>
        sendJson(
          producer,
          service.config.kafka.topics.onlineOrders,
          orders
            .filter((_, i) => i % 4 === part)
            .map((orderId) => ({
              key: orderId,
              value: {
                eventId: `rush-${orderId}`,
                type: 'OnlineOrderPlaced',
                occurredAt: now(),
                orderId,
                lines: [{ sku: 'SL-K', quantity: 1 }],
                delivery: NEAR_S001,
              },
            })),
        ),
      ),
    );
    const views = await eventually(
      async () => {
        const all = await Promise.all(orders.map(async (orderId) => (await shop.getJson(`/v1/orders/${orderId}/fulfillment`)).body));
        expect(all.every((o) => o.orderId)).toBe(true);
        return all;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const served = views.filter((o) => o.fulfillments.length > 0);
    expect(served).toHaveLength(10);
    expect(views.filter((o) => o.backordered.length > 0)).toHaveLength(90);
    const stock = await shop.expectStock('SL-K', { S001: [4, 4, 0, 0], W01: [6, 6, 0, 0] });
    expect(stock.onlineAvailableToPromise).toBe(0);
    await eventually(async () => expect(worker.of('DispatchFulfillment').filter((c) => c.orderId.startsWith('O-RUSH-'))).toHaveLength(10));
  });

  it('dead-letters feedback for a fulfillment or transfer it never commanded or that cannot be true of it, and a pickup at an unknown store', async () => {
    await worker.send([
      { type: 'FulfillmentShipped', fulfillmentId: 'F-nobody-1' },
      { type: 'TransferReceived', transferId: 'T-nowhere', lines: [{ sku: 'X', quantity: 1 }] },
      { type: 'PickupCollected', fulfillmentId: 'F-O-SHIP-1' }, // O-SHIP (first test) is shipped to the door
      { type: 'FulfillmentFailed', fulfillmentId: 'F-O-SHIP-1', shortLines: [{ sku: 'SL-A', quantity: 2 }] }, // after it left
    ]);
    await shop.placeOrder('O-NOSTORE', [{ sku: 'SL-A', quantity: 1 }], { mode: 'pickup', storeId: 'S404' });
    const letters = await readTopic(kafka, service.config.kafka.topics.deadLetters, 5);
    const reasons = letters.map((l) => l.headers[DEAD_LETTER_HEADERS.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^unknown fulfillment: F-nobody-1/),
        expect.stringMatching(/^unknown transfer: T-nowhere/),
        expect.stringMatching(/^unknown location: pickup store "S404" is not registered/),
        'feedback does not fit: collected for F-O-SHIP-1, a shipment (shipped, not collected)',
        'feedback does not fit: failed for F-O-SHIP-1, already shipped',
      ]),
    );
    await shop.expectStock('SL-A', { S001: [3, 0, 3, 0], W01: [10, 0, 10, 0] }); // nothing written off
    expect((await shop.getJson('/v1/orders/O-NOSTORE/fulfillment')).status).toBe(404);
  });
});
