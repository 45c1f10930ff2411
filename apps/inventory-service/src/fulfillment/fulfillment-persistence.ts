import { streamIdParts, upcasterChain, type StreamKind } from '@app/event-store';
import {
  ONLINE_ORDER_STATE_VERSION,
  TRANSFER_STATE_VERSION,
  onlineOrderDecider,
  onlineOrderStreamId,
  transferDecider,
  transferStreamId,
  type OnlineOrderCommand,
  type OnlineOrderEvent,
  type OnlineOrderState,
  type TransferCommand,
  type TransferEvent,
  type TransferRecord,
} from '@app/stock-domain';

/** How order and transfer events are read back: every type is at schema version 1 so far. */
export const upcastOnlineOrderEvent = upcasterChain<OnlineOrderEvent>({}, {});
export const upcastTransferEvent = upcasterChain<TransferEvent>({}, {});

/** An online order, `online-order|<orderId>`; the service snapshots it every SNAPSHOT_EVERY_EVENTS (default 100). */
export const onlineOrderKind: StreamKind<OnlineOrderCommand, OnlineOrderState, OnlineOrderEvent> = {
  name: 'online-order',
  decider: onlineOrderDecider,
  upcast: upcastOnlineOrderEvent,
  snapshots: { everyEvents: 100, stateVersion: ONLINE_ORDER_STATE_VERSION },
  streamId: onlineOrderStreamId,
  keyOf: (streamId) => streamIdParts(streamId, 'online-order', 1)?.[0] ?? null,
};

/** A transfer between locations, `transfer|<transferId>`; snapshots as for orders. */
export const transferKind: StreamKind<TransferCommand, TransferRecord, TransferEvent> = {
  name: 'transfer',
  decider: transferDecider,
  upcast: upcastTransferEvent,
  snapshots: { everyEvents: 100, stateVersion: TRANSFER_STATE_VERSION },
  streamId: transferStreamId,
  keyOf: (streamId) => streamIdParts(streamId, 'transfer', 1)?.[0] ?? null,
};
