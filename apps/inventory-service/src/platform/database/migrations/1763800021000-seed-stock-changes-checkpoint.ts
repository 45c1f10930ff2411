import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * retail.stock.changes moved from inside the stock-levels view's batches (which queued every change
 * up to the view's checkpoint) to a processor of its own, `stock-changes`, that follows the view.
 * Started without a checkpoint it would read the log from its start and publish every SKU's whole
 * history again; its checkpoint starts where the view's is, which the old feed had published up to.
 * A database whose view has no checkpoint yet (a new one) gets none: the feed starts with the view.
 * The names are written out: a migration must not change when the code's constants do.
 */
export class SeedStockChangesCheckpoint1763800021000 implements MigrationInterface {
  name = 'SeedStockChangesCheckpoint1763800021000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      INSERT INTO checkpoints (processor_id, transaction_id, global_position, updated_at)
      SELECT 'stock-changes', transaction_id, global_position, now() FROM checkpoints WHERE processor_id = 'stock-levels'
      ON CONFLICT (processor_id) DO NOTHING`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM checkpoints WHERE processor_id = 'stock-changes'`);
  }
}
