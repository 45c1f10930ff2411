/** The sourcing engine's contract with the service: what `planSourcing` is asked, and the plan it answers. */
import type { GeoPoint } from '../geo';
import type { LocationProfile } from '../location';
import type { OrderLine } from '../order-lines';

export type OrderDelivery = ({ mode: 'ship' } & GeoPoint) | { mode: 'pickup'; storeId: string };

/** A location the engine may draw from, with what it holds of the order's SKUs right now. */
export interface SourcingCandidate extends GeoPoint {
  locationId: string;
  type: LocationProfile['type'];
  shipsOnline: boolean;
  pickup: boolean;
  /** Fulfillments the location can still take today (dailyCapacity minus those already dispatched today). */
  remainingCapacity: number;
  /** available (onHand − reserved − safety stock) per SKU; a missing SKU means 0. May be negative. */
  available: ReadonlyMap<string, number>;
}

export interface SourcingRequest {
  lines: readonly OrderLine[];
  delivery: OrderDelivery;
  candidates: readonly SourcingCandidate[];
  /** Locations never to use for this order (say, one whose pick just failed). */
  excludedLocationIds?: ReadonlySet<string>;
}

/** One location's share of the order: shipped from it, or (pickup) handed over at it. */
export interface PlannedFulfillment {
  fromLocationId: string;
  lines: OrderLine[];
  /** From the ship-to point, or from the pickup store for a pickup order's store share (0). */
  distanceKm: number;
  reasons: string[];
}

/** Pickup only: stock moved from another location into the pickup store for this order. */
export interface PlannedTransfer {
  fromLocationId: string;
  toLocationId: string;
  lines: OrderLine[];
  distanceKm: number;
  reasons: string[];
}

export interface SourcingPlan {
  /**
   * Ship: one entry per shipping location. Pickup: at most one, from the pickup store, holding
   * every line the store will hand over (its own stock plus what the transfers bring).
   */
  fulfillments: PlannedFulfillment[];
  transfers: PlannedTransfer[];
  /** What no eligible location can supply. */
  backordered: OrderLine[];
  /** Why the plan looks as it does, in words an operator can read. */
  reasons: string[];
}
