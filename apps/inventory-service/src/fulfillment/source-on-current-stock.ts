import {
  availableAt,
  planSourcing,
  stockItemStreamId,
  type OrderDelivery,
  type OrderLine,
  type SourcingCandidate,
  type SourcingPlan,
} from '@app/stock-domain';
import type { FulfillmentUnitOfWork } from './fulfillment-unit-of-work';

/** Plan on the stock items' current state (this transaction's, including this batch's changes). */
export async function sourceOnCurrentStock(
  work: FulfillmentUnitOfWork,
  lines: readonly OrderLine[],
  delivery: OrderDelivery,
  excludedLocationIds: ReadonlySet<string>,
): Promise<SourcingPlan> {
  const skus = new Set(lines.map((line) => line.sku));
  await work.loadForSourcing(skus);
  const { network, stockItems } = work;
  const candidates: SourcingCandidate[] = network.locations.map((location) => ({
    ...location,
    remainingCapacity: network.remainingCapacity(location.locationId),
    available: new Map(
      [...skus].map((sku) => {
        const key = { locationId: location.locationId, sku };
        return [sku, availableAt(stockItems.stateOf(stockItemStreamId(key)), network.safetyStockOf(key))];
      }),
    ),
  }));
  return planSourcing({ lines, delivery, candidates, excludedLocationIds });
}
