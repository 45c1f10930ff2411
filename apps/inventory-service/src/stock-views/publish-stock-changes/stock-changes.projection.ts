import {
  formatViewPosition,
  readCheckpoint,
  type FollowingProjection,
  type GlobalCheckpoint,
  type SqlClient,
  type StreamChange,
} from '@app/event-store';
import { readOutboxOrigin, unpublishedOfTopicWaiting } from '../../outbox';
import { stockBodiesFrom, type StockOfSkusRow } from '../get-stock/stock-bodies';
import { stockChangesIn } from '../stock-changed-by';
import { STOCK_LEVELS_PROJECTION } from '../stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../stock-views.sql';
import { SELECT_SKUS_AT_LOCATIONS } from './stock-changes.sql';
import type { KafkaConnection } from '../../platform/kafka';
import { StockChangesSender } from './stock-changes-sender';

/**
 * The stock answers this process keeps in memory (the stock read model): each SKU's serialized
 * `GET /v1/stock/{sku}` body at a position at or past `atLeast`, or null when it cannot say in
 * `waitMs` (off, loading, behind).
 */
export interface KeptStockAnswers {
  answersAtLeast(skus: readonly string[], atLeast: GlobalCheckpoint, waitMs: number): Promise<string[] | null>;
}

/** How long a batch waits for the read model to reach the view before it reads the bodies from the database. */
const KEPT_ANSWERS_WAIT_MS = 2_000;

/** The feed's checkpoint: how far down the log the SKUs it changed have been sent to retail.stock.changes. */
export const STOCK_CHANGES_PROCESSOR = 'stock-changes';

/**
 * retail.stock.changes (key = sku): the `GET /v1/stock/{sku}` body of every SKU whose stock view
 * changed, sent straight to Kafka by the one instance that holds the feed's lock. A processor of its
 * own (`stock-changes`) follows the log behind the stock-levels view, never past the view's
 * checkpoint, one batch per window (its idle wait): so one message per SKU per window however many
 * view batches changed it. Each batch learns the changed SKUs from the events' stream ids alone,
 * opens its sender (StockChangesSender: that fences the sender of any earlier batch), takes their
 * bodies (from the read model at or past the view's checkpoint read now, else from the database in
 * one snapshot with the checkpoint: each body's position is a view position it reflects, at or past
 * every event of the batch), and sends them in one Kafka transaction before the transaction that
 * holds the lock advances the feed's checkpoint. That transaction has written nothing while the send
 * is on its way (no transaction id: it holds back no reader of the log). Batches run one after
 * another (the processor's lock and its checkpoint's compare-and-set, however many instances run),
 * each reads later than anything an earlier batch sent: for one key, positions only grow on the
 * topic, whatever crashes. A crash between the send and the checkpoint sends the batch again, read
 * afresh: a repeat at the same or a later position, which a compacted topic's readers take as they
 * take any value.
 */
export class StockChangesProjection implements FollowingProjection {
  readonly name = STOCK_CHANGES_PROCESSOR;
  readonly follows = STOCK_LEVELS_PROJECTION;

  /** `<topic>.<database origin>`: one per database, so every instance on it fences the others. */
  private transactionalId: string | null = null;

  constructor(
    private readonly topic: string,
    private readonly kafka: KafkaConnection,
    private readonly kept: KeptStockAnswers | null,
  ) {}

  async apply(sql: SqlClient, changes: readonly StreamChange[]): Promise<void> {
    const skus = await changedSkus(sql, changes);
    if (skus.length === 0) return;
    // An older version queued this feed in the outbox: its values must reach the topic before newer ones.
    if (await unpublishedOfTopicWaiting(sql, this.topic))
      throw new Error(`stock changes queued in the outbox by an earlier version wait to be published first; retrying`);
    this.transactionalId ??= `${this.topic}.${await readOutboxOrigin(sql)}`;
    // Opened before the read, under the lock: it fences every sender of an earlier batch (see StockChangesSender).
    const sender = await StockChangesSender.open(this.kafka, this.transactionalId);
    try {
      const values = (await this.keptBodies(sql, skus)) ?? (await this.readBodies(sql, skus));
      await sender.send(
        this.topic,
        skus.map((sku, i) => ({ key: sku, value: values[i]! })),
      );
    } finally {
      await sender.close();
    }
  }

  /**
   * The bodies this process keeps in memory, each at or past the view's checkpoint as read now
   * (after the sender opened: past every position an earlier batch's sender could have sent), so
   * positions per key only grow. Null when the read model cannot give them: read the database.
   */
  private async keptBodies(sql: SqlClient, skus: readonly string[]): Promise<string[] | null> {
    if (!this.kept) return null;
    return this.kept.answersAtLeast(skus, await readCheckpoint(sql, this.follows), KEPT_ANSWERS_WAIT_MS);
  }

  /** The bodies and the view's checkpoint in one statement (one snapshot), as the NestJS stock route reads them. */
  private async readBodies(sql: SqlClient, skus: readonly string[]): Promise<string[]> {
    const rows = await sql.query<StockOfSkusRow>(SELECT_STOCK_OF_SKUS, [skus, this.follows]);
    const checkpoint = rows.find((row) => row.sku === null);
    // The view has a checkpoint: the processor read nothing past it.
    if (!checkpoint) throw new Error(`the ${this.follows} checkpoint vanished during a ${this.name} batch`);
    const position = formatViewPosition({ transactionId: checkpoint.transaction_id, globalPosition: Number(checkpoint.global_position) });
    return stockBodiesFrom(skus, rows, position).map((stock) => JSON.stringify(stock));
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
