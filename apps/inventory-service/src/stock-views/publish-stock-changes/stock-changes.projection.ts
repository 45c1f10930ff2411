import { formatViewPosition, type FollowingProjection, type SqlClient, type StreamChange } from '@app/event-store';
import { enqueueOutboxMessages } from '../../outbox';
import { stockBodiesFrom, type StockOfSkusRow } from '../get-stock/stock-bodies';
import { stockChangesIn } from '../stock-changed-by';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../stock-views.sql';
import { SELECT_SKUS_AT_LOCATIONS } from './stock-changes.sql';

/** The feed's checkpoint: how far down the log the SKUs it changed have been queued for retail.stock.changes. */
export const STOCK_CHANGES_PROCESSOR = 'stock-changes';

/**
 * retail.stock.changes (key = sku): the `GET /v1/stock/{sku}` body of every SKU whose stock view
 * changed, queued in the outbox. A processor of its own (`stock-changes`) follows the log behind
 * the stock-levels view, never past the view's checkpoint, one batch per window (its idle wait): so
 * one message per SKU per window however many view batches changed it. Each batch learns the changed
 * SKUs from the events' stream ids alone, reads their bodies and the view's checkpoint in one
 * statement (one snapshot: the body's position is the view position the body reflects, at or past
 * every event of the batch), and queues them in one insert, in the transaction that advances the
 * feed's checkpoint: a crash loses or repeats nothing, each change is queued exactly once. Batches
 * commit one after another (the processor's lock and its checkpoint's compare-and-set, however many
 * instances run), each reads the view later than the one before, and the relay publishes in outbox
 * order, exactly once: for one key, positions only grow on the topic, whatever crashes.
 */
export class StockChangesProjection implements FollowingProjection {
  readonly name = STOCK_CHANGES_PROCESSOR;
  readonly follows = STOCK_LEVELS_PROJECTION;

  constructor(private readonly topic: string) {}

  async apply(sql: SqlClient, changes: readonly StreamChange[]): Promise<void> {
    const skus = await changedSkus(sql, changes);
    if (skus.length === 0) return;
    const rows = await sql.query<StockOfSkusRow>(SELECT_STOCK_OF_SKUS, [skus, this.follows]);
    const checkpoint = rows.find((row) => row.sku === null);
    // The view has a checkpoint: the processor read nothing past it.
    if (!checkpoint) throw new Error(`the ${this.follows} checkpoint vanished during a ${this.name} batch`);
    const position = formatViewPosition({ transactionId: checkpoint.transaction_id, globalPosition: Number(checkpoint.global_position) });
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

/** The SKUs whose stock view these changes moved, each once: their stock or policy, or anything at a location whose profile changed. */
async function changedSkus(sql: SqlClient, changes: readonly StreamChange[]): Promise<string[]> {
  const { skus, locations } = stockChangesIn(changes);
  if (locations.size > 0) {
    for (const { sku } of await sql.query<{ sku: string }>(SELECT_SKUS_AT_LOCATIONS, [[...locations]])) skus.add(sku);
  }
  return [...skus];
}
