import { DEAD_LETTER_HEADERS } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickupHoldSweeper } from '../apps/inventory-service/src/fulfillment/expire-pickup-holds/pickup-hold-sweeper.service';
import { TestLogisticsWorker } from './support/logistics-worker';
import { eventually, readTopic, testKafka } from './support/test-kafka';
import { OmnichannelClient } from './support/omnichannel-client';
import type { RunningTestService } from './support/test-service';
import { startFulfillmentRig, HANGZHOU_NETWORK, type FulfillmentRig } from './support/fulfillment-rig';

const kafka = testKafka();
let service: RunningTestService;
let shop: OmnichannelClient;
let worker: TestLogisticsWorker;

const LOCATIONS = HANGZHOU_NETWORK;
const PAST_SHIP_BY_MS = 25 * 60 * 60 * 1000; // TRANSFER_SHIP_HOURS is the default 24

let rig: FulfillmentRig;

beforeAll(async () => {
  // The sweeper's own timer never finds a transfer due (24 h); the tests sweep "25 hours later" by hand.
  rig = await startFulfillmentRig(LOCATIONS);
  ({ service, shop, worker } = rig);
});
afterAll(() => rig?.stop());

const transfersTo = (toLocationId: string, sku: string) =>
  worker.of('TransferStock').filter((c) => c.toLocationId === toLocationId && c.lines[0]!.sku === sku);
const cancelsOf = (transferId: string) => worker.of('CancelTransfer').filter((c) => c.transferId === transferId);

describe('transfers always end (contract v1.1), on real Kafka and PostgreSQL', () => {
  it('calls off a replenishment never shipped, once: hold released, a late TransferShipped dead-lettered, and the next sale replenishes again', async () => {
    worker.answerWith(() => []);
    expect((await shop.put('/v1/locations/S001/skus/TE-R/policy', { safetyStock: 0, reorderPoint: 3, reorderQuantity: 10 })).status).toBe(
      201,
    );
    await shop.receive('W01', [{ sku: 'TE-R', quantity: 50 }]);
    await shop.receive('S001', [{ sku: 'TE-R', quantity: 5 }]);
    await shop.expectStock('TE-R', { S001: [5, 0, 5, 0], W01: [50, 0, 50, 0] });
    await shop.sell('S001', [{ sku: 'TE-R', quantity: 2 }]);
    const first = await eventually(async () => {
      expect(transfersTo('S001', 'TE-R')).toHaveLength(1);
      return transfersTo('S001', 'TE-R')[0]!;
    });
    await shop.expectStock('TE-R', { S001: [3, 0, 3, 0], W01: [50, 10, 40, 0] });

    const sweeper = service.app.get(PickupHoldSweeper);
    expect(await sweeper.sweepTransfersPastShipBy(new Date())).toBe(0); // not due yet
    expect(await sweeper.sweepTransfersPastShipBy(new Date(Date.now() + PAST_SHIP_BY_MS))).toBeGreaterThanOrEqual(1);
    expect(await sweeper.sweepTransfersPastShipBy(new Date(Date.now() + PAST_SHIP_BY_MS))).toBe(0); // once
    await eventually(async () =>
      expect(cancelsOf(first.transferId)).toEqual([
        expect.objectContaining({ commandId: `${first.transferId}:cancel`, fromLocationId: 'W01', toLocationId: 'S001' }),
      ]),
    );
    await shop.expectStock('TE-R', { S001: [3, 0, 3, 0], W01: [50, 0, 50, 0] });

    await worker.send([{ type: 'TransferShipped', transferId: first.transferId }]);
    await eventually(async () => {
      const letters = await readTopic(kafka, service.config.kafka.topics.deadLetters, 1);
      expect(letters.map((l) => l.headers[DEAD_LETTER_HEADERS.reason])).toContainEqual(
        expect.stringMatching(new RegExp(`^transfer ${first.transferId} was called off \\(not-shipped-in-time`)),
      );
    });
    await shop.expectStock('TE-R', { S001: [3, 0, 3, 0], W01: [50, 0, 50, 0] }); // the late shipment changed nothing

    await shop.sell('S001', [{ sku: 'TE-R', quantity: 1 }]); // the open flag was cleared: replenished again
    await eventually(async () => expect(transfersTo('S001', 'TE-R')).toHaveLength(2));
    expect(transfersTo('S001', 'TE-R')[1]!.transferId).not.toBe(first.transferId);
    await shop.expectStock('TE-R', { S001: [2, 0, 2, 0], W01: [50, 10, 40, 0] });
    expect(cancelsOf(first.transferId)).toHaveLength(1);
  });

  it('a pickup waiting for a transfer never shipped goes ahead with what its store holds and backorders the rest', async () => {
    worker.answerWith(() => []);
    await shop.receive('W01', [{ sku: 'TE-P', quantity: 5 }]);
    await shop.receive('S002', [{ sku: 'TE-P', quantity: 1 }]);
    await shop.expectStock('TE-P', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] });
    await shop.placeOrder('O-TE-WAIT', [{ sku: 'TE-P', quantity: 3 }], { mode: 'pickup', storeId: 'S002' });
    const transfer = await eventually(async () => {
      expect(transfersTo('S002', 'TE-P')).toHaveLength(1);
      return transfersTo('S002', 'TE-P')[0]!;
    });
    await shop.expectStock('TE-P', { S002: [1, 1, 0, 0], W01: [5, 2, 3, 0] });

    const sweeper = service.app.get(PickupHoldSweeper);
    expect(await sweeper.sweepTransfersPastShipBy(new Date(Date.now() + PAST_SHIP_BY_MS))).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect(cancelsOf(transfer.transferId)).toHaveLength(1));
    const order = await shop.fulfillmentOf('O-TE-WAIT', (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['dispatched']));
    expect(order).toMatchObject({
      fulfillments: [{ fromLocationId: 'S002', lines: [{ sku: 'TE-P', quantity: 1 }] }],
      backordered: [{ sku: 'TE-P', quantity: 2 }],
    });
    await shop.expectStock('TE-P', { S002: [1, 1, 0, 0], W01: [5, 0, 5, 0] });
  });

  it("calls off a cancelled order's transfer that has not left, releasing both ends", async () => {
    worker.answerWith(() => []);
    await shop.receive('W01', [{ sku: 'TE-C', quantity: 5 }]);
    await shop.receive('S002', [{ sku: 'TE-C', quantity: 1 }]);
    await shop.expectStock('TE-C', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] });
    await shop.placeOrder('O-TE-CANCEL', [{ sku: 'TE-C', quantity: 3 }], { mode: 'pickup', storeId: 'S002' });
    const transfer = await eventually(async () => {
      expect(transfersTo('S002', 'TE-C')).toHaveLength(1);
      return transfersTo('S002', 'TE-C')[0]!;
    });
    await shop.expectStock('TE-C', { S002: [1, 1, 0, 0], W01: [5, 2, 3, 0] });
    await shop.cancelOrder('O-TE-CANCEL');
    await eventually(async () =>
      expect(cancelsOf(transfer.transferId)).toEqual([expect.objectContaining({ fromLocationId: 'W01', toLocationId: 'S002' })]),
    );
    await shop.expectStock('TE-C', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] });
    await shop.fulfillmentOf('O-TE-CANCEL', (o) => expect(o.fulfillments.map((f: any) => f.state)).toEqual(['cancelled']));
    // Already called off with its order: the deadline has nothing more to do with it.
    expect(await service.app.get(PickupHoldSweeper).sweepTransfersPastShipBy(new Date(Date.now() + PAST_SHIP_BY_MS))).toBe(0);
  });
});
