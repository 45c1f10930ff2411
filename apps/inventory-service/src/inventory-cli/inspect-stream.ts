import type { PostgresEventStore, RecordedEvent, SqlClient } from '@app/event-store';
import {
  foldOnlineOrder,
  foldStockItem,
  onlineOrderStreamId,
  stockItemStreamId,
  transferDecider,
  transferStreamId,
} from '@app/stock-domain';
import { upcastStockItemEvent } from '../stock/stock-item-persistence';
import { upcastOnlineOrderEvent, upcastTransferEvent } from '../fulfillment/fulfillment-persistence';

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
      return stockItemStreamId({ locationId: target.locationId, sku: target.sku });
    case 'online-order':
      return onlineOrderStreamId(target.orderId);
    case 'transfer':
      return transferStreamId(target.transferId);
    case 'stream':
      return target.streamId;
  }
}

/** Every event of one stream, in order, and the state they fold to. */
export async function inspectStream(sql: SqlClient, store: PostgresEventStore, target: StreamTarget): Promise<StreamInspection> {
  const streamId = streamIdOf(target);
  const events = await store.readStream(sql, streamId);
  const kind = streamId.split('|')[0];
  let state: unknown = null;
  if (kind === 'stock-item') state = foldStockItem(events.map(upcastStockItemEvent));
  if (kind === 'online-order') state = foldOnlineOrder(events.map(upcastOnlineOrderEvent));
  if (kind === 'transfer') state = events.map(upcastTransferEvent).reduce(transferDecider.evolve, transferDecider.initialState());
  return { streamId, events, state };
}
