import type { EventMetadata } from '@app/event-store';
import { stockItemStreamId, type StockItemEvent } from '@app/stock-domain';
import { unknownLocationReason } from '../locations';
import type { ApplyOutcome } from './apply-outcome';
import type { StockItemsUnitOfWork } from './stock-item-persistence';
import { shopFloorInstructionsFor, type ShopFloorEvent } from './stock-instructions';

/**
 * A shop-floor event on the stock items it names, one command per line, each event id derived from
 * the inbound event's sender-scoped id (`<scopedId>#<line>`, `.<n>` for a line's further events).
 * An event naming a location nobody registered is refused whole: a replay once it is registered applies it.
 */
export function recordShopFloorEvent(
  items: StockItemsUnitOfWork,
  event: ShopFloorEvent,
  applying: { scopedId: string; metadata: EventMetadata },
  isRegistered: (locationId: string) => boolean,
): ApplyOutcome {
  const instructions = shopFloorInstructionsFor(event);
  const unregistered = instructions.find(({ key }) => !isRegistered(key.locationId));
  if (unregistered) return { applied: false, deadLetterReason: unknownLocationReason(unregistered.key.locationId) };
  instructions.forEach(({ key, command }, line) => {
    items.execute(stockItemStreamId(key), command, {
      eventIdFor: (_: StockItemEvent, index: number) => `${applying.scopedId}#${line}${index > 0 ? `.${index}` : ''}`,
      metadata: applying.metadata,
    });
  });
  return { applied: true };
}
