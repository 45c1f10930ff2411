import type { LocationStock, SkuStock } from '@app/contracts';
import { SqlReader, parseViewPosition } from '@app/event-store';
import {
  availableAt,
  onlineAvailableToPromise,
  stockItemAsOfFrom,
  stockItemStreamId,
  type StockItemAsOfBase,
  type StockItemEvent,
} from '@app/stock-domain';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ServiceConfig } from '../../platform/config';
import { HttpReads } from '../../platform/database';
import { stockViewPosition } from '../stock-view-position';
import { GetStockAsOf } from './get-stock-as-of.query';
import { SELECT_SKU_LOCATIONS, SELECT_STOCK_EVENTS_AFTER_COUNTS, SELECT_STOCK_ITEM_BASES_AS_OF } from './get-stock-as-of.sql';

interface BaseRow {
  stream_id: string;
  reserved: number;
  in_transit: number;
  counted_at: string | null;
  counted: number | null;
}

interface LocationRow {
  location_id: string;
  safety_stock: number;
  ships_online: boolean;
}

/**
 * Stock in the past: each of the SKU's stock items folded from its events up to the moment
 * (stockItemAsOfFrom: by occurredAt, counts as of theirs), read up to the stock view's position, so
 * the answer names the position of the log it reflects. The database sums reservations and
 * transfers and finds each item's latest count; only the movements after it come back to be folded.
 * Safety stock and online flags are today's.
 */
@QueryHandler(GetStockAsOf)
export class GetStockAsOfHandler implements IQueryHandler<GetStockAsOf, SkuStock> {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async execute({ sku, asOf, atLeast }: GetStockAsOf): Promise<SkuStock> {
    const position = await stockViewPosition(this.reads, atLeast, this.config.http.minPositionWaitMs);
    const checkpoint = parseViewPosition(position)!;
    const locations = await this.reads.query<LocationRow>(SELECT_SKU_LOCATIONS, [sku]);
    const streamIds = locations.map((l) => stockItemStreamId({ locationId: l.location_id, sku }));
    const window = [streamIds, asOf, checkpoint.transactionId, checkpoint.globalPosition];
    const bases = new Map<string, StockItemAsOfBase>();
    const countedAt = new Map<string, string>();
    for (const row of await this.reads.query<BaseRow>(SELECT_STOCK_ITEM_BASES_AS_OF, window)) {
      const count = row.counted_at === null ? null : { at: Date.parse(row.counted_at), quantity: row.counted! };
      bases.set(row.stream_id, { count, reserved: row.reserved, inTransit: row.in_transit });
      if (row.counted_at !== null) countedAt.set(row.stream_id, row.counted_at);
    }
    const since = streamIds.map((id) => countedAt.get(id) ?? null);
    const eventsOf = new Map<string, StockItemEvent[]>();
    for (const { stream_id, ...event } of await this.reads.query<{ stream_id: string } & StockItemEvent>(SELECT_STOCK_EVENTS_AFTER_COUNTS, [
      ...window,
      since,
    ])) {
      const events = eventsOf.get(stream_id) ?? [];
      events.push(event as StockItemEvent);
      eventsOf.set(stream_id, events);
    }
    const at = Date.parse(asOf);
    const shown: Array<LocationStock & { shipsOnline: boolean }> = [];
    locations.forEach((location, i) => {
      const base = bases.get(streamIds[i]!);
      if (!base) return; // nothing had happened there yet
      const totals = stockItemAsOfFrom(base, eventsOf.get(streamIds[i]!) ?? [], at);
      shown.push({
        locationId: location.location_id,
        onHand: totals.onHand,
        reserved: totals.reserved,
        available: availableAt(totals, location.safety_stock),
        inTransit: totals.inTransit,
        shipsOnline: location.ships_online,
      });
    });
    return {
      sku,
      onHand: sum(shown, 'onHand'),
      reserved: sum(shown, 'reserved'),
      available: sum(shown, 'available'),
      onlineAvailableToPromise: onlineAvailableToPromise(shown),
      locations: shown.map(({ shipsOnline: _, ...location }) => location),
      position,
      asOf,
    };
  }
}

function sum(locations: readonly LocationStock[], field: 'onHand' | 'reserved' | 'available'): number {
  return locations.reduce((total, location) => total + location[field], 0);
}
