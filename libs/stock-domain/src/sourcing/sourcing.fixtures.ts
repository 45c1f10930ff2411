/** Example networks for the sourcing specs: locations placed some kilometres north of West Lake. */
import type { GeoPoint } from '../geo';
import type { SourcingCandidate, SourcingPlan } from './contract';

export const westLake: GeoPoint = { lat: 30.259, lng: 120.15 };

/** A location `km` kilometres (roughly) north of West Lake. */
export const north = (km: number): GeoPoint => ({ lat: westLake.lat + km / 111.2, lng: westLake.lng });

export function location(
  locationId: string,
  at: GeoPoint,
  stock: Record<string, number>,
  overrides: Partial<SourcingCandidate> = {},
): SourcingCandidate {
  return {
    locationId,
    type: 'store',
    shipsOnline: true,
    pickup: true,
    remainingCapacity: 10,
    ...at,
    available: new Map(Object.entries(stock)),
    ...overrides,
  };
}

export const ship = (to: GeoPoint = westLake) => ({ mode: 'ship' as const, ...to });
export const pickupAt = (storeId: string) => ({ mode: 'pickup' as const, storeId });
export const shippedFrom = (plan: SourcingPlan) => plan.fulfillments.map((f) => f.fromLocationId);
