import type { InboundEvent } from '@app/contracts';
import type { StockItemCommand, StockItemKey } from '@app/stock-domain';

/** One command for one SKU at one location, derived from an inbound event's line. */
export interface StockInstruction {
  key: StockItemKey;
  command: StockItemCommand;
}

export type InstructionsOutcome =
  | { handled: true; instructions: StockInstruction[] }
  | { handled: false; reason: string };

/** What an inbound contract event asks of the stock items it names, line by line. */
export function stockInstructionsFor(event: InboundEvent): InstructionsOutcome {
  const provenance = { occurredAt: event.occurredAt, sourceEventId: event.eventId };
  switch (event.type) {
    case 'StoreSaleRecorded':
      return handled(
        event.lines.map((line) => ({
          key: { locationId: event.storeId, sku: line.sku },
          command: { type: 'RecordStoreSale', quantity: line.quantity, receiptId: event.receiptId, ...provenance },
        })),
      );
    case 'StoreReturnRecorded':
      return handled(
        event.lines.map((line) => ({
          key: { locationId: event.storeId, sku: line.sku },
          command: { type: 'RecordStoreReturn', quantity: line.quantity, receiptId: event.receiptId, ...provenance },
        })),
      );
    case 'StockReceived':
      return handled(
        event.lines.map((line) => ({
          key: { locationId: event.locationId, sku: line.sku },
          command: { type: 'RecordReceipt', quantity: line.quantity, ...provenance },
        })),
      );
    case 'StockAdjusted':
      return handled(
        event.lines.map((line) => ({
          key: { locationId: event.locationId, sku: line.sku },
          command: { type: 'RecordAdjustment', delta: line.delta, reason: event.reason, ...provenance },
        })),
      );
    case 'StockCounted':
      return handled(
        event.lines.map((line) => ({
          key: { locationId: event.locationId, sku: line.sku },
          command: { type: 'RecordCount', countedQuantity: line.countedQuantity, ...provenance },
        })),
      );
    default:
      return {
        handled: false,
        reason: `${event.type} is valid but this version of the service does not apply it yet (online orders and logistics feedback arrive with smart logistics); replay it from the dead-letter topic once it does`,
      };
  }
}

function handled(instructions: StockInstruction[]): InstructionsOutcome {
  return { handled: true, instructions };
}
