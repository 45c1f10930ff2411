import { isBeforeLatestCount, journalAfter } from './count-journal';
import type { StockItemEvent } from './events';
import { initialStockItemState, type StockItemState } from './state';

export function evolveStockItem(state: StockItemState, event: StockItemEvent): StockItemState {
  const at = Date.parse(event.data.occurredAt);
  const changed: StockItemState = {
    ...state,
    onHand: state.onHand + event.data.onHandChange,
    reserved: state.reserved + (event.data.reservedChange ?? 0),
    inTransit: state.inTransit + (event.data.inTransitChange ?? 0),
  };
  switch (event.type) {
    case 'StockCounted':
      return isBeforeLatestCount(state, at) ? state : { ...changed, countedAt: at };
    case 'ReplenishmentRequested':
      return { ...changed, openReplenishmentTransferId: event.data.transferId };
    case 'TransferReceivedIn':
    case 'ReplenishmentClosed':
      if (state.openReplenishmentTransferId === event.data.transferId) changed.openReplenishmentTransferId = null;
      break;
    default:
      break;
  }
  return { ...changed, journal: journalAfter(state.journal, event, at) };
}

export function foldStockItem(events: Iterable<StockItemEvent>, from: StockItemState = initialStockItemState()): StockItemState {
  let state = from;
  for (const event of events) state = evolveStockItem(state, event);
  return state;
}
