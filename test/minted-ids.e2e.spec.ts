import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestLogisticsWorker } from './support/logistics-worker';
import { eventually } from './support/test-kafka';
import { OmnichannelClient } from './support/omnichannel-client';
import { HANGZHOU_NETWORK, startFulfillmentRig, type FulfillmentRig } from './support/fulfillment-rig';

/**
 * Ids the service mints (fulfillment, transfer, command) fit the contract's 200 characters and never
 * collide, so a worker's feedback naming them is applied: with 200-character order ids, and with
 * dashes in location ids and SKUs (a replenishment for store `S-A-B` and SKU `C` against one for
 * store `S-A` and SKU `B-C`).
 */
let shop: OmnichannelClient;
let worker: TestLogisticsWorker;

const LOCATIONS = {
  'W-X': { ...HANGZHOU_NETWORK.W01, name: 'Dashes DC' },
  'S-A-B': { type: 'store', name: 'A-B', lat: 30.27, lng: 120.16, shipsOnline: false, pickup: true, dailyCapacity: 1000, safetyStock: 0 },
  'S-A': { type: 'store', name: 'A', lat: 30.2, lng: 120.2, shipsOnline: false, pickup: true, dailyCapacity: 1000, safetyStock: 0 },
};

let rig: FulfillmentRig;

beforeAll(async () => {
  rig = await startFulfillmentRig(LOCATIONS);
  ({ shop, worker } = rig);
});
afterAll(() => rig?.stop());

/** Every id in every command the worker got fits the contract's 1 to 200 characters. */
function expectCommandIdsFit(): void {
  for (const command of worker.commands) {
    const ids = [command.commandId, 'fulfillmentId' in command ? command.fulfillmentId : command.transferId];
    for (const id of ids) expect(id.length, id).toBeLessThanOrEqual(200);
  }
}

// 200 characters, dashes and another script in it: the longest order id the contract allows.
const LONG_SHIP = `O-${'单-'.repeat(99)}`;
const LONG_PICKUP = `P-${'x-'.repeat(99)}`;

describe('minted ids on real Kafka and PostgreSQL', () => {
  it("ships an order with a 200-character id: the worker's FulfillmentShipped for it is applied", async () => {
    expect(LONG_SHIP).toHaveLength(200);
    worker.answerWith((c) =>
      c.type === 'DispatchFulfillment' && c.orderId === LONG_SHIP ? [{ type: 'FulfillmentShipped', fulfillmentId: c.fulfillmentId }] : [],
    );
    await shop.receive('W-X', [{ sku: 'M-1', quantity: 10 }]);
    await shop.expectStock('M-1', { 'W-X': [10, 0, 10, 0] });
    await shop.placeOrder(LONG_SHIP, [{ sku: 'M-1', quantity: 2 }], { mode: 'ship', lat: 30.3, lng: 120.1 });
    await shop.fulfillmentOf(LONG_SHIP, (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['shipped']));
    await shop.expectStock('M-1', { 'W-X': [8, 0, 8, 0] });
    expectCommandIdsFit();
  });

  it('serves a pickup with a 200-character order id through a transfer: TransferShipped, TransferReceived and PickupCollected are applied', async () => {
    expect(LONG_PICKUP).toHaveLength(200);
    worker.answerWith((c) => {
      if (c.type === 'TransferStock' && c.toLocationId === 'S-A' && c.lines[0]!.sku === 'M-2') {
        return [
          { type: 'TransferShipped', transferId: c.transferId },
          { type: 'TransferReceived', transferId: c.transferId, lines: c.lines },
        ];
      }
      if (c.type === 'DispatchFulfillment' && c.orderId === LONG_PICKUP)
        return [{ type: 'PickupCollected', fulfillmentId: c.fulfillmentId }];
      return [];
    });
    await shop.receive('W-X', [{ sku: 'M-2', quantity: 5 }]);
    await shop.expectStock('M-2', { 'W-X': [5, 0, 5, 0] });
    await shop.placeOrder(LONG_PICKUP, [{ sku: 'M-2', quantity: 3 }], { mode: 'pickup', storeId: 'S-A' });
    const order = await shop.fulfillmentOf(LONG_PICKUP, (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['collected']));
    expect(order).toMatchObject({ transfers: [{ fromLocationId: 'W-X', toLocationId: 'S-A', received: true }] });
    await shop.expectStock('M-2', { 'S-A': [0, 0, 0, 0], 'W-X': [2, 0, 2, 0] });
    expectCommandIdsFit();
  });

  it('gives replenishments for store S-A-B / SKU C and store S-A / SKU B-C two transfers, and feedback for each is applied to its own', async () => {
    worker.answerWith(() => []);
    expect((await shop.put('/v1/locations/S-A-B/skus/C/policy', { safetyStock: 0, reorderPoint: 3, reorderQuantity: 10 })).status).toBe(
      201,
    );
    expect((await shop.put('/v1/locations/S-A/skus/B-C/policy', { safetyStock: 0, reorderPoint: 3, reorderQuantity: 10 })).status).toBe(
      201,
    );
    await shop.receive('W-X', [
      { sku: 'C', quantity: 50 },
      { sku: 'B-C', quantity: 50 },
    ]);
    // The same history at both stock items: the same stream version when each asks for stock.
    await shop.receive('S-A-B', [{ sku: 'C', quantity: 5 }]);
    await shop.receive('S-A', [{ sku: 'B-C', quantity: 5 }]);
    await shop.expectStock('C', { 'S-A-B': [5, 0, 5, 0], 'W-X': [50, 0, 50, 0] });
    await shop.expectStock('B-C', { 'S-A': [5, 0, 5, 0], 'W-X': [50, 0, 50, 0] });
    await shop.sell('S-A-B', [{ sku: 'C', quantity: 2 }]);
    await shop.sell('S-A', [{ sku: 'B-C', quantity: 2 }]);

    const [toAB, toA] = await eventually(async () => {
      const ab = worker.of('TransferStock').filter((c) => c.toLocationId === 'S-A-B' && c.lines[0]!.sku === 'C');
      const a = worker.of('TransferStock').filter((c) => c.toLocationId === 'S-A' && c.lines[0]!.sku === 'B-C');
      expect([ab.length, a.length]).toEqual([1, 1]);
      return [ab[0]!, a[0]!];
    });
    expect(toAB.transferId).not.toBe(toA.transferId);
    expect(toAB.commandId).not.toBe(toA.commandId);
    await shop.expectStock('C', { 'S-A-B': [3, 0, 3, 0], 'W-X': [50, 10, 40, 0] });
    await shop.expectStock('B-C', { 'S-A': [3, 0, 3, 0], 'W-X': [50, 10, 40, 0] });

    await worker.send([
      { type: 'TransferShipped', transferId: toAB.transferId },
      { type: 'TransferShipped', transferId: toA.transferId },
    ]);
    await worker.send([
      { type: 'TransferReceived', transferId: toAB.transferId, lines: [{ sku: 'C', quantity: 10 }] },
      { type: 'TransferReceived', transferId: toA.transferId, lines: [{ sku: 'B-C', quantity: 10 }] },
    ]);
    await shop.expectStock('C', { 'S-A-B': [13, 0, 13, 0], 'W-X': [40, 0, 40, 0] });
    await shop.expectStock('B-C', { 'S-A': [13, 0, 13, 0], 'W-X': [40, 0, 40, 0] });
    expectCommandIdsFit();
  });
});
