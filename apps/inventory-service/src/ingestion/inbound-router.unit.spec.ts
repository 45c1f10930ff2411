import {
  logisticsEventSchema,
  offlineSalesEventSchema,
  onlineOrderEventSchema,
  stockMovementEventSchema,
  type InboundEvent,
} from '@app/contracts';
import { stockItemStreamId, type StockItemCommand } from '@app/stock-domain';
import { describe, expect, it } from 'vitest';
import {
  WorkNeeds,
  applyFulfillmentFeedback,
  applyTransferFeedback,
  cancelOnlineOrder,
  placeOnlineOrder,
  type FulfillmentUnitOfWork,
} from '../fulfillment';
import { INBOUND_ROUTES, addNeedsOf, applyInboundEvent } from './inbound-router';

const occurredAt = '2026-11-11T10:00:00Z';
const sale: InboundEvent = {
  eventId: 'e1',
  type: 'StoreSaleRecorded',
  occurredAt,
  storeId: 'S1',
  receiptId: 'R1',
  lines: [
    { sku: 'A', quantity: 1 },
    { sku: 'B', quantity: 2 },
  ],
};
const order: InboundEvent = {
  eventId: 'e2',
  type: 'OnlineOrderPlaced',
  occurredAt,
  orderId: 'O1',
  lines: [{ sku: 'A', quantity: 1 }],
  delivery: { mode: 'pickup', storeId: 'S1' },
};

/** A unit of work that only records what a shop-floor event does to its stock items. */
function shopFloorWork(registered: readonly string[]) {
  const executed: Array<{ streamId: string; command: StockItemCommand; eventId: string }> = [];
  const causes: string[] = [];
  const work = {
    network: { location: (id: string) => (registered.includes(id) ? { locationId: id } : undefined) },
    stockItems: {
      execute: (streamId: string, command: StockItemCommand, options: { eventIdFor: (event: unknown, index: number) => string }) => {
        executed.push({ streamId, command, eventId: options.eventIdFor({}, 0) });
        return [];
      },
    },
    causedBy: async <T>(scopedId: string, apply: () => Promise<T>) => {
      causes.push(scopedId);
      return apply();
    },
  };
  return { work: work as unknown as FulfillmentUnitOfWork, executed, causes };
}

describe('the inbound router', () => {
  it('has one route for every contract event type, and none for anything else', () => {
    const contractTypes = [offlineSalesEventSchema, onlineOrderEventSchema, stockMovementEventSchema, logisticsEventSchema]
      .flatMap((union) => union.options.map((schema) => schema.shape.type.value as string))
      .sort();
    expect(Object.keys(INBOUND_ROUTES).sort()).toEqual(contractTypes);
    expect(contractTypes).toHaveLength(12);
  });

  it('sends orders and logistics feedback to the fulfillment use cases named for them', () => {
    expect(INBOUND_ROUTES.OnlineOrderPlaced).toBe(placeOnlineOrder);
    expect(INBOUND_ROUTES.OnlineOrderCancelled).toBe(cancelOnlineOrder);
    for (const type of ['FulfillmentShipped', 'FulfillmentFailed', 'PickupCollected'] as const)
      expect(INBOUND_ROUTES[type]).toBe(applyFulfillmentFeedback);
    for (const type of ['TransferShipped', 'TransferReceived'] as const) expect(INBOUND_ROUTES[type]).toBe(applyTransferFeedback);
  });

  it('sends every shop-floor type to the stock items', () => {
    const shopFloor = INBOUND_ROUTES.StoreSaleRecorded;
    for (const type of ['StoreReturnRecorded', 'StockReceived', 'StockAdjusted', 'StockCounted'] as const)
      expect(INBOUND_ROUTES[type]).toBe(shopFloor);
  });

  it("gathers what each event's use case will read, for one bulk load per batch", () => {
    const needs = new WorkNeeds();
    for (const event of [
      sale,
      order,
      { eventId: 'e3', type: 'OnlineOrderCancelled', occurredAt, orderId: 'O2' },
      { eventId: 'e4', type: 'PickupCollected', occurredAt, fulfillmentId: 'O3:F1' },
      { eventId: 'e5', type: 'TransferShipped', occurredAt, transferId: 'T1' },
    ] satisfies InboundEvent[])
      addNeedsOf(event, needs);
    expect([...needs.stockItemStreamIds]).toEqual([
      stockItemStreamId({ locationId: 'S1', sku: 'A' }),
      stockItemStreamId({ locationId: 'S1', sku: 'B' }),
    ]);
    expect([...needs.orderIds]).toEqual(['O1', 'O2']);
    expect([...needs.orderedSkus]).toEqual(['A']);
    expect([...needs.fulfillmentIds]).toEqual(['O3:F1']);
    expect([...needs.transferIds]).toEqual(['T1']);
  });

  it('applies a shop-floor event line by line, with event ids derived from its sender-scoped id', async () => {
    const { work, executed, causes } = shopFloorWork(['S1']);
    const outcome = await applyInboundEvent(work, sale, { scopedId: 'store:S1/e1', metadata: {} });
    expect(outcome).toEqual({ applied: true });
    expect(causes).toEqual(['store:S1/e1']);
    expect(executed.map(({ command, eventId }) => [command.type, eventId])).toEqual([
      ['RecordStoreSale', 'store:S1/e1#0'],
      ['RecordStoreSale', 'store:S1/e1#1'],
    ]);
  });

  it('refuses a shop-floor event at a location nobody registered, and changes nothing', async () => {
    const { work, executed } = shopFloorWork([]);
    const outcome = await applyInboundEvent(work, sale, { scopedId: 'store:S1/e1', metadata: {} });
    expect(outcome).toEqual({ applied: false, deadLetterReason: expect.stringContaining('unknown location: "S1"') });
    expect(executed).toEqual([]);
  });
});
