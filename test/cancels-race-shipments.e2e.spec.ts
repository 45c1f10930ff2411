import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickupHoldSweeper } from '../apps/inventory-service/src/fulfillment/expire-pickup-holds/pickup-hold-sweeper.service';
import { TestLogisticsWorker } from './support/logistics-worker';
import { eventually } from './support/test-kafka';
import { OmnichannelClient } from './support/omnichannel-client';
import type { RunningTestService } from './support/test-service';
import { startFulfillmentRig, HANGZHOU_NETWORK, type FulfillmentRig } from './support/fulfillment-rig';

/**
 * Issue 17, item 4: a cancelled fulfillment's units stay reserved until its location answers the
 * CancelFulfillment (shipped or collected: the stock leaves; failed: released) or CANCEL_CONFIRM_HOURS
 * pass, so the same units are never promised twice while the truck may be leaving. The order view shows
 * such a fulfillment as `cancelled` with `awaitingCancelConfirmation` and the `reservedLines` it still holds.
 */
let service: RunningTestService;
let shop: OmnichannelClient;
let worker: TestLogisticsWorker;

const { W01, S002 } = HANGZHOU_NETWORK;
const LOCATIONS = { W01, S002 };
const SHIP = { mode: 'ship', lat: 30.3, lng: 120.1 } as const;
const HOUR = 60 * 60 * 1000;

let rig: FulfillmentRig;

beforeAll(async () => {
  rig = await startFulfillmentRig(LOCATIONS);
  ({ service, shop, worker } = rig);
});
afterAll(() => rig?.stop());

const dispatchOf = (orderId: string) =>
  eventually(async () => {
    const dispatch = worker.of('DispatchFulfillment').find((c) => c.orderId === orderId);
    expect(dispatch).toBeDefined();
    return dispatch!;
  });
const cancelSentFor = (orderId: string) =>
  eventually(async () => expect(worker.of('CancelFulfillment').filter((c) => c.orderId === orderId)).toHaveLength(1));
const states = (order: any) => order.fulfillments.map((f: any) => f.state);

