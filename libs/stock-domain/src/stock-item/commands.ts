/** What the shop floor, logistics and the service ask of a stock item. */
import type { Provenance } from '../provenance';
import type { ReservationPurpose } from './events';
import type { StockItemKey } from './state';

export type StockItemCommand =
  | ({ type: 'RecordReceipt'; quantity: number } & Provenance)
  | ({ type: 'RecordStoreSale'; quantity: number; receiptId: string } & Provenance)
  | ({ type: 'RecordStoreReturn'; quantity: number; receiptId: string } & Provenance)
  | ({ type: 'RecordAdjustment'; delta: number; reason: string } & Provenance)
  | ({ type: 'RecordCount'; countedQuantity: number } & Provenance)
  /**
   * Hold stock for an online order or an outgoing transfer: never more than available (on hand −
   * reserved − `safetyStock`). `safetyStock: null` holds it whatever available says: stock that
   * arrived for this very order is held for it even if the till oversold the shelf meanwhile.
   */
  | ({ type: 'ReserveStock'; purpose: ReservationPurpose; referenceId: string; quantity: number; safetyStock: number | null } & Provenance)
  | ({ type: 'ReleaseReservation'; purpose: ReservationPurpose; referenceId: string; quantity: number; reason: string } & Provenance)
  /**
   * Reserved stock left the building (shipped, collected, or a transfer picked up). `reservedQuantity`
   * is what was still held for it: 0 when the reservation was released first (a cancel raced the truck).
   */
  | ({
      type: 'ShipReservedStock';
      purpose: ReservationPurpose;
      referenceId: string;
      quantity: number;
      reservedQuantity: number;
    } & Provenance)
  | ({ type: 'ExpectTransfer'; transferId: string; quantity: number } & Provenance)
  /** Stock arrived: `quantity` received, `inTransitQuantity` what was on its way for that transfer. */
  | ({ type: 'ReceiveTransfer'; transferId: string; quantity: number; inTransitQuantity: number } & Provenance)
  | ({ type: 'RequestReplenishment'; transferId: string; quantity: number } & Provenance)
  | ({ type: 'CloseReplenishment'; transferId: string } & Provenance);

/** A command for the stock item at `key`: how orders and transfers say what their events do to stock. */
export interface StockInstruction {
  key: StockItemKey;
  command: StockItemCommand;
}
