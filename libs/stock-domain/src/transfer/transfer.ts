/**
 * A transfer of stock between two locations: requested by us, shipped and received by logistics.
 * Pure decide/evolve, no framework. Its events say what happens to stock at both ends (stock-effects.ts).
 */
import { transferCancelCommandIdFor, transferCommandIdFor } from '../minted-ids';
import { mergeLines, type OrderLine } from '../order-lines';
import { provenanceOf, type Provenance } from '../provenance';

export type TransferPurpose = { kind: 'pickup-order'; orderId: string; fulfillmentId: string } | { kind: 'replenishment' };
export type TransferState = 'requested' | 'shipped' | 'received' | 'cancelled';
/** Why a transfer was called off before it left: nobody shipped it in time, or the order it was for was cancelled. */
export type TransferCancelReason = 'not-shipped-in-time' | 'order-cancelled';

export interface TransferRecord {
  transferId: string | null;
  fromLocationId: string;
  toLocationId: string;
  lines: OrderLine[];
  purpose: TransferPurpose | null;
  state: TransferState | null;
  receivedLines: OrderLine[];
  /** Set when the transfer was called off. */
  cancelReason?: TransferCancelReason;
}

export type TransferEvent =
  | {
      type: 'TransferRequested';
      data: Provenance & {
        transferId: string;
        fromLocationId: string;
        toLocationId: string;
        lines: OrderLine[];
        purpose: TransferPurpose;
        commandId: string;
        reasons: string[];
      };
    }
  | { type: 'TransferShipped'; data: Provenance & { transferId: string; lines: OrderLine[] } }
  | { type: 'TransferReceived'; data: Provenance & { transferId: string; lines: OrderLine[] } }
  | { type: 'TransferCancelled'; data: Provenance & { transferId: string; reason: TransferCancelReason; commandId: string } };

export type TransferCommand =
  | ({
      type: 'RequestTransfer';
      transferId: string;
      fromLocationId: string;
      toLocationId: string;
      lines: OrderLine[];
      purpose: TransferPurpose;
      reasons: string[];
    } & Provenance)
  | ({ type: 'ConfirmTransferShipped' } & Provenance)
  | ({ type: 'ConfirmTransferReceived'; lines: OrderLine[] } & Provenance)
  /** Call off a transfer that has not left its source: the source's hold is released, the worker told. */
  | ({ type: 'CancelTransfer'; reason: TransferCancelReason } & Provenance);

export const initialTransferState = (): TransferRecord => ({
  transferId: null,
  fromLocationId: '',
  toLocationId: '',
  lines: [],
  purpose: null,
  state: null,
  receivedLines: [],
});

/**
 * Feedback that cannot be true of the transfer any more: the caller's dead letter. One rule for every
 * call-off, whatever its reason (contract v1.1): a transfer called off stays called off, and a
 * TransferShipped or TransferReceived after its CancelTransfer is not applied. Its hold was released
 * at once and may be promised again, so counting the goods as gone as well would promise the same
 * units twice; a worker whose truck did leave records what moved as movements.
 */
export function transferFeedbackRefusal(state: TransferRecord, feedback: 'shipped' | 'received'): string | null {
  if (state.state !== 'cancelled') return null;
  const what = feedback === 'shipped' ? 'TransferShipped' : 'TransferReceived';
  return `transfer ${state.transferId} was called off (${state.cancelReason ?? 'cancelled'}, CancelTransfer sent) before any shipment was reported: this ${what} is not applied; record stock that did move as StockReceived/StockAdjusted dated when it moved`;
}

export function decideTransfer(command: TransferCommand, state: TransferRecord): TransferEvent[] {
  const provenance = provenanceOf(command);
  switch (command.type) {
    case 'RequestTransfer':
      if (state.state !== null) return [];
      return [
        {
          type: 'TransferRequested',
          data: {
            ...provenance,
            transferId: command.transferId,
            fromLocationId: command.fromLocationId,
            toLocationId: command.toLocationId,
            lines: mergeLines(command.lines),
            purpose: command.purpose,
            commandId: transferCommandIdFor(command.transferId),
            reasons: command.reasons,
          },
        },
      ];
    case 'CancelTransfer':
      if (state.state !== 'requested') return []; // left already, or over: nothing to call off
      return [
        {
          type: 'TransferCancelled',
          data: {
            ...provenance,
            transferId: state.transferId!,
            reason: command.reason,
            commandId: transferCancelCommandIdFor(state.transferId!),
          },
        },
      ];
    case 'ConfirmTransferShipped':
      if (!stillAtSource(state)) return [];
      return [{ type: 'TransferShipped', data: { ...provenance, transferId: state.transferId!, lines: state.lines } }];
    case 'ConfirmTransferReceived': {
      if (state.state === null || state.state === 'received' || transferFeedbackRefusal(state, 'received') !== null) return [];
      // Received without a shipped report first: it must have left, so record that too.
      const shipped: TransferEvent[] = stillAtSource(state)
        ? [{ type: 'TransferShipped', data: { ...provenance, transferId: state.transferId!, lines: state.lines } }]
        : [];
      return [
        ...shipped,
        { type: 'TransferReceived', data: { ...provenance, transferId: state.transferId!, lines: mergeLines(command.lines) } },
      ];
    }
  }
}

/** Not reported shipped yet, nor called off. */
function stillAtSource(state: TransferRecord): boolean {
  return state.state === 'requested';
}

export function evolveTransfer(state: TransferRecord, event: TransferEvent): TransferRecord {
  switch (event.type) {
    case 'TransferRequested':
      return {
        transferId: event.data.transferId,
        fromLocationId: event.data.fromLocationId,
        toLocationId: event.data.toLocationId,
        lines: event.data.lines,
        purpose: event.data.purpose,
        state: 'requested',
        receivedLines: [],
      };
    case 'TransferShipped':
      return { ...state, state: 'shipped' };
    case 'TransferReceived':
      return { ...state, state: 'received', receivedLines: event.data.lines };
    case 'TransferCancelled':
      return { ...state, state: 'cancelled', cancelReason: event.data.reason };
  }
}

export function transferStreamId(transferId: string): string {
  return `transfer|${encodeURIComponent(transferId)}`;
}

export const transferDecider = {
  initialState: initialTransferState,
  decide: decideTransfer,
  evolve: evolveTransfer,
};

export const TRANSFER_STATE_VERSION = 1;
