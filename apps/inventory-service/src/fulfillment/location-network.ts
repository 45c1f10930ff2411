import type { SqlClient } from '@app/event-store';
import type { StockItemKey } from '@app/stock-domain';
import { locationViewOf, type LocationRow, type LocationView } from '../locations';
import type { SkuPolicyRow } from '../sku-policies';
import {
  ADD_DISPATCHES,
  ENSURE_DISPATCH_DAY_ROWS,
  LOCK_DISPATCH_DAY_ROWS,
  SELECT_NETWORK_LOCATIONS,
  SELECT_SKU_POLICIES_OF_SKUS,
} from './fulfillment.sql';

/** A registered location as sourcing sees it (the registry's view). */
export type NetworkLocation = LocationView;

export interface SkuPolicyAtLocation {
  safetyStock: number;
  reorderPoint: number | null;
  reorderQuantity: number | null;
}

/**
 * The locations, their per-SKU policies and today's dispatch capacity, as one sourcing transaction
 * sees them. Locations and policies are inline views (current in the transaction); capacity rows are
 * locked on first use so concurrent batches cannot overbook a location.
 */
export class LocationNetwork {
  private readonly policies = new Map<string, SkuPolicyAtLocation | null>();
  private dispatchedToday: Map<string, number> | null = null;
  private readonly addedToday = new Map<string, number>();

  private constructor(
    readonly locations: readonly NetworkLocation[],
    private readonly byId: ReadonlyMap<string, NetworkLocation>,
    /** UTC date (YYYY-MM-DD) capacity is counted against. */
    readonly day: string,
  ) {}

  static async load(sql: SqlClient, now: Date): Promise<LocationNetwork> {
    const locations = (await sql.query<LocationRow>(SELECT_NETWORK_LOCATIONS)).map(locationViewOf);
    return new LocationNetwork(locations, new Map(locations.map((l) => [l.locationId, l])), now.toISOString().slice(0, 10));
  }

  location(locationId: string): NetworkLocation | undefined {
    return this.byId.get(locationId);
  }

  /** Load the per-SKU policies of these SKUs at every location (once per SKU). */
  async loadPolicies(sql: SqlClient, skus: Iterable<string>): Promise<void> {
    const missing = [...new Set(skus)].filter((sku) => !this.policies.has(`${sku}|`));
    if (missing.length === 0) return;
    for (const sku of missing) this.policies.set(`${sku}|`, null); // marks the SKU as loaded
    for (const row of await sql.query<SkuPolicyRow>(SELECT_SKU_POLICIES_OF_SKUS, [missing])) {
      this.policies.set(`${row.sku}|${row.location_id}`, {
        safetyStock: row.safety_stock,
        reorderPoint: row.reorder_point,
        reorderQuantity: row.reorder_quantity,
      });
    }
  }

  /** The SKU's policy at the location, if one is set (its SKU must have been loaded). */
  policyOf({ locationId, sku }: StockItemKey): SkuPolicyAtLocation | null {
    if (!this.policies.has(`${sku}|`)) throw new Error(`policies of ${sku} were not loaded before use`);
    return this.policies.get(`${sku}|${locationId}`) ?? null;
  }

  /** Safety stock for the SKU at the location: its own policy, else the location's default. */
  safetyStockOf(key: StockItemKey): number {
    return this.policyOf(key)?.safetyStock ?? this.byId.get(key.locationId)?.safetyStock ?? 0;
  }

  /** Lock today's capacity rows of every location; call before `remainingCapacity`. */
  async lockCapacity(sql: SqlClient): Promise<void> {
    if (this.dispatchedToday) return;
    const ids = this.locations.map((l) => l.locationId);
    await sql.query(ENSURE_DISPATCH_DAY_ROWS, [ids, this.day]);
    const rows = await sql.query<{ location_id: string; dispatched: number }>(LOCK_DISPATCH_DAY_ROWS, [ids, this.day]);
    this.dispatchedToday = new Map(rows.map((row) => [row.location_id, row.dispatched]));
  }

  remainingCapacity(locationId: string): number {
    if (!this.dispatchedToday) throw new Error('capacity was not locked before use');
    const location = this.byId.get(locationId);
    if (!location) return 0;
    const used = (this.dispatchedToday.get(locationId) ?? 0) + (this.addedToday.get(locationId) ?? 0);
    return Math.max(0, location.dailyCapacity - used);
  }

  recordDispatch(locationId: string): void {
    this.addedToday.set(locationId, (this.addedToday.get(locationId) ?? 0) + 1);
  }

  /** Write the dispatches recorded in this transaction. */
  async saveCapacity(sql: SqlClient): Promise<void> {
    if (this.addedToday.size === 0) return;
    await this.lockCapacity(sql);
    const ids = [...this.addedToday.keys()];
    await sql.query(ADD_DISPATCHES, [ids, this.day, ids.map((id) => this.addedToday.get(id)!)]);
  }
}
