import { isBeforeLatestCount, journalAfter } from './count-journal';
import type { StockItemEvent } from './events';
import { initialStockItemState, type StockItemState } from './state';

/** The state after one event: one new state object per event (this runs for every line ingested and every event replayed). */
export function evolveStockItem(state: StockItemState, event: StockItemEvent): StockItemState {
  const at = Date.parse(event.data.occurredAt);
  let { countedAt, openReplenishmentTransferId, journal } = state;
  switch (event.type) {
    case 'StockCounted':
      if (isBeforeLatestCount(state, at)) return state;
      countedAt = at;
      break;
    case 'ReplenishmentRequested':
      openReplenishmentTransferId = event.data.transferId;
      break;
    case 'TransferReceivedIn':
    case 'ReplenishmentClosed':
      if (openReplenishmentTransferId === event.data.transferId) openReplenishmentTransferId = null;
      journal = journalAfter(journal, event, at);
      break;
    default:
      journal = journalAfter(journal, event, at);
      break;
  }
  return {
    onHand: state.onHand + event.data.onHandChange,
    reserved: state.reserved + (event.data.reservedChange ?? 0),
    inTransit: state.inTransit + (event.data.inTransitChange ?? 0),
    countedAt,
    openReplenishmentTransferId,
    journal,
  };
}

export function foldStockItem(events: Iterable<StockItemEvent>, from: StockItemState = initialStockItemState()): StockItemState {
  let state = from;
  for (const event of events) state = evolveStockItem(state, event);
  return state;
}
