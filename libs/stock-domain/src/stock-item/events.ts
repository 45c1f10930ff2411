/** What happened to a stock item: each event carries its effect on the totals, so every read model is a plain sum. */
import type { Provenance } from '../provenance';

interface Recorded extends Provenance {
  /** What this event did to on-hand, after applying the count rule. */
  onHandChange: number;
  /** What this event did to reserved (absent: nothing). */
  reservedChange?: number;
  /** What this event did to in-transit towards this location (absent: nothing). */
  inTransitChange?: number;
}

/** What a reservation is held for: an online order's fulfillment, or a transfer out of this location. */
export type ReservationPurpose = 'fulfillment' | 'transfer';

interface ReservationRef {
  purpose: ReservationPurpose;
  /** The fulfillmentId or transferId. */
  referenceId: string;
  quantity: number;
}

export type StockItemEvent =
  | { type: 'StockReceived'; data: Recorded & { quantity: number } }
  | { type: 'StockSold'; data: Recorded & { quantity: number; receiptId: string } }
  | { type: 'StockReturned'; data: Recorded & { quantity: number; receiptId: string } }
  | { type: 'StockAdjusted'; data: Recorded & { delta: number; reason: string } }
  | { type: 'StockCounted'; data: Recorded & { countedQuantity: number } }
  | { type: 'StockReserved'; data: Recorded & ReservationRef }
  | { type: 'ReservationReleased'; data: Recorded & ReservationRef & { reason: string } }
  | { type: 'ReservedStockShipped'; data: Recorded & ReservationRef }
  | { type: 'TransferInbound'; data: Recorded & { transferId: string; quantity: number } }
  | { type: 'TransferReceivedIn'; data: Recorded & { transferId: string; quantity: number } }
  | { type: 'ReplenishmentRequested'; data: Recorded & { transferId: string; quantity: number } }
  /** The open replenishment's transfer was called off before it left: the store may be replenished again. */
  | { type: 'ReplenishmentClosed'; data: Recorded & { transferId: string } };

export type StockItemEventType = StockItemEvent['type'];
