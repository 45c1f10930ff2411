import type { Projection, RebuildableReadModel, ProjectedEvent, SqlClient } from '@app/event-store';
import { stockItemKeyOf } from '@app/stock-domain';
import { upcastStockItemEvent } from '../stock-movements/stock-item-persistence';
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
    await sql.query(this.addSales, [sold.map((s) => s.sku), sold.map((s) => s.locationId), sold.map((s) => s.day), sold.map((s) => s.units)]);
  }
}

export function dailySalesOf(events: readonly ProjectedEvent[]): Array<{ sku: string; locationId: string; day: string; units: number }> {
  const byKey = new Map<string, { sku: string; locationId: string; day: string; units: number }>();
  for (const event of events) {
    if (event.type !== 'StockSold' && event.type !== 'ReservedStockShipped') continue;
    const key = stockItemKeyOf(event.streamId);
    if (!key) continue;
    const stockEvent = upcastStockItemEvent(event);
    if (stockEvent.type === 'ReservedStockShipped' && stockEvent.data.purpose !== 'fulfillment') continue; // a transfer is not a sale
    if (stockEvent.type !== 'StockSold' && stockEvent.type !== 'ReservedStockShipped') continue;
    const day = new Date(stockEvent.data.occurredAt).toISOString().slice(0, 10);
    const id = `${key.sku}|${key.locationId}|${day}`;
    const entry = byKey.get(id) ?? { ...key, day, units: 0 };
    entry.units += stockEvent.data.quantity;
    byKey.set(id, entry);
  }
  return [...byKey.values()];
}

export const dailySalesReadModel: RebuildableReadModel = {
  name: DAILY_SALES_PROJECTION,
  kind: 'asynchronous',
  table: 'daily_sales',
  projectionInto: (table, checkpointName) => new DailySalesProjection(checkpointName, table),
};
