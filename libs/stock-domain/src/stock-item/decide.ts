import { provenanceOf } from '../provenance';
import type { StockItemCommand } from './commands';
import { countChange, effectiveMovement } from './count-journal';
import type { StockItemEvent } from './events';
import type { StockItemState } from './state';

/** An online order or a transfer asked for more than the location can promise: the caller sourced wrongly. */
export class ReservationExceedsAvailable extends Error {
  constructor(
    readonly referenceId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`${referenceId} asked to reserve ${requested} but only ${available} is available`);
  }
}
/**
 * Receipts, store sales, returns, adjustments and counts are facts from the shop floor: they are
 * always recorded, even when a sale drives on-hand below zero (negative stock is flagged by the
 * views, never rejected).
 */
export function decideStockItem(command: StockItemCommand, state: StockItemState): StockItemEvent[] {
  const events = decideWithinAnyRange(command, state);
  refuseInexactTotals(state, events);
  return events;
}

/**
 * The most units a stock item's on-hand, reserved or in-transit can reach either way: numbers are
 * exact to 2^53 - 1 here and in every view (PostgreSQL bigint holds more). One event moves at most
 * 1000 lines x 1,000,000 units, so this is some nine million of the largest events at one SKU and location.
 */
export const MAX_STOCK_ITEM_QUANTITY = Number.MAX_SAFE_INTEGER;

/** A command would take a stock item's total past what is held exactly: the inbound event is a dead letter. */
export class StockQuantityOutOfRange extends Error {
  constructor(
    readonly field: 'onHand' | 'reserved' | 'inTransit',
    readonly wouldBe: number,
  ) {
    super(`${field} would reach ${wouldBe}, past ±${MAX_STOCK_ITEM_QUANTITY} (2^53 - 1), the most a stock item holds exactly`);
  }
}

function refuseInexactTotals(state: StockItemState, events: readonly StockItemEvent[]): void {
  let { onHand, reserved, inTransit } = state;
  for (const { data } of events) {
    onHand += data.onHandChange;
    reserved += data.reservedChange ?? 0;
    inTransit += data.inTransitChange ?? 0;
    if (Math.abs(onHand) > MAX_STOCK_ITEM_QUANTITY) throw new StockQuantityOutOfRange('onHand', onHand);
    if (Math.abs(reserved) > MAX_STOCK_ITEM_QUANTITY) throw new StockQuantityOutOfRange('reserved', reserved);
    if (Math.abs(inTransit) > MAX_STOCK_ITEM_QUANTITY) throw new StockQuantityOutOfRange('inTransit', inTransit);
  }
}

function decideWithinAnyRange(command: StockItemCommand, state: StockItemState): StockItemEvent[] {
  const provenance = provenanceOf(command);
  const moved = (quantity: number): number => effectiveMovement(state, quantity, command.occurredAt);
  switch (command.type) {
    case 'RecordReceipt':
      return [{ type: 'StockReceived', data: { ...provenance, quantity: command.quantity, onHandChange: moved(command.quantity) } }];
    case 'RecordStoreSale':
      return [
        {
          type: 'StockSold',
          data: { ...provenance, quantity: command.quantity, receiptId: command.receiptId, onHandChange: moved(-command.quantity) },
        },
      ];
    case 'RecordStoreReturn':
      return [
        {
          type: 'StockReturned',
          data: { ...provenance, quantity: command.quantity, receiptId: command.receiptId, onHandChange: moved(command.quantity) },
        },
      ];
    case 'RecordAdjustment':
      return [
        {
          type: 'StockAdjusted',
          data: { ...provenance, delta: command.delta, reason: command.reason, onHandChange: moved(command.delta) },
        },
      ];
    case 'RecordCount':
      return [
        {
          type: 'StockCounted',
          data: { ...provenance, countedQuantity: command.countedQuantity, onHandChange: countChange(state, command) },
        },
      ];
    case 'ReserveStock': {
      if (command.safetyStock !== null) {
        const available = state.onHand - state.reserved - command.safetyStock;
        if (command.quantity > available) throw new ReservationExceedsAvailable(command.referenceId, command.quantity, available);
      }
      const reference = { purpose: command.purpose, referenceId: command.referenceId, quantity: command.quantity };
      return [{ type: 'StockReserved', data: { ...provenance, ...reference, onHandChange: 0, reservedChange: command.quantity } }];
    }
    case 'ReleaseReservation': {
      const reference = { purpose: command.purpose, referenceId: command.referenceId, quantity: command.quantity };
      return [
        {
          type: 'ReservationReleased',
          data: { ...provenance, ...reference, reason: command.reason, onHandChange: 0, reservedChange: -command.quantity },
        },
      ];
    }
    case 'ShipReservedStock': {
      const reference = { purpose: command.purpose, referenceId: command.referenceId, quantity: command.quantity };
      return [
        {
          type: 'ReservedStockShipped',
          data: { ...provenance, ...reference, onHandChange: moved(-command.quantity), reservedChange: -command.reservedQuantity },
        },
      ];
    }
    case 'ExpectTransfer':
      return [
        {
          type: 'TransferInbound',
          data: {
            ...provenance,
            transferId: command.transferId,
            quantity: command.quantity,
            onHandChange: 0,
            inTransitChange: command.quantity,
          },
        },
      ];
    case 'ReceiveTransfer':
      return [
        {
          type: 'TransferReceivedIn',
          data: {
            ...provenance,
            transferId: command.transferId,
            quantity: command.quantity,
            onHandChange: moved(command.quantity),
            inTransitChange: -command.inTransitQuantity,
          },
        },
      ];
    case 'RequestReplenishment':
      if (state.openReplenishmentTransferId !== null) return []; // one open replenishment per SKU and location
      return [
        {
          type: 'ReplenishmentRequested',
          data: { ...provenance, transferId: command.transferId, quantity: command.quantity, onHandChange: 0 },
        },
      ];
    case 'CloseReplenishment':
      if (state.openReplenishmentTransferId !== command.transferId) return []; // not the open one: nothing to close
      return [{ type: 'ReplenishmentClosed', data: { ...provenance, transferId: command.transferId, onHandChange: 0 } }];
  }
}
