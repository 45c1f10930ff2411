import type { Projection, RebuildableReadModel, ProjectedEvent, SqlClient } from '@app/event-store';
import { stockItemKeyOf } from '@app/stock-domain';
import { upcastStockItemEvent } from '../stock';
import { addDailySales } from './stock-views.sql';

export const DAILY_SALES_PROJECTION = 'daily-sales';

/** How many recent days sales velocity averages over. */
export const SALES_VELOCITY_DAYS = 7;

/**
 * Units sold per SKU, location and (UTC) day of the sale: store sales, and online orders shipped or
 * collected there. Returns do not count against demand. Summed per batch, one statement.
 */
export class DailySalesProjection implements Projection {
  private readonly addSales: string;

  constructor(
    readonly name = DAILY_SALES_PROJECTION,
    table = 'daily_sales',
  ) {
    this.addSales = addDailySales(table);
  }

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    const sold = dailySalesOf(events);
    if (sold.length === 0) return;
    await sql.query(this.addSales, [
      sold.map((s) => s.sku),
      sold.map((s) => s.locationId),
      sold.map((s) => s.day),
      sold.map((s) => s.units),
    ]);
  }
}

export function dailySalesOf(events: readonly ProjectedEvent[]): Array<{ sku: string; locationId: string; day: string; units: number }> {
  const byKey = new Map<string, { sku: string; locationId: string; day: string; units: number }>();
  for (const event of events) {
    if (event.type !== 'StockSold' && event.type !== 'ReservedStockShipped') continue;
    const stockEvent = upcastStockItemEvent(event);
    if (stockEvent.type === 'ReservedStockShipped' && stockEvent.data.purpose !== 'fulfillment') continue; // a transfer is not a sale
    if (stockEvent.type !== 'StockSold' && stockEvent.type !== 'ReservedStockShipped') continue;
    const day = utcDayOf(stockEvent.data.occurredAt);
    const id = `${day}|${event.streamId}`;
    let entry = byKey.get(id);
    if (!entry) {
      const key = stockItemKeyOf(event.streamId);
      if (!key) continue;
      entry = { ...key, day, units: 0 };
      byKey.set(id, entry);
    }
    entry.units += stockEvent.data.quantity;
  }
  return [...byKey.values()];
}

/** The UTC day (YYYY-MM-DD) of an ISO 8601 instant; a UTC one ("…Z") is read as it is written. */
export function utcDayOf(instant: string): string {
  return instant.endsWith('Z') && instant[10] === 'T' ? instant.slice(0, 10) : new Date(instant).toISOString().slice(0, 10);
}

export const dailySalesReadModel: RebuildableReadModel = {
  name: DAILY_SALES_PROJECTION,
  kind: 'asynchronous',
  table: 'daily_sales',
  projectionInto: (table, checkpointName) => new DailySalesProjection(checkpointName, table),
};
