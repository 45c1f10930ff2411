import { AggregateRepository, PostgresEventStore, TransactionRunner, upcasterChain } from '@app/event-store';
import {
  SKU_POLICY_STATE_VERSION,
  skuPolicyDecider,
  skuPolicyStreamId,
  type SkuPolicyCommand,
  type SkuPolicyEvent,
  type SkuPolicyState,
} from '@app/stock-domain';
import { Inject } from '@nestjs/common';
import { CommandHandler, EventPublisher, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { executeOnAggregate } from '../../stock/execute-on-aggregate';
import { SELECT_SKU_POLICY, type SkuPolicyRow } from '../sku-policies.sql';
import { SetSkuPolicy, type SkuPolicyView } from './set-sku-policy.command';

@CommandHandler(SetSkuPolicy)
export class SetSkuPolicyHandler implements ICommandHandler<SetSkuPolicy, { created: boolean; policy: SkuPolicyView }> {
  private readonly policies: AggregateRepository<SkuPolicyCommand, SkuPolicyState, SkuPolicyEvent>;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {
    this.policies = new AggregateRepository(
      store,
      skuPolicyDecider,
      { everyEvents: 50, stateVersion: SKU_POLICY_STATE_VERSION },
      upcasterChain<SkuPolicyEvent>({}),
    );
  }

  execute({ locationId, sku, policy }: SetSkuPolicy): Promise<{ created: boolean; policy: SkuPolicyView }> {
    return executeOnAggregate(
      this.transactions,
      this.publisher,
      this.policies,
      skuPolicyStreamId(locationId, sku),
      (aggregate) => aggregate.execute({ type: 'SetSkuPolicy', locationId, sku, policy, at: new Date().toISOString() }, () => randomUUID()),
      async (sql, aggregate) => {
        const [row] = await sql.query<SkuPolicyRow>(SELECT_SKU_POLICY, [locationId, sku]);
        return {
          created: aggregate.loadedVersion === 0,
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
    );
  }
}
