import type { OfflineSalesEvent, StockMovementEvent } from '@app/contracts';
import type { StockItemCommand, StockItemKey } from '@app/stock-domain';

/** One command for one SKU at one location, derived from an inbound event's line. */
export interface StockInstruction {
  key: StockItemKey;
  command: StockItemCommand;
}

/** An event of the shop floor: a POS sale or return, a receipt, an adjustment, a count. */
export type ShopFloorEvent = OfflineSalesEvent | StockMovementEvent;

/** What a shop-floor event asks of the stock items it names, line by line. */
export function shopFloorInstructionsFor(event: ShopFloorEvent): StockInstruction[] {
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
  }
}
