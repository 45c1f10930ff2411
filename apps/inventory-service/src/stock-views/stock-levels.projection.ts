import type { Projection, RebuildableReadModel, ProjectedEvent, SqlClient } from '@app/event-store';
import { stockItemKeyOf } from '@app/stock-domain';
import { upcastStockItemEvent } from '../stock';
import { applyStockLevelChanges } from './stock-views.sql';

interface LevelChange {
  locationId: string;
  sku: string;
  onHand: number;
  reserved: number;
  inTransit: number;
  lastChangedAt: string;
  lastPosition: number;
}

export const STOCK_LEVELS_PROJECTION = 'stock-levels';

/** Per SKU and location: on hand, reserved, in transit. Summed per batch, written in one statement. */
export class StockLevelsProjection implements Projection {
  private readonly applyChanges: string;

  constructor(
    readonly name = STOCK_LEVELS_PROJECTION,
    table = 'stock_levels',
  ) {
    this.applyChanges = applyStockLevelChanges(table);
  }

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    const changes = stockLevelChanges(events);
    if (changes.length === 0) return;
    await sql.query(this.applyChanges, [
      changes.map((c) => c.locationId),
      changes.map((c) => c.sku),
      changes.map((c) => c.onHand),
      changes.map((c) => c.reserved),
      changes.map((c) => c.inTransit),
      changes.map((c) => c.lastChangedAt),
      changes.map((c) => c.lastPosition),
    ]);
  }
}

/** The net change each event batch makes to each (SKU, location): pure, so it can be property-tested. */
export function stockLevelChanges(events: readonly ProjectedEvent[]): LevelChange[] {
  const byItem = new Map<string, LevelChange & { lastChangedAtMs: number }>();
  for (const event of events) {
    let change = byItem.get(event.streamId);
    const key = change ?? stockItemKeyOf(event.streamId);
    if (!key) continue;
    const stockEvent = upcastStockItemEvent(event);
    if (!change) {
      const { occurredAt } = stockEvent.data;
      change = {
        locationId: key.locationId,
        sku: key.sku,
        onHand: 0,
        reserved: 0,
        inTransit: 0,
        lastChangedAt: occurredAt,
        lastChangedAtMs: Date.parse(occurredAt),
        lastPosition: 0,
      };
      byItem.set(event.streamId, change);
    }
    change.onHand += stockEvent.data.onHandChange;
    change.reserved += stockEvent.data.reservedChange ?? 0;
    change.inTransit += stockEvent.data.inTransitChange ?? 0;
    const occurredAtMs = Date.parse(stockEvent.data.occurredAt);
    if (occurredAtMs > change.lastChangedAtMs) {
      change.lastChangedAt = stockEvent.data.occurredAt;
      change.lastChangedAtMs = occurredAtMs;
    }
    change.lastPosition = event.globalPosition;
  }
  // In UTC: PostgreSQL refuses zone offsets past ±15:59, which ISO-8601 (and the contract) allow.
  return [...byItem.values()].map(({ lastChangedAtMs, ...change }) => ({
    ...change,
    lastChangedAt: new Date(lastChangedAtMs).toISOString(),
  }));
}

/** The stock-levels view as the rebuild command sees it. */
export const stockLevelsReadModel: RebuildableReadModel = {
  name: STOCK_LEVELS_PROJECTION,
  kind: 'asynchronous',
  table: 'stock_levels',
  projectionInto: (table, checkpointName) => new StockLevelsProjection(checkpointName, table),
};
