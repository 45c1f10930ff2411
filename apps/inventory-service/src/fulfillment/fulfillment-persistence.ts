import { upcasterChain } from '@app/event-store';
import type { OnlineOrderEvent, TransferEvent } from '@app/stock-domain';

/** How order and transfer events are read back: every type is at schema version 1 so far. */
export const upcastOnlineOrderEvent = upcasterChain<OnlineOrderEvent>({}, {});
export const upcastTransferEvent = upcasterChain<TransferEvent>({}, {});
