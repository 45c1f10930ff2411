import { quantitiesBySku } from '../order-lines';
import { provenanceOf } from '../provenance';
import type { StockInstruction, StockItemCommand } from '../stock-item/commands';
import type { StockItemKey } from '../stock-item/state';
import type { TransferEvent, TransferRecord } from './transfer';

/** What a transfer event does to stock at its two ends. */
export function stockInstructionsOfTransferEvent(
  event: TransferEvent,
  before: TransferRecord,
  safetyStockOf: (key: StockItemKey) => number,
): StockInstruction[] {
  const provenance = provenanceOf(event.data);
  switch (event.type) {
    case 'TransferRequested': {
      const { fromLocationId, toLocationId, transferId } = event.data;
      const holdAtSource = event.data.lines.map((line) => {
        const key = { locationId: fromLocationId, sku: line.sku };
        return {
          key,
          command: {
            type: 'ReserveStock',
            purpose: 'transfer',
            referenceId: transferId,
            quantity: line.quantity,
            safetyStock: safetyStockOf(key),
            ...provenance,
          } as StockItemCommand,
        };
      });
      const markOpen =
        event.data.purpose.kind === 'replenishment'
          ? event.data.lines.map((line) => ({
              key: { locationId: toLocationId, sku: line.sku },
              command: { type: 'RequestReplenishment', transferId, quantity: line.quantity, ...provenance } as StockItemCommand,
            }))
          : [];
      return [...holdAtSource, ...markOpen];
    }
    case 'TransferShipped':
      return event.data.lines.flatMap((line) => [
        {
          key: { locationId: before.fromLocationId, sku: line.sku },
          // Only a transfer still requested ships (a called-off one refuses its feedback): its hold leaves with it.
          command: {
            type: 'ShipReservedStock',
            purpose: 'transfer',
            referenceId: event.data.transferId,
            quantity: line.quantity,
            reservedQuantity: line.quantity,
            ...provenance,
          } as StockItemCommand,
        },
        {
          key: { locationId: before.toLocationId, sku: line.sku },
          command: {
            type: 'ExpectTransfer',
            transferId: event.data.transferId,
            quantity: line.quantity,
            ...provenance,
          } as StockItemCommand,
        },
      ]);
    case 'TransferCancelled': {
      const { transferId } = event.data;
      const releaseAtSource = before.lines.map((line) => ({
        key: { locationId: before.fromLocationId, sku: line.sku },
        command: {
          type: 'ReleaseReservation',
          purpose: 'transfer',
          referenceId: transferId,
          quantity: line.quantity,
          reason: `transfer ${event.data.reason}`,
          ...provenance,
        } as StockItemCommand,
      }));
      const closeReplenishment =
        before.purpose?.kind === 'replenishment'
          ? before.lines.map((line) => ({
              key: { locationId: before.toLocationId, sku: line.sku },
              command: { type: 'CloseReplenishment', transferId, ...provenance } as StockItemCommand,
            }))
          : [];
      return [...releaseAtSource, ...closeReplenishment];
    }
    case 'TransferReceived': {
      const inTransit = quantitiesBySku(before.lines);
      const received = quantitiesBySku(event.data.lines);
      const skus = [...new Set([...inTransit.keys(), ...received.keys()])].sort();
      return skus.map((sku) => ({
        key: { locationId: before.toLocationId, sku },
        command: {
          type: 'ReceiveTransfer',
          transferId: event.data.transferId,
          quantity: received.get(sku) ?? 0,
          inTransitQuantity: inTransit.get(sku) ?? 0,
          ...provenance,
        } as StockItemCommand,
      }));
    }
  }
}
