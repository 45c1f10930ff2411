import type { Projection, RebuildableReadModel, ProjectedEvent, SqlClient } from '@app/event-store';
import type { SkuPolicyEvent } from '@app/stock-domain';
import { upsertSkuPolicy } from './sku-policies.sql';

/** Per-SKU policies at locations, kept inline: a PUT is visible to the next stock read. */
export class SkuPoliciesProjection implements Projection {
  private readonly upsert: string;

  constructor(
    readonly name = 'sku-policies',
    table = 'sku_policies',
  ) {
    this.upsert = upsertSkuPolicy(table);
  }

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'SkuPolicySet' && event.type !== 'SkuPolicyChanged') continue;
      const { locationId, sku, policy, occurredAt } = (event as unknown as SkuPolicyEvent).data;
      await sql.query(this.upsert, [
        locationId,
        sku,
        policy.safetyStock,
        policy.reorderPoint,
        policy.reorderQuantity,
        event.streamVersion,
        occurredAt,
      ]);
    }
  }
}

export const skuPoliciesReadModel: RebuildableReadModel = {
  name: 'sku-policies',
  kind: 'inline',
  table: 'sku_policies',
  projectionInto: (table, checkpointName) => new SkuPoliciesProjection(checkpointName, table),
};
