import { PostgresEventStore, TransactionRunner, runOnStream } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InlineViewWrites } from '../../platform/database';
import { randomUUID } from 'node:crypto';
import { skuPolicyKind } from '../sku-policy-stream';
import { SELECT_SKU_POLICY, type SkuPolicyRow } from '../sku-policies.sql';
import { SetSkuPolicy, type SkuPolicyView } from './set-sku-policy.command';

@CommandHandler(SetSkuPolicy)
export class SetSkuPolicyHandler implements ICommandHandler<SetSkuPolicy, { created: boolean; policy: SkuPolicyView }> {
  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
    @Inject(InlineViewWrites) private readonly viewWrites: InlineViewWrites,
  ) {}

  async execute({ locationId, sku, policy }: SetSkuPolicy): Promise<{ created: boolean; policy: SkuPolicyView }> {
    const command = { type: 'SetSkuPolicy' as const, locationId, sku, policy, at: new Date().toISOString() };
    const done = await runOnStream(this.transactions, this.store, skuPolicyKind, skuPolicyKind.streamId({ locationId, sku }), command, {
      eventIdFor: () => randomUUID(),
      result: async (sql, { loadedVersion }) => {
        const [row] = await sql.query<SkuPolicyRow>(SELECT_SKU_POLICY, [locationId, sku]);
        return {
          created: loadedVersion === 0,
          policy: {
            locationId: row!.location_id,
            sku: row!.sku,
            safetyStock: row!.safety_stock,
            reorderPoint: row!.reorder_point,
            reorderQuantity: row!.reorder_quantity,
            version: row!.version,
            updatedAt: row!.updated_at.toISOString(),
          },
        };
      },
    });
    // Committed: this instance's views show it before the caller hears back (read-your-writes).
    await this.viewWrites.written({ kind: 'skuPolicy', sku, locationId });
    return done;
  }
}
