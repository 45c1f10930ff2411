import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideTransfer,
  transferFeedbackRefusal,
  evolveTransfer,
  initialTransferState,
  type TransferCommand,
  type TransferEvent,
  type TransferRecord,
} from './transfer';
import { stockInstructionsOfTransferEvent } from './stock-effects';

const provenance = (n: number) => ({ occurredAt: new Date(Date.UTC(2026, 10, 11, 1, n)).toISOString(), sourceEventId: `e-${n}` });

function given(commands: TransferCommand[]): { state: TransferRecord; events: TransferEvent[] } {
  let state = initialTransferState();
  const events: TransferEvent[] = [];
  for (const command of commands) {
    for (const event of decideTransfer(command, state)) {
      events.push(event);
      state = evolveTransfer(state, event);
    }
  }
  return { state, events };
}

const request: TransferCommand = {
  type: 'RequestTransfer',
  transferId: 'T-1',
  fromLocationId: 'W01',
  toLocationId: 'S001',
  lines: [{ sku: 'A', quantity: 5 }],
  purpose: { kind: 'replenishment' },
  reasons: [],
  ...provenance(1),
};

describe('transfer', () => {
  it('reserves at the source when requested and marks the replenishment open at the destination', () => {
    const { events } = given([request, { ...request, ...provenance(2) }]);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ commandId: 'T-1:transfer' });
    expect(stockInstructionsOfTransferEvent(events[0]!, initialTransferState(), () => 2)).toMatchObject([
      { key: { locationId: 'W01', sku: 'A' }, command: { type: 'ReserveStock', purpose: 'transfer', quantity: 5, safetyStock: 2 } },
      { key: { locationId: 'S001', sku: 'A' }, command: { type: 'RequestReplenishment', transferId: 'T-1', quantity: 5 } },
    ]);
  });

  it('moves stock: shipped leaves the source and is in transit; received lands at the destination', () => {
    const { state } = given([request]);
    const shipped = decideTransfer({ type: 'ConfirmTransferShipped', ...provenance(3) }, state);
    expect(stockInstructionsOfTransferEvent(shipped[0]!, state, () => 0)).toMatchObject([
      { key: { locationId: 'W01', sku: 'A' }, command: { type: 'ShipReservedStock', quantity: 5, reservedQuantity: 5 } },
      { key: { locationId: 'S001', sku: 'A' }, command: { type: 'ExpectTransfer', quantity: 5 } },
    ]);
    const inTransit = evolveTransfer(state, shipped[0]!);
    const received = decideTransfer({ type: 'ConfirmTransferReceived', lines: [{ sku: 'A', quantity: 4 }], ...provenance(4) }, inTransit);
    expect(stockInstructionsOfTransferEvent(received[0]!, inTransit, () => 0)).toMatchObject([
      { key: { locationId: 'S001', sku: 'A' }, command: { type: 'ReceiveTransfer', quantity: 4, inTransitQuantity: 5 } },
    ]);
    expect(
      decideTransfer(
        { type: 'ConfirmTransferReceived', lines: [{ sku: 'A', quantity: 4 }], ...provenance(5) },
        evolveTransfer(inTransit, received[0]!),
      ),
    ).toEqual([]);
  });

  it('treats a receipt with no shipment reported as shipped first', () => {
    const { state } = given([request]);
    expect(
      decideTransfer({ type: 'ConfirmTransferReceived', lines: [{ sku: 'A', quantity: 5 }], ...provenance(3) }, state).map((e) => e.type),
    ).toEqual(['TransferShipped', 'TransferReceived']);
  });

  it('calls off a transfer not shipped in time once: CancelTransfer, the hold released, the replenishment closed', () => {
    const cancel: TransferCommand = { type: 'CancelTransfer', reason: 'not-shipped-in-time', ...provenance(3) };
    const { state, events } = given([request, cancel, { ...cancel, ...provenance(4) }]);
    expect(events.map((e) => e.type)).toEqual(['TransferRequested', 'TransferCancelled']);
    expect(state.state).toBe('cancelled');
    expect(events[1]!.data).toMatchObject({ transferId: 'T-1', reason: 'not-shipped-in-time', commandId: 'T-1:cancel' });
    const requested = evolveTransfer(initialTransferState(), events[0]!);
    expect(stockInstructionsOfTransferEvent(events[1]!, requested, () => 2)).toMatchObject([
      {
        key: { locationId: 'W01', sku: 'A' },
        command: { type: 'ReleaseReservation', purpose: 'transfer', referenceId: 'T-1', quantity: 5 },
      },
      { key: { locationId: 'S001', sku: 'A' }, command: { type: 'CloseReplenishment', transferId: 'T-1' } },
    ]);
  });

  it('never calls off a transfer once it has shipped', () => {
    const { events } = given([
      request,
      { type: 'ConfirmTransferShipped', ...provenance(2) },
      { type: 'CancelTransfer', reason: 'not-shipped-in-time', ...provenance(3) },
    ]);
    expect(events.map((e) => e.type)).toEqual(['TransferRequested', 'TransferShipped']);
  });

  it('refuses shipment and receipt feedback for a transfer it called off, and says why', () => {
    const { state } = given([request, { type: 'CancelTransfer', reason: 'not-shipped-in-time', ...provenance(3) }]);
    expect(transferFeedbackRefusal(state, 'shipped')).toMatch(/T-1 was called off.*not-shipped-in-time.*CancelTransfer/);
    expect(transferFeedbackRefusal(state, 'received')).toMatch(/T-1 was called off/);
    expect(transferFeedbackRefusal(given([request]).state, 'shipped')).toBeNull();
    expect(decideTransfer({ type: 'ConfirmTransferShipped', ...provenance(5) }, state)).toEqual([]);
    expect(decideTransfer({ type: 'ConfirmTransferReceived', lines: [{ sku: 'A', quantity: 5 }], ...provenance(5) }, state)).toEqual([]);
  });

  it.each(['not-shipped-in-time', 'order-cancelled'] as const)(
    'one rule for every call-off (%s): the hold released at once, later shipment or receipt refused naming the call-off',
    (reason) => {
      const { state, events } = given([
        { ...request, purpose: { kind: 'pickup-order', orderId: 'O-1', fulfillmentId: 'O-1:F1' } },
        { type: 'CancelTransfer', reason, ...provenance(2) },
        { type: 'ConfirmTransferShipped', ...provenance(3) },
        { type: 'ConfirmTransferReceived', lines: [{ sku: 'A', quantity: 5 }], ...provenance(4) },
      ]);
      expect(events.map((e) => e.type)).toEqual(['TransferRequested', 'TransferCancelled']);
      const requested = evolveTransfer(initialTransferState(), events[0]!);
      expect(stockInstructionsOfTransferEvent(events[1]!, requested, () => 0)).toMatchObject([
        { command: { type: 'ReleaseReservation', referenceId: 'T-1', quantity: 5, reason: `transfer ${reason}` } },
      ]);
      expect(transferFeedbackRefusal(state, 'shipped')).toBe(
        `transfer T-1 was called off (${reason}, CancelTransfer sent) before any shipment was reported: this TransferShipped is not applied; record stock that did move as StockReceived/StockAdjusted dated when it moved`,
      );
      expect(transferFeedbackRefusal(state, 'received')).toMatch(new RegExp(`^transfer T-1 was called off \\(${reason}.*TransferReceived`));
    },
  );

  it('never holds or ships more than it asked for, and once it has ended holds nothing, whatever the feedback and call-offs', () => {
    const command = fc.oneof(
      fc.constant<TransferCommand>({ type: 'ConfirmTransferShipped', ...provenance(3) }),
      fc.constant<TransferCommand>({ type: 'ConfirmTransferReceived', lines: [{ sku: 'A', quantity: 5 }], ...provenance(4) }),
      fc
        .constantFrom('not-shipped-in-time' as const, 'order-cancelled' as const)
        .map((reason): TransferCommand => ({ type: 'CancelTransfer', reason, ...provenance(5) })),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 8 }), (commands) => {
        let state = initialTransferState();
        let held = 0;
        let shipped = 0;
        for (const next of [request, ...commands]) {
          for (const event of decideTransfer(next, state)) {
            for (const { key, command: effect } of stockInstructionsOfTransferEvent(event, state, () => 0)) {
              if (key.locationId !== 'W01') continue;
              if (effect.type === 'ReserveStock') held += effect.quantity;
              if (effect.type === 'ReleaseReservation') held -= effect.quantity;
              if (effect.type === 'ShipReservedStock') {
                held -= effect.reservedQuantity;
                shipped += effect.quantity;
              }
            }
            expect(event.type === 'TransferCancelled' ? state.state : 'any').not.toBe('shipped');
            expect(state.state === 'cancelled' ? event.type : 'none', 'nothing after a call-off').toBe('none');
            state = evolveTransfer(state, event);
            expect(held).toBeGreaterThanOrEqual(0);
            expect(shipped).toBeLessThanOrEqual(5);
            expect(held + shipped, 'each unit held, or gone, not both').toBeLessThanOrEqual(5);
          }
        }
        if (state.state !== 'requested') expect(held).toBe(0);
      }),
    );
  });
});
