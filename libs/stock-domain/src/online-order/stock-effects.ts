import { quantitiesBySku, type OrderLine } from '../order-lines';
import { provenanceOf } from '../provenance';
import type { StockInstruction, StockItemCommand } from '../stock-item/commands';
import type { StockItemKey } from '../stock-item/state';
import type { OnlineOrderEvent } from './events';
import { findFulfillment, type OnlineOrderState, type OrderFulfillment } from './state';

/** What an order event does to stock: one instruction per SKU and location. */
export function stockInstructionsOfOrderEvent(
  event: OnlineOrderEvent,
  before: OnlineOrderState,
  safetyStockOf: (key: StockItemKey) => number,
): StockInstruction[] {
  const provenance = provenanceOf(event.data);
  const at = (locationId: string, lines: readonly OrderLine[], command: (line: OrderLine, key: StockItemKey) => StockItemCommand) =>
    lines.map((line) => {
      const key = { locationId, sku: line.sku };
      return { key, command: command(line, key) };
    });
  const reserve = (locationId: string, referenceId: string, lines: readonly OrderLine[], respectSafetyStock: boolean) =>
    at(locationId, lines, (line, key) => ({
      type: 'ReserveStock',
      purpose: 'fulfillment',
      referenceId,
      quantity: line.quantity,
      safetyStock: respectSafetyStock ? safetyStockOf(key) : null,
      ...provenance,
    }));
  const writeOffShortPick = (fulfillment: OrderFulfillment, shortLines: readonly OrderLine[]) =>
    at(fulfillment.fromLocationId, shortLines, (line) => ({
      type: 'RecordAdjustment',
      delta: -line.quantity,
      reason: 'short-pick',
      ...provenance,
    }));
  const release = (fulfillment: OrderFulfillment, reason: string) =>
    at(fulfillment.fromLocationId, fulfillment.reservedLines, (line) => ({
      type: 'ReleaseReservation',
      purpose: 'fulfillment',
      referenceId: fulfillment.fulfillmentId,
      quantity: line.quantity,
      reason,
      ...provenance,
    }));

  switch (event.type) {
    case 'FulfillmentDispatched':
    case 'PickupAwaitingTransfers':
      return reserve(event.data.fromLocationId, event.data.fulfillmentId, event.data.reservedLines, true);
    case 'OrderTransferReceived':
      // Brought in for this order: held for it even where that dips into the store's safety stock, or
      // beyond what available says (the till may have oversold the shelf while it was on its way).
      return reserve(event.data.locationId, event.data.fulfillmentId, event.data.reservedLines, false);
    case 'FulfillmentShipped':
    case 'PickupCollected': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      if (!fulfillment) return [];
      const held = quantitiesBySku(fulfillment.reservedLines);
      return at(fulfillment.fromLocationId, fulfillment.lines, (line) => ({
        type: 'ShipReservedStock',
        purpose: 'fulfillment',
        referenceId: fulfillment.fulfillmentId,
        quantity: line.quantity,
        reservedQuantity: held.get(line.sku) ?? 0,
        ...provenance,
      }));
    }
    case 'FulfillmentFailed': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      if (!fulfillment) return [];
      return [...release(fulfillment, 'pick failed'), ...writeOffShortPick(fulfillment, event.data.shortLines)];
    }
    case 'ShortPickRecorded': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      return fulfillment ? writeOffShortPick(fulfillment, event.data.shortLines) : [];
    }
    case 'FulfillmentCancelled': {
      // Dispatched: held until its location answers (CancelledHoldReleased, or shipped/collected after all).
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      return fulfillment && !event.data.holdUntilConfirmed ? release(fulfillment, event.data.reason) : [];
    }
    case 'CancelledHoldReleased': {
      const fulfillment = findFulfillment(before, event.data.fulfillmentId);
      return fulfillment ? release(fulfillment, `cancelled: ${event.data.reason}`) : [];
    }
    case 'OnlineOrderAccepted':
    case 'OrderLinesBackordered':
    case 'OnlineOrderCancelled':
      return [];
  }
}
