import { orderStatusMessageSchema, type OrderStatusMessage } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestLogisticsWorker } from './support/logistics-worker';
import { OmnichannelClient } from './support/omnichannel-client';
import { eventually, readTopicUntil, sendJson, testKafka } from './support/test-kafka';
import type { RunningTestService } from './support/test-service';
import { startFulfillmentRig, type FulfillmentRig } from './support/fulfillment-rig';

const kafka = testKafka();
let service: RunningTestService;
let shop: OmnichannelClient;
let producer: Producer;
let worker: TestLogisticsWorker;

const store = (shipsOnline: boolean, lat: number, lng: number) => ({
  type: 'store',
  name: 'A store',
  lat,
  lng,
  shipsOnline,
  pickup: true,
  dailyCapacity: 1000,
  safetyStock: 0,
});
const LOCATIONS = {
  W01: { ...store(true, 30.3, 120.1), type: 'warehouse', name: 'Xiaoshan DC', pickup: false },
  S001: store(true, 30.27, 120.16),
  S002: store(false, 30.2, 120.2),
};
const NEAR_S001 = { mode: 'ship', lat: 30.271, lng: 120.161 } as const;
const ORDERS = ['O-L-SHIP', 'O-L-SPLIT', 'O-L-FAIL', 'O-L-PICK', 'O-L-OPEN'];

let rig: FulfillmentRig;

beforeAll(async () => {
  rig = await startFulfillmentRig(LOCATIONS);
  ({ service, shop, producer, worker } = rig);
});
afterAll(() => rig?.stop());

/** An order's fulfillment states from its status messages alone, replayed in the order they came. */
function replay(statuses: readonly OrderStatusMessage[]): { named: string[]; states: Record<string, string>; backordered: number } {
  const named: string[] = [];
  const states: Record<string, string> = {};
  let backordered = 0;
  for (const status of statuses) {
    if (status.type === 'OrderSourced') {
      for (const f of status.fulfillments) named.push(f.fulfillmentId);
      backordered += status.backordered.reduce((sum, line) => sum + line.quantity, 0);
    } else if (status.type === 'FulfillmentStateChanged') {
      expect(named, `${status.fulfillmentId} is named by an OrderSourced before its first state`).toContain(status.fulfillmentId);
      expect(states[status.fulfillmentId], `${status.fulfillmentId} changes state`).not.toBe(status.state);
      states[status.fulfillmentId] = status.state;
    }
  }
  return { named, states, backordered };
}

/** The states GET /v1/orders/{id}/fulfillment shows, awaiting transfers included. */
function shownStates(order: any): Record<string, string> {
  return Object.fromEntries([
    ...order.fulfillments.map((f: any) => [f.fulfillmentId, f.state]),
    ...order.awaitingTransfers.map((f: any) => [f.fulfillmentId, 'awaiting-transfer']),
  ]);
}

