/**
 * Smart sourcing: which location(s) fulfill an online order. Pure and deterministic, no framework.
 * The plan is made here; pool.ts and cover-search.ts find the fewest and nearest locations that
 * cover the order, and explanation.ts says why in words an operator can read.
 */
import type { GeoPoint } from '../geo';
import { mergeLines, type OrderLine } from '../order-lines';
import type { PlannedFulfillment, PlannedTransfer, SourcingCandidate, SourcingPlan, SourcingRequest } from './contract';
import { drawFewest } from './cover-search';
import {
  drawReasons,
  handoverReasons,
  NOTHING_TO_SOURCE,
  pickupReasons,
  pickupRefusal,
  shipmentReasons,
  shipWording,
  transferWording,
} from './explanation';
import { distanceOf, memberOf, poolOf, round2, sumOf, usableOf } from './pool';

/**
 * Plans where an online order comes from.
 *
 * Ship: the nearest eligible location (ships online, capacity left, not excluded) that can ship the
 * whole order; failing that, the fewest eligible locations that can, nearest first (see drawFewest). Pickup: the
 * pickup store's own stock, plus transfers into it from as few other locations as possible, nearest
 * to the store first. Whatever no one can supply is backordered.
 *
 * Lines of the same SKU are merged; a location gives at most max(0, available) of a SKU across the
 * whole plan and appears in it at most once. The result does not depend on the order of
 * `candidates`. Their `locationId`s must be unique: a plan that would use one twice throws.
 */
export function planSourcing(request: SourcingRequest): SourcingPlan {
  const ordered = mergeLines(request.lines);
  const excluded = request.excludedLocationIds ?? NO_LOCATIONS;
  if (ordered.length === 0) {
    return {
      fulfillments: [],
      transfers: [],
      backordered: [],
      reasons: [NOTHING_TO_SOURCE],
    };
  }
  return request.delivery.mode === 'ship'
    ? planShipment(ordered, request.delivery, request.candidates, excluded)
    : planPickup(ordered, request.delivery.storeId, request.candidates, excluded);
}

const NO_LOCATIONS: ReadonlySet<string> = new Set();

/** Only duplicated candidates could make a plan name a location twice, and that is a caller's bug. */
const listedTwice = (locationId: string) => new Error(`planSourcing: location ${locationId} is listed twice among the candidates`);

/** A plan never names a location twice. */
function assertDistinct(locationIds: readonly string[]): void {
  for (let i = 1; i < locationIds.length; i += 1) {
    if (locationIds.indexOf(locationIds[i]!) < i) throw listedTwice(locationIds[i]!);
  }
}

function planShipment(
  ordered: OrderLine[],
  shipTo: GeoPoint,
  candidates: readonly SourcingCandidate[],
  excluded: ReadonlySet<string>,
): SourcingPlan {
  let eligible = 0;
  const pool = poolOf(candidates, ordered, shipTo, (candidate) => {
    const ok = candidate.shipsOnline && candidate.remainingCapacity > 0 && !excluded.has(candidate.locationId);
    if (ok) eligible += 1;
    return ok;
  });
  const missing = ordered.map((line) => line.quantity);
  const { draws, method } = drawFewest(pool, missing);
  const totalOrdered = sumOf(ordered.map((line) => line.quantity));
  const wording = shipWording(totalOrdered);

  const fulfillments: PlannedFulfillment[] = draws.map((draw, step) => {
    const distance = distanceOf(pool, draw.member);
    return {
      fromLocationId: memberOf(pool, draw.member).locationId,
      lines: linesOf(ordered, draw.take),
      distanceKm: round2(distance),
      reasons: drawReasons(draw, step, draws.length, method, distance, wording),
    };
  });

  const fromLocationIds = fulfillments.map((f) => f.fromLocationId);
  assertDistinct(fromLocationIds);
  const backordered = linesOf(ordered, missing);
  const reasons = shipmentReasons({ ordered, missing, totalOrdered, candidates, excluded, eligible, draws, method, fromLocationIds });
  return { fulfillments, transfers: [], backordered, reasons };
}

function planPickup(
  ordered: OrderLine[],
  storeId: string,
  candidates: readonly SourcingCandidate[],
  excluded: ReadonlySet<string>,
): SourcingPlan {
  let store: SourcingCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.locationId !== storeId) continue;
    if (store) throw listedTwice(storeId);
    store = candidate;
  }
  const refused = pickupRefusal(storeId, store, excluded);
  if (refused || !store) {
    return {
      fulfillments: [],
      transfers: [],
      backordered: ordered.map((line) => ({ ...line })),
      reasons: refused ?? [],
    };
  }

  const lineCount = ordered.length;
  const own = ordered.map((line) => Math.min(line.quantity, usableOf(store, line.sku)));
  const missing = ordered.map((line, l) => line.quantity - own[l]!);
  const shortfall = sumOf(missing);
  const pool = poolOf(candidates, ordered, store, (candidate) => candidate.locationId !== storeId && !excluded.has(candidate.locationId));
  const { draws, method } = drawFewest(pool, missing);
  const wording = transferWording(storeId, shortfall);

  const transfers: PlannedTransfer[] = draws.map((draw, step) => {
    const distance = distanceOf(pool, draw.member);
    return {
      fromLocationId: memberOf(pool, draw.member).locationId,
      toLocationId: storeId,
      lines: linesOf(ordered, draw.take),
      distanceKm: round2(distance),
      reasons: drawReasons(draw, step, draws.length, method, distance, wording),
    };
  });

  assertDistinct(transfers.map((t) => t.fromLocationId));
  const handedOver = own.slice();
  for (const draw of draws) for (let l = 0; l < lineCount; l += 1) handedOver[l]! += draw.take[l]!;
  const ownUnits = sumOf(own);
  const transferredUnits = shortfall - sumOf(missing);
  const totalOrdered = sumOf(ordered.map((line) => line.quantity));
  const fulfillments: PlannedFulfillment[] = [];
  if (ownUnits + transferredUnits > 0) {
    fulfillments.push({
      fromLocationId: storeId,
      lines: linesOf(ordered, handedOver),
      distanceKm: 0,
      reasons: handoverReasons(storeId, { own: ownUnits, transferred: transferredUnits, ordered: totalOrdered }, transfers),
    });
  }

  const reasons = pickupReasons({
    storeId,
    ordered,
    missing,
    candidates,
    excluded,
    shortfall,
    ownUnits,
    transferredUnits,
    totalOrdered,
    transfers,
    method,
  });
  return { fulfillments, transfers, backordered: linesOf(ordered, missing), reasons };
}

/** The lines (in the order's SKU order) with a positive quantity. */
function linesOf(ordered: readonly OrderLine[], quantities: readonly number[]): OrderLine[] {
  const lines: OrderLine[] = [];
  ordered.forEach((line, l) => {
    const quantity = quantities[l]!;
    if (quantity > 0) lines.push({ sku: line.sku, quantity });
  });
  return lines;
}
