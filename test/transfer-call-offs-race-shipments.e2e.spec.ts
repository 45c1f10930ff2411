import { DEAD_LETTER_HEADERS } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestLogisticsWorker } from './support/logistics-worker';
import { eventually, readTopicUntil, testKafka } from './support/test-kafka';
import { OmnichannelClient } from './support/omnichannel-client';
import type { RunningTestService } from './support/test-service';
import { startFulfillmentRig, HANGZHOU_NETWORK, type FulfillmentRig } from './support/fulfillment-rig';

/**
 * Issue 17, items 3 and 4, for transfers: one rule for every call-off, whatever its reason (contract
 * v1.1, "Transfers always end"). A transfer called off because its order was cancelled releases its
 * hold at once, as one called off by the TRANSFER_SHIP_HOURS deadline does, and a TransferShipped or
 * TransferReceived arriving after the CancelTransfer is a dead letter naming the call-off: the units
 * the release made available again are never counted as gone as well, so none is promised twice.
 * The other order (shipped before the cancel arrives): nothing is called off, the transfer lands.
 */
const kafka = testKafka();
let service: RunningTestService;
let shop: OmnichannelClient;
let worker: TestLogisticsWorker;

const { W01, S002 } = HANGZHOU_NETWORK;
const LOCATIONS = { W01, S002 };
const PICKUP_AT_S002 = { mode: 'pickup', storeId: 'S002' } as const;
const SHIP = { mode: 'ship', lat: 30.3, lng: 120.1 } as const;

let rig: FulfillmentRig;

beforeAll(async () => {
  rig = await startFulfillmentRig(LOCATIONS);
  ({ service, shop, worker } = rig);
});
afterAll(() => rig?.stop());

const transferInto = (storeId: string, sku: string) =>
  eventually(async () => {
    const transfers = worker.of('TransferStock').filter((c) => c.toLocationId === storeId && c.lines[0]!.sku === sku);
    expect(transfers).toHaveLength(1);
    return transfers[0]!;
  });
const cancelsOf = (transferId: string) => worker.of('CancelTransfer').filter((c) => c.transferId === transferId);
/** Dead-letter reasons on retail.dlq once `wanted` of them match `pattern`. */
const deadLetterReasons = async (pattern: RegExp, wanted: number) =>
  (
    await readTopicUntil(
      kafka,
      service.config.kafka.topics.deadLetters,
      (letters) => letters.filter((l) => pattern.test(l.headers[DEAD_LETTER_HEADERS.reason] ?? '')).length >= wanted,
    )
  )
    .map((l) => l.headers[DEAD_LETTER_HEADERS.reason] ?? '')
    .filter((reason) => pattern.test(reason));

describe('a transfer called off with its order obeys the same rule as one called off for lateness, on real Kafka and PostgreSQL', () => {
  it('cancel, CancelTransfer, then TransferShipped and TransferReceived: both dead letters naming the call-off; nothing promised twice', async () => {
    worker.answerWith(() => []);
    await shop.receive('W01', [{ sku: 'TCR-A', quantity: 5 }]);
    await shop.receive('S002', [{ sku: 'TCR-A', quantity: 1 }]);
    await shop.expectStock('TCR-A', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] });
    await shop.placeOrder('O-TCR-1', [{ sku: 'TCR-A', quantity: 3 }], PICKUP_AT_S002);
    const transfer = await transferInto('S002', 'TCR-A');
    await shop.expectStock('TCR-A', { S002: [1, 1, 0, 0], W01: [5, 2, 3, 0] });

    await shop.cancelOrder('O-TCR-1');
    await eventually(async () =>
      expect(cancelsOf(transfer.transferId)).toEqual([
        expect.objectContaining({ commandId: `${transfer.transferId}:cancel`, fromLocationId: 'W01', toLocationId: 'S002' }),
      ]),
    );
    await shop.expectStock('TCR-A', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] }); // released at once, as the contract says
    // The released units are on sale again, and promised to the next order.
    await shop.placeOrder('O-TCR-2', [{ sku: 'TCR-A', quantity: 5 }], SHIP);
    await shop.fulfillmentOf('O-TCR-2', (o) => expect(o.fulfillments).toMatchObject([{ fromLocationId: 'W01', state: 'dispatched' }]));
    await shop.expectStock('TCR-A', { S002: [1, 0, 1, 0], W01: [5, 5, 0, 0] });

    // The worker's late word on the called-off transfer is not applied: the same units are not also gone.
    await worker.send([{ type: 'TransferShipped', transferId: transfer.transferId }]);
    await worker.send([{ type: 'TransferReceived', transferId: transfer.transferId, lines: transfer.lines }]);
    const callOff = new RegExp(`^transfer ${transfer.transferId} was called off \\(order-cancelled, CancelTransfer sent\\)`);
    const reasons = await deadLetterReasons(callOff, 2);
    expect(reasons).toEqual([
      expect.stringMatching(/this TransferShipped is not applied/),
      expect.stringMatching(/this TransferReceived is not applied/),
    ]);
    await shop.expectStock('TCR-A', { S002: [1, 0, 1, 0], W01: [5, 5, 0, 0] });
    const view = await shop.expectViewEqualsFold('TCR-A');
    for (const location of view.locations) expect(location.onHand - location.reserved, location.locationId).toBeGreaterThanOrEqual(0);
    await shop.fulfillmentOf('O-TCR-1', (o) =>
      expect(o).toMatchObject({
        status: 'cancelled',
        fulfillments: [{ state: 'cancelled' }],
        awaitingTransfers: [],
        transfers: [{ received: false }],
      }),
    );
  });

  it('TransferShipped before the cancel arrives: nothing to call off (no CancelTransfer), the transfer lands, counted once', async () => {
    worker.answerWith((c) =>
      c.type === 'TransferStock' && c.toLocationId === 'S002' && c.lines[0]!.sku === 'TCR-B'
        ? [{ type: 'TransferShipped', transferId: c.transferId }]
        : [],
    );
    await shop.receive('W01', [{ sku: 'TCR-B', quantity: 5 }]);
    await shop.receive('S002', [{ sku: 'TCR-B', quantity: 1 }]);
    await shop.expectStock('TCR-B', { S002: [1, 0, 1, 0], W01: [5, 0, 5, 0] });
    await shop.placeOrder('O-TCR-3', [{ sku: 'TCR-B', quantity: 3 }], PICKUP_AT_S002);
    const transfer = await transferInto('S002', 'TCR-B');
    await shop.expectStock('TCR-B', { S002: [1, 1, 0, 2], W01: [3, 0, 3, 0] }); // on its way

    await shop.cancelOrder('O-TCR-3');
    await shop.fulfillmentOf('O-TCR-3', (o) => expect(o.status).toBe('cancelled'));
    await shop.expectStock('TCR-B', { S002: [1, 0, 1, 2], W01: [3, 0, 3, 0] }); // the pickup's hold released; the transfer still arrives
    await worker.send([{ type: 'TransferReceived', transferId: transfer.transferId, lines: transfer.lines }]);
    await shop.expectStock('TCR-B', { S002: [3, 0, 3, 0], W01: [3, 0, 3, 0] });
    await shop.expectViewEqualsFold('TCR-B');
    await shop.fulfillmentOf('O-TCR-3', (o) => expect(o.transfers).toMatchObject([{ transferId: transfer.transferId, received: true }]));
    expect(cancelsOf(transfer.transferId)).toEqual([]);
  });
});
