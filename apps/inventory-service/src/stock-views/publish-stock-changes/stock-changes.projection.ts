import { formatViewPosition, type ProjectedEvent, type Projection, type SqlClient } from '@app/event-store';
import { enqueueOutboxMessages } from '../../outbox';
import { stockBodiesFrom, type StockOfSkusRow } from '../get-stock/stock-bodies';
import { stockChangedBy } from '../stock-changed-by';
import { SELECT_STOCK_OF_SKUS } from '../stock-views.sql';
import { SELECT_SKUS_AT_LOCATIONS } from './stock-changes.sql';

/**
 * The stock-levels view, and with each of its batches the `GET /v1/stock/{sku}` body of every SKU the
 * batch changed, queued for retail.stock.changes (key = sku) in the same transaction as the view's
 * rows and checkpoint: one message per SKU per batch, at the batch's checkpoint. Batches of the view
 * commit one after another (its processor's lock, its checkpoint's compare-and-set), and the outbox
 * relay publishes in outbox order, exactly once: so for one key, positions only grow on the topic,
 * whatever crashes, and however many instances run.
 */
export class StockLevelsWithChangesProjection implements Projection {
  readonly name: string;

  constructor(
    private readonly levels: Projection,
    private readonly topic: string,
  ) {
    this.name = levels.name;
  }

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    await this.levels.apply(sql, events);
    const skus = await changedSkus(sql, events);
    if (skus.length === 0) return;
    const last = events[events.length - 1]!;
    const position = formatViewPosition({ transactionId: last.transactionId, globalPosition: last.globalPosition });
    // Read inside the batch's transaction: the view as this batch leaves it (its checkpoint row, still the old one, is ignored).
    const rows = await sql.query<StockOfSkusRow>(SELECT_STOCK_OF_SKUS, [skus, this.name]);
    await enqueueOutboxMessages(
      sql,
      stockBodiesFrom(skus, rows, position).map((stock) => ({
        topic: this.topic,
        key: Buffer.from(stock.sku),
        value: Buffer.from(JSON.stringify(stock)),
        headers: {},
      })),
    );
  }
}

/** The SKUs whose stock view the batch changed, each once: their stock or policy, or anything at a location whose profile changed. */
async function changedSkus(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<string[]> {
  const skus = new Set<string>();
  const locations = new Set<string>();
  for (const { streamId } of events) {
    const changed = stockChangedBy(streamId);
    if (changed && 'sku' in changed) skus.add(changed.sku);
    else if (changed) locations.add(changed.locationId);
  }
  if (locations.size > 0) {
    for (const { sku } of await sql.query<{ sku: string }>(SELECT_SKUS_AT_LOCATIONS, [[...locations]])) skus.add(sku);
  }
  return [...skus];
}