describe('cancels that race shipments never promise the same units twice, on real Kafka and PostgreSQL', () => {
  it('cancel, then shipped: the units stay reserved (a second order is backordered), then leave; the order shows shipped despite its cancel', async () => {
    worker.answerWith(() => []);
    await shop.receive('W01', [{ sku: 'CR-A', quantity: 2 }]);
    await shop.expectStock('CR-A', { W01: [2, 0, 2, 0] });
    await shop.placeOrder('O-CR-1', [{ sku: 'CR-A', quantity: 2 }], SHIP);
    const dispatch = await dispatchOf('O-CR-1');
    await shop.expectStock('CR-A', { W01: [2, 2, 0, 0] });

    await shop.cancelOrder('O-CR-1');
    await cancelSentFor('O-CR-1');
    // The order view shows the cancelled fulfillment still holding its units while its location has not answered.
    await shop.fulfillmentOf('O-CR-1', (o) =>
      expect(o).toMatchObject({
        status: 'cancelled',
        fulfillments: [{ state: 'cancelled', awaitingCancelConfirmation: true, reservedLines: [{ sku: 'CR-A', quantity: 2 }] }],
      }),
    );
    await shop.expectStock('CR-A', { W01: [2, 2, 0, 0] }); // cancel requested: still held, the truck may be leaving
    await shop.placeOrder('O-CR-2', [{ sku: 'CR-A', quantity: 2 }], SHIP);
    await shop.fulfillmentOf('O-CR-2', (o) => expect(o).toMatchObject({ fulfillments: [], backordered: [{ sku: 'CR-A', quantity: 2 }] }));

    await worker.send([{ type: 'FulfillmentShipped', fulfillmentId: dispatch.fulfillmentId }]);
    await shop.fulfillmentOf('O-CR-1', (o) =>
      expect(o).toMatchObject({
        status: 'cancelled',
        fulfillments: [{ state: 'shipped', awaitingCancelConfirmation: false, reservedLines: [] }],
      }),
    );
    await shop.expectStock('CR-A', { W01: [0, 0, 0, 0] });
  });

  it('shipped, then cancel: nothing to call off, no CancelFulfillment, the stock already left once', async () => {
    worker.answerWith((c) =>
      c.type === 'DispatchFulfillment' && c.orderId === 'O-CR-3' ? [{ type: 'FulfillmentShipped', fulfillmentId: c.fulfillmentId }] : [],
    );
    await shop.receive('W01', [{ sku: 'CR-B', quantity: 3 }]);
    await shop.expectStock('CR-B', { W01: [3, 0, 3, 0] });
    await shop.placeOrder('O-CR-3', [{ sku: 'CR-B', quantity: 2 }], SHIP);
    await shop.fulfillmentOf('O-CR-3', (o) => expect(states(o)).toEqual(['shipped']));
    await shop.expectStock('CR-B', { W01: [1, 0, 1, 0] });

    await shop.cancelOrder('O-CR-3');
    await shop.fulfillmentOf('O-CR-3', (o) => expect(o).toMatchObject({ status: 'cancelled', fulfillments: [{ state: 'shipped' }] }));
    await shop.expectStock('CR-B', { W01: [1, 0, 1, 0] });
    expect(worker.of('CancelFulfillment').filter((c) => c.orderId === 'O-CR-3')).toEqual([]);
  });

  it('cancel, then the location stops the pick (FulfillmentFailed, nothing short): released at once', async () => {
    worker.answerWith((c) =>
      c.type === 'CancelFulfillment' && c.orderId === 'O-CR-4'
        ? [{ type: 'FulfillmentFailed', fulfillmentId: c.fulfillmentId, shortLines: [] }]
        : [],
    );
    await shop.receive('W01', [{ sku: 'CR-C', quantity: 2 }]);
    await shop.expectStock('CR-C', { W01: [2, 0, 2, 0] });
    await shop.placeOrder('O-CR-4', [{ sku: 'CR-C', quantity: 2 }], SHIP);
    await dispatchOf('O-CR-4');
    await shop.cancelOrder('O-CR-4');
    await shop.expectStock('CR-C', { W01: [2, 0, 2, 0] });
    await shop.fulfillmentOf('O-CR-4', (o) =>
      expect(o).toMatchObject({
        status: 'cancelled',
        fulfillments: [{ state: 'cancelled', awaitingCancelConfirmation: false, reservedLines: [] }],
      }),
    );
  });

  it('cancel with no answer: released once CANCEL_CONFIRM_HOURS have passed, exactly once', async () => {
    worker.answerWith(() => []);
    await shop.receive('W01', [{ sku: 'CR-D', quantity: 2 }]);
    await shop.expectStock('CR-D', { W01: [2, 0, 2, 0] });
    await shop.placeOrder('O-CR-5', [{ sku: 'CR-D', quantity: 2 }], SHIP);
    await dispatchOf('O-CR-5');
    await shop.cancelOrder('O-CR-5');
    await cancelSentFor('O-CR-5');
    await shop.fulfillmentOf('O-CR-5', (o) =>
      expect(o).toMatchObject({ status: 'cancelled', fulfillments: [{ state: 'cancelled', awaitingCancelConfirmation: true }] }),
    );
    await shop.expectStock('CR-D', { W01: [2, 2, 0, 0] });

    const sweeper = service.app.get(PickupHoldSweeper);
    expect(await sweeper.sweepUnconfirmedCancels(new Date())).toBe(0); // not due yet
    const past = new Date(Date.now() + service.config.fulfillment.cancelConfirmMs + HOUR);
    expect(await sweeper.sweepUnconfirmedCancels(past)).toBeGreaterThanOrEqual(1);
    expect(await sweeper.sweepUnconfirmedCancels(past)).toBe(0);
    await shop.expectStock('CR-D', { W01: [2, 0, 2, 0] });
    await shop.fulfillmentOf('O-CR-5', (o) =>
      expect(o.fulfillments).toMatchObject([{ state: 'cancelled', awaitingCancelConfirmation: false, reservedLines: [] }]),
    );
  });

  it('a pickup collected as its hold expires: still held after the expiry (another pickup is backordered), then collected', async () => {
    worker.answerWith(() => []);
    await shop.receive('S002', [{ sku: 'CR-P', quantity: 2 }]);
    await shop.expectStock('CR-P', { S002: [2, 0, 2, 0] });
    await shop.placeOrder('O-CR-6', [{ sku: 'CR-P', quantity: 2 }], { mode: 'pickup', storeId: 'S002' });
    const dispatch = await dispatchOf('O-CR-6');
    await shop.expectStock('CR-P', { S002: [2, 2, 0, 0] });

    const sweeper = service.app.get(PickupHoldSweeper);
    expect(await sweeper.sweepExpired(new Date(Date.now() + service.config.fulfillment.pickupHoldMs + HOUR))).toBeGreaterThanOrEqual(1);
    await cancelSentFor('O-CR-6');
    await shop.fulfillmentOf('O-CR-6', (o) => expect(states(o)).toEqual(['cancelled']));
    await shop.expectStock('CR-P', { S002: [2, 2, 0, 0] });
    await shop.placeOrder('O-CR-7', [{ sku: 'CR-P', quantity: 2 }], { mode: 'pickup', storeId: 'S002' });
    await shop.fulfillmentOf('O-CR-7', (o) => expect(o).toMatchObject({ fulfillments: [], backordered: [{ sku: 'CR-P', quantity: 2 }] }));

    await worker.send([{ type: 'PickupCollected', fulfillmentId: dispatch.fulfillmentId }]); // handed over as the hold ran out
    await shop.fulfillmentOf('O-CR-6', (o) => expect(states(o)).toEqual(['collected']));
    await shop.expectStock('CR-P', { S002: [0, 0, 0, 0] });
  });
});
