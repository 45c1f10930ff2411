import type { RecordedEvent } from '@app/event-store';
import {
  decideStockItem,
  evolveStockItem,
  initialStockItemState,
  stockItemStreamId,
  type StockItemCommand,
  type StockItemEvent,
} from '@app/stock-domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockLevelChanges } from './stock-levels.projection';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 11, 0, minute)).toISOString();
const provenance = (minute: number) => ({ occurredAt: at(minute), sourceEventId: `e${minute}` });

/** Any command the contract and fulfillment can send a stock item, at a minute of the day. */
const commandAt = (minute: number): fc.Arbitrary<StockItemCommand> =>
  fc.oneof(
    fc.integer({ min: 1, max: 40 }).map((quantity): StockItemCommand => ({ type: 'RecordReceipt', quantity, ...provenance(minute) })),
    fc
      .integer({ min: 1, max: 20 })
      .map((quantity): StockItemCommand => ({ type: 'RecordStoreSale', quantity, receiptId: 'R', ...provenance(minute) })),
    fc
      .integer({ min: 1, max: 5 })
      .map((quantity): StockItemCommand => ({ type: 'RecordStoreReturn', quantity, receiptId: 'R', ...provenance(minute) })),
    fc
      .integer({ min: -10, max: 10 })
      .filter((d) => d !== 0)
      .map((delta): StockItemCommand => ({ type: 'RecordAdjustment', delta, reason: 'correction', ...provenance(minute) })),
    fc
      .integer({ min: 0, max: 60 })
      .map((countedQuantity): StockItemCommand => ({ type: 'RecordCount', countedQuantity, ...provenance(minute) })),
    fc.integer({ min: 1, max: 10 }).map((quantity): StockItemCommand => ({
      type: 'ReserveStock',
      purpose: 'fulfillment',
      referenceId: 'F',
      quantity,
      safetyStock: null,
      ...provenance(minute),
    })),
    fc.integer({ min: 1, max: 10 }).map((quantity): StockItemCommand => ({
      type: 'ReleaseReservation',
      purpose: 'fulfillment',
      referenceId: 'F',
      quantity,
      reason: 'x',
      ...provenance(minute),
    })),
    fc.integer({ min: 1, max: 10 }).map((quantity): StockItemCommand => ({
      type: 'ShipReservedStock',
      purpose: 'fulfillment',
      referenceId: 'F',
      quantity,
      reservedQuantity: quantity,
      ...provenance(minute),
    })),
    fc
      .integer({ min: 1, max: 10 })
      .map((quantity): StockItemCommand => ({ type: 'ExpectTransfer', transferId: 'T', quantity, ...provenance(minute) })),
    fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })).map(([quantity, inTransitQuantity]): StockItemCommand => ({
      type: 'ReceiveTransfer',
      transferId: 'T',
      quantity,
      inTransitQuantity,
      ...provenance(minute),
    })),
    fc
      .integer({ min: 1, max: 10 })
      .map((quantity): StockItemCommand => ({ type: 'RequestReplenishment', transferId: `T${minute}`, quantity, ...provenance(minute) })),
  );

/** Histories over two stock items, each event at its own minute, in any arrival order. */
const histories = fc
  .uniqueArray(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 60 })
  .chain((minutes) => fc.tuple(...minutes.map((minute) => fc.tuple(fc.constantFrom('S1', 'W1'), commandAt(minute)))));

describe('stock-levels projection', () => {
  it('sums to the folded on hand, reserved and in transit of every stock item, however the log is cut into batches', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 1, max: 10 }), (history, batchSize) => {
        const states = new Map<string, ReturnType<typeof initialStockItemState>>();
        const log: RecordedEvent[] = [];
        for (const [locationId, command] of history) {
          const streamId = stockItemStreamId({ locationId, sku: 'A' });
          let state = states.get(streamId) ?? initialStockItemState();
          for (const event of decideStockItem(command, state) as StockItemEvent[]) {
            state = evolveStockItem(state, event);
            log.push({
              globalPosition: log.length + 1,
              transactionId: String(log.length + 1),
              streamId,
              streamVersion: log.filter((e) => e.streamId === streamId).length + 1,
              eventId: `${command.sourceEventId}-${log.length}`,
              type: event.type,
              schemaVersion: 1,
              data: event.data,
              metadata: {},
              recordedAt: new Date(),
            });
          }
          states.set(streamId, state);
        }
        const view = new Map<string, { onHand: number; reserved: number; inTransit: number }>();
        for (let i = 0; i < log.length; i += batchSize) {
          for (const change of stockLevelChanges(log.slice(i, i + batchSize))) {
            const key = stockItemStreamId(change);
            const row = view.get(key) ?? { onHand: 0, reserved: 0, inTransit: 0 };
            view.set(key, {
              onHand: row.onHand + change.onHand,
              reserved: row.reserved + change.reserved,
              inTransit: row.inTransit + change.inTransit,
            });
          }
        }
        for (const [streamId, state] of states) {
          expect(view.get(streamId) ?? { onHand: 0, reserved: 0, inTransit: 0 }).toEqual({
            onHand: state.onHand,
            reserved: state.reserved,
            inTransit: state.inTransit,
          });
        }
      }),
      { numRuns: 300 },
    );
  });
});
