import {
  availableAt,
  planReplenishment,
  reorderPointOf,
  replenishmentTransferIdFor,
  stockItemKeyOf,
  stockItemStreamId,
  type StockItemKey,
} from '@app/stock-domain';
import { SALES_VELOCITY_DAYS } from '../../stock-views';
import { SELECT_UNITS_SOLD_PER_DAY } from '../../stock-views';
import type { FulfillmentUnitOfWork } from '../fulfillment-unit-of-work';

/**
 * After a batch: ask a warehouse for stock (RequestTransfer, TransferStock to its worker) for every
 * store SKU the batch took to its reorder point, unless a replenishment of it is still open.
 */
export async function replenishStores(work: FulfillmentUnitOfWork): Promise<void> {
  const { network, stockItems: items, settings, sql, issuedAt } = work;
  const needs = items
    .changedStreamIds()
    .map((streamId) => ({ streamId, key: stockItemKeyOf(streamId)! }))
    .filter(({ key }) => network.location(key.locationId)?.type === 'store');
  if (needs.length === 0) return;
  await network.loadPolicies(
    sql,
    needs.map(({ key }) => key.sku),
  );
  const velocity = await sql.query<{ sku: string; location_id: string; per_day: number }>(SELECT_UNITS_SOLD_PER_DAY, [
    needs.map(({ key }) => key.sku),
    needs.map(({ key }) => key.locationId),
    SALES_VELOCITY_DAYS,
    issuedAt.slice(0, 10),
  ]);
  const perDay = new Map(velocity.map((row) => [`${row.location_id}|${row.sku}`, Number(row.per_day)]));
  const unitsSoldPerDay = (key: StockItemKey) => perDay.get(`${key.locationId}|${key.sku}`) ?? 0;
  const replenishment = { leadTimeDays: settings.leadTimeDays, coverDays: settings.coverDays };
  const due = needs.filter(({ streamId, key }) => {
    const state = items.stateOf(streamId);
    if (state.openReplenishmentTransferId !== null) return false;
    const policy = network.policyOf(key);
    const safetyStock = network.safetyStockOf(key);
    const reorderPoint = reorderPointOf(
      {
        unitsSoldPerDay: unitsSoldPerDay(key),
        policy: { reorderPoint: policy?.reorderPoint ?? null, reorderQuantity: null, safetyStock },
      },
      replenishment,
    );
    return reorderPoint !== null && availableAt(state, safetyStock) <= reorderPoint; // only these need the warehouses' stock
  });
  if (due.length === 0) return;
  const warehouses = network.locations.filter((l) => l.type === 'warehouse');
  await items.load(due.flatMap(({ key }) => warehouses.map((w) => stockItemStreamId({ locationId: w.locationId, sku: key.sku }))));
  for (const { streamId, key } of due) {
    const store = network.location(key.locationId)!;
    const state = items.stateOf(streamId);
    const policy = network.policyOf(key);
    const decision = planReplenishment(
      {
        storeId: key.locationId,
        sku: key.sku,
        store,
        available: availableAt(state, network.safetyStockOf(key)),
        unitsSoldPerDay: unitsSoldPerDay(key),
        policy: {
          reorderPoint: policy?.reorderPoint ?? null,
          reorderQuantity: policy?.reorderQuantity ?? null,
          safetyStock: network.safetyStockOf(key),
        },
        openTransferId: state.openReplenishmentTransferId,
      },
      warehouses.map((w) => {
        const at = { locationId: w.locationId, sku: key.sku };
        return { ...w, available: availableAt(items.stateOf(stockItemStreamId(at)), network.safetyStockOf(at)) };
      }),
      replenishment,
    );
    if (!decision) continue;
    const transferId = replenishmentTransferIdFor(key.locationId, key.sku, items.versionOf(streamId));
    const cause = { occurredAt: issuedAt, sourceEventId: transferId };
    await work.requestTransfer(
      {
        type: 'RequestTransfer',
        transferId,
        fromLocationId: decision.fromLocationId,
        toLocationId: key.locationId,
        lines: [{ sku: key.sku, quantity: decision.quantity }],
        purpose: { kind: 'replenishment' },
        reasons: decision.reasons,
        ...cause,
      },
      { correlationId: transferId, causationId: transferId },
    );
  }
}
