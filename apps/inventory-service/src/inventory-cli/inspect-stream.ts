import {
  kindOfStream,
  loadStream,
  type AnyStreamKind,
  type PostgresEventStore,
  type RecordedEvent,
  type SqlClient,
} from '@app/event-store';
import { onlineOrderKind, transferKind } from '../fulfillment';
import { locationKind } from '../locations';
import { skuPolicyKind } from '../sku-policies';
import { stockItemKind } from '../stock';

/** Every kind of stream the service writes: a stream of any of them is shown with the state it folds to. */
export const STREAM_KINDS: readonly AnyStreamKind[] = [stockItemKind, onlineOrderKind, transferKind, locationKind, skuPolicyKind];

/** What an operator can name: a stock item, an order, a transfer, or any stream by its raw id. */
export type StreamTarget =
  | { kind: 'stock-item'; locationId: string; sku: string }
  | { kind: 'online-order'; orderId: string }
  | { kind: 'transfer'; transferId: string }
  | { kind: 'stream'; streamId: string };

export interface StreamInspection {
  streamId: string;
  events: RecordedEvent[];
  /** The folded state, for the kinds the service knows how to fold. */
  state: unknown;
}

export function streamIdOf(target: StreamTarget): string {
  switch (target.kind) {
    case 'stock-item':
      return stockItemKind.streamId({ locationId: target.locationId, sku: target.sku });
    case 'online-order':
      return onlineOrderKind.streamId(target.orderId);
    case 'transfer':
      return transferKind.streamId(target.transferId);
    case 'stream':
      return target.streamId;
  }
}

/** Every event of one stream, in order, and the state they fold to. */
export async function inspectStream(sql: SqlClient, store: PostgresEventStore, target: StreamTarget): Promise<StreamInspection> {
  const streamId = streamIdOf(target);
  const kind = kindOfStream(STREAM_KINDS, streamId);
  if (!kind) return { streamId, events: await store.readStream(sql, streamId), state: null };
  const { events, state } = await loadStream(sql, store, kind, streamId);
  return { streamId, events, state };
}