describe("an order's life on retail.orders.status", () => {
  it('replayed in order, every order status gives the states GET /v1/orders/{id}/fulfillment shows', async () => {
    worker.answerWith((c) => {
      if (c.type === 'TransferStock') {
        return [
          { type: 'TransferShipped', transferId: c.transferId },
          { type: 'TransferReceived', transferId: c.transferId, lines: c.lines },
        ];
      }
      if (c.type !== 'DispatchFulfillment') return [];
      if (c.orderId === 'O-L-FAIL' && c.fromLocationId === 'S001')
        return [{ type: 'FulfillmentFailed', fulfillmentId: c.fulfillmentId, shortLines: [{ sku: 'OL-E', quantity: 1 }] }];
      if (c.orderId === 'O-L-PICK') return [{ type: 'PickupCollected', fulfillmentId: c.fulfillmentId }];
      if (c.orderId === 'O-L-SPLIT' || c.orderId === 'O-L-OPEN') return [];
      return [{ type: 'FulfillmentShipped', fulfillmentId: c.fulfillmentId }];
    });
    await shop.receive('W01', [
      { sku: 'OL-A', quantity: 10 },
      { sku: 'OL-B', quantity: 3 },
      { sku: 'OL-E', quantity: 5 },
      { sku: 'OL-G', quantity: 5 },
      { sku: 'OL-K', quantity: 4 },
    ]);
    await shop.receive('S001', [
      { sku: 'OL-A', quantity: 5 },
      { sku: 'OL-C', quantity: 2 },
      { sku: 'OL-E', quantity: 2 },
    ]);
    await shop.receive('S002', [{ sku: 'OL-G', quantity: 1 }]);
    await eventually(async () => expect((await shop.getJson('/v1/stock/OL-G')).body.locations).toHaveLength(2));
    await eventually(async () => expect((await shop.getJson('/v1/stock/OL-E')).body.locations).toHaveLength(2));

    await shop.placeOrder('O-L-SHIP', [{ sku: 'OL-A', quantity: 2 }], NEAR_S001);
    await shop.placeOrder(
      'O-L-SPLIT',
      [
        { sku: 'OL-B', quantity: 3 },
        { sku: 'OL-C', quantity: 2 },
        { sku: 'OL-NONE', quantity: 1 },
      ],
      NEAR_S001,
    );
    await shop.placeOrder('O-L-FAIL', [{ sku: 'OL-E', quantity: 2 }], NEAR_S001);
    await shop.placeOrder('O-L-PICK', [{ sku: 'OL-G', quantity: 3 }], { mode: 'pickup', storeId: 'S002' });
    await shop.placeOrder('O-L-OPEN', [{ sku: 'OL-K', quantity: 1 }], NEAR_S001);
    await shop.fulfillmentOf('O-L-SPLIT', (o) => expect(o.fulfillments).toHaveLength(2));
    await sendJson(producer, service.config.kafka.topics.onlineOrders, [
      {
        key: 'O-L-SPLIT',
        value: {
          eventId: shop.nextEventId('cancel'),
          type: 'OnlineOrderCancelled',
          occurredAt: new Date().toISOString(),
          orderId: 'O-L-SPLIT',
        },
      },
    ]);

    const settled = {
      'O-L-SHIP': ['shipped'],
      'O-L-SPLIT': ['cancelled', 'cancelled'],
      'O-L-FAIL': ['failed', 'shipped'],
      'O-L-PICK': ['collected'],
      'O-L-OPEN': ['dispatched'],
    } as Record<string, string[]>;
    const orders: Record<string, any> = {};
    for (const orderId of ORDERS)
      orders[orderId] = await shop.fulfillmentOf(orderId, (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(settled[orderId]));

    // Every fulfillment's last state, and the O-L-OPEN dispatch, must have reached the topic.
    const expectedLast = new Set(ORDERS.flatMap((id) => orders[id].fulfillments.map((f: any) => `${f.fulfillmentId}:${f.state}`)));
    const messages = await readTopicUntil(kafka, service.config.kafka.topics.orderStatus, (all) => {
      const seen = new Set(all.map((m) => JSON.parse(m.value!).eventId));
      return [...expectedLast].every((id) => seen.has(id));
    });
    const byOrder = new Map<string, OrderStatusMessage[]>();
    for (const message of messages) {
      const status = orderStatusMessageSchema.parse(JSON.parse(message.value!));
      expect(message.key).toBe(status.orderId);
      expect(message.headers['message-id']).toBe(status.eventId);
      byOrder.set(status.orderId, [...(byOrder.get(status.orderId) ?? []), status]);
    }
    const all = [...byOrder.values()].flat();
    expect(new Set(all.map((s) => s.eventId)).size, 'each change is published once').toBe(all.length);

    for (const orderId of ORDERS) {
      const statuses = byOrder.get(orderId) ?? [];
      expect(statuses[0]?.type, orderId).toBe('OrderSourced');
      const { named, states, backordered } = replay(statuses);
      expect(states, orderId).toEqual(shownStates(orders[orderId]));
      expect(named.sort(), orderId).toEqual(Object.keys(shownStates(orders[orderId])).sort());
      expect(backordered, orderId).toBe(orders[orderId].backordered.reduce((sum: number, l: any) => sum + l.quantity, 0));
    }

    // What a storefront can show: where it ships from, what is backordered, and why.
    const split = byOrder.get('O-L-SPLIT')![0]!;
    expect(split).toMatchObject({ type: 'OrderSourced', backordered: [{ sku: 'OL-NONE', quantity: 1 }] });
    expect((split as { reason: string }).reason).toMatch(/split across 2 locations/);
    const failed = byOrder.get('O-L-FAIL')!;
    expect(failed.filter((s) => s.type === 'OrderSourced')).toHaveLength(2); // placed, then sourced again after the failed pick
    const pickup = byOrder.get('O-L-PICK')!.filter((s) => s.type === 'FulfillmentStateChanged');
    expect(pickup.map((s) => (s as { state: string }).state)).toEqual(['awaiting-transfer', 'dispatched', 'collected']);
  });
});
