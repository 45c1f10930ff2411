import type { InboundEvent } from '@app/contracts';
import type { StockItemCommand, StockItemKey } from '@app/stock-domain';

/** One command for one SKU at one location, derived from an inbound event's line. */
export interface StockInstruction {
  key: StockItemKey;
  command: StockItemCommand;
}

/**
 * What a shop-floor event (POS sale or return, receipt, adjustment, count) asks of the stock items
 * it names, line by line; null for online orders and logistics feedback, which smart logistics applies.
 */
export function shopFloorInstructionsFor(event: InboundEvent): StockInstruction[] | null {
  const provenance = { occurredAt: event.occurredAt, sourceEventId: event.eventId };
  switch (event.type) {
    case 'StoreSaleRecorded':
      return event.lines.map((line) => ({
        key: { locationId: event.storeId, sku: line.sku },
        command: { type: 'RecordStoreSale', quantity: line.quantity, receiptId: event.receiptId, ...provenance },
      }));
    case 'StoreReturnRecorded':
      return event.lines.map((line) => ({
        key: { locationId: event.storeId, sku: line.sku },
        command: { type: 'RecordStoreReturn', quantity: line.quantity, receiptId: event.receiptId, ...provenance },
      }));
    case 'StockReceived':
      return event.lines.map((line) => ({
        key: { locationId: event.locationId, sku: line.sku },
        command: { type: 'RecordReceipt', quantity: line.quantity, ...provenance },
      }));
    case 'StockAdjusted':
      return event.lines.map((line) => ({
        key: { locationId: event.locationId, sku: line.sku },
        command: { type: 'RecordAdjustment', delta: line.delta, reason: event.reason, ...provenance },
      }));
    case 'StockCounted':
      return event.lines.map((line) => ({
        key: { locationId: event.locationId, sku: line.sku },
        command: { type: 'RecordCount', countedQuantity: line.countedQuantity, ...provenance },
      }));
    default:
      return null;
  }
}
