/**
 * Smart sourcing: which location(s) fulfil an online order. Pure and deterministic, no framework.
 *
 * The types below are the engine's contract with the service; `planSourcing` is the engine.
 */
import { distanceKm, type GeoPoint } from './geo';
import type { LocationProfile } from './location';
import { mergeLines, type OrderLine } from './order-lines';

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

// --- the engine ------------------------------------------------------------------------------

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
      reasons: ['nothing to source: the order has no line with a positive quantity'],
    };
  }
  return request.delivery.mode === 'ship'
    ? planShipment(ordered, request.delivery, request.candidates, excluded)
    : planPickup(ordered, request.delivery.storeId, request.candidates, excluded);
}

const NO_LOCATIONS: ReadonlySet<string> = new Set();

/**
 * The locations that may give stock (those admitted that hold some of the order), with what each can
 * give of every order line, in flat typed arrays. Member i is `candidates[members[i]]`.
 */
interface Pool {
  candidates: readonly SourcingCandidate[];
  origin: GeoPoint;
  size: number;
  lineCount: number;
  members: Int32Array;
  /** Unrounded km from `origin`, computed the first time a comparison needs it (-1 until then). */
  distances: Float64Array;
  /** usable[i * lineCount + l]: what member i can give of order line l (never negative). */
  usable: Float64Array;
  /** Work space for the greedy's shrinking list of members still worth scanning. */
  active: Int32Array;
}

/**
 * Buffers reused from call to call. planSourcing is synchronous and never re-entered, and nothing
 * in them outlives a call, so reuse is unobservable; it spares the allocator (and the garbage
 * collector) ~50 KB per order over 1,000 candidates.
 */
const scratch = { members: new Int32Array(0), distances: new Float64Array(0), usable: new Float64Array(0), active: new Int32Array(0) };

function scratchFor(candidates: number, lineCount: number) {
  if (scratch.members.length < candidates) {
    const size = Math.max(candidates, 2 * scratch.members.length);
    scratch.members = new Int32Array(size);
    scratch.distances = new Float64Array(size);
    scratch.active = new Int32Array(size);
  }
  if (scratch.usable.length < candidates * lineCount)
    scratch.usable = new Float64Array(Math.max(candidates * lineCount, 2 * scratch.usable.length));
  return scratch;
}

/** What one location gives, in the order the greedy picked it. */
interface Draw {
  member: number;
  /** Per order line. */
  take: number[];
  units: number;
  /** Units still missing just before this location was picked. */
  missingBefore: number;
  /** How many locations could have covered all of `missingBefore` (0: none could, this one covers the most). */
  wholeCoverers: number;
}

/** A candidate's usable quantity of a SKU: its available, or 0 when missing, negative or not a number. */
function usableOf(candidate: SourcingCandidate, sku: string): number {
  const available = candidate.available.get(sku);
  return available !== undefined && available > 0 ? available : 0;
}

/** The admitted candidates that hold something of the order: one pass, `lineCount` map lookups each. */
function poolOf(
  candidates: readonly SourcingCandidate[],
  ordered: readonly OrderLine[],
  origin: GeoPoint,
  admit: (candidate: SourcingCandidate) => boolean,
): Pool {
  const lineCount = ordered.length;
  const skus = ordered.map((line) => line.sku);
  const { members, distances, usable, active } = scratchFor(candidates.length, lineCount);
  let size = 0;
  for (let c = 0; c < candidates.length; c += 1) {
    const candidate = candidates[c]!;
    if (!admit(candidate)) continue;
    const available = candidate.available;
    const row = size * lineCount;
    let holds = false;
    for (let l = 0; l < lineCount; l += 1) {
      const quantity = available.get(skus[l]!);
      const has = quantity !== undefined && quantity > 0 ? quantity : 0;
      usable[row + l] = has;
      if (has > 0) holds = true;
    }
    if (!holds) continue;
    members[size] = c;
    distances[size] = -1;
    size += 1;
  }
  return { candidates, origin, size, lineCount, members, distances, usable, active };
}

const memberOf = (pool: Pool, i: number): SourcingCandidate => pool.candidates[pool.members[i]!]!;

function distanceOf(pool: Pool, i: number): number {
  let distance = pool.distances[i]!;
  if (distance < 0) {
    distance = distanceKm(pool.origin, memberOf(pool, i));
    pool.distances[i] = distance;
  }
  return distance;
}

/** Nearer wins; at the same distance, the smaller locationId. */
function nearer(pool: Pool, a: number, b: number): boolean {
  const da = distanceOf(pool, a);
  const db = distanceOf(pool, b);
  return da < db || (da === db && memberOf(pool, a).locationId < memberOf(pool, b).locationId);
}

/**
 * Covers `missing` (per order line; decremented in place) from as few pool members as possible,
 * nearest first: at each step the nearest member that covers everything still missing, else the
 * one covering the most missing units (ties: nearer, then locationId). Stops when nothing is
 * missing or no member adds anything. Members that cannot add anything are dropped for good (what
 * is missing only shrinks), so later steps scan fewer members. No sorting: each step is one scan.
 */
function drawGreedily(pool: Pool, missing: number[]): Draw[] {
  const { lineCount, usable, active } = pool;
  const draws: Draw[] = [];
  let totalMissing = 0;
  for (const quantity of missing) totalMissing += quantity;
  let activeCount = pool.size;
  for (let k = 0; k < activeCount; k += 1) active[k] = k;
  while (totalMissing > 0 && activeCount > 0) {
    let whole = -1;
    let wholeCoverers = 0;
    let best = -1;
    let bestUnits = 0;
    let kept = 0;
    for (let k = 0; k < activeCount; k += 1) {
      const i = active[k]!;
      let units = 0;
      const row = i * lineCount;
      for (let l = 0; l < lineCount; l += 1) {
        const wanted = missing[l]!;
        if (wanted > 0) {
          const has = usable[row + l]!;
          units += has < wanted ? has : wanted;
        }
      }
      if (units <= 0) continue;
      active[kept] = i;
      kept += 1;
      if (units >= totalMissing) {
        wholeCoverers += 1;
        if (whole < 0 || nearer(pool, i, whole)) whole = i;
      } else if (whole < 0 && (units > bestUnits || (units === bestUnits && nearer(pool, i, best)))) {
        best = i;
        bestUnits = units;
      }
    }
    const chosen = whole >= 0 ? whole : best;
    if (chosen < 0) break;
    activeCount = 0;
    for (let k = 0; k < kept; k += 1) {
      if (active[k] !== chosen) {
        active[activeCount] = active[k]!;
        activeCount += 1;
      }
    }
    const take = new Array<number>(lineCount).fill(0);
    let units = 0;
    for (let l = 0; l < lineCount; l += 1) {
      const wanted = missing[l]!;
      if (wanted <= 0) continue;
      const has = usable[chosen * lineCount + l]!;
      const given = has < wanted ? has : wanted;
      take[l] = given;
      missing[l] = wanted - given;
      units += given;
    }
    draws.push({ member: chosen, take, units, missingBefore: totalMissing, wholeCoverers: whole >= 0 ? wholeCoverers : 0 });
    totalMissing -= units;
  }
  return draws;
}

/**
 * How a plan's locations were found: greedily, with the greedy proven to use the fewest (it used at
 * most two, or a complete search found no smaller set); by that search, which found fewer; or
 * greedily, unproven, because the search hit its budget.
 */
type CoverMethod = 'greedy' | 'search' | 'greedy-unproven';

/** Node visits the search for a smaller cover may make before it settles for the greedy's answer. */
const COVER_SEARCH_BUDGET = 20_000;

/**
 * Covers `missing` (decremented in place) from the fewest pool members: the greedy first (nearest
 * whole coverer, else the member covering the most), then, when it used three or more, a search for
 * a smaller set covering the same units. The search looks at sets of 2, 3, ... members in distance
 * order, so the first it finds is the fewest, and among those the nearest. It gives up (and keeps the
 * greedy's answer, saying so) after COVER_SEARCH_BUDGET steps.
 */
function drawFewest(pool: Pool, missing: number[]): { draws: Draw[]; method: CoverMethod } {
  const wanted = missing.slice();
  const greedy = drawGreedily(pool, missing);
  if (greedy.length <= 2) return { draws: greedy, method: 'greedy' };
  const { lineCount, usable } = pool;
  const target = wanted.map((quantity, l) => quantity - missing[l]!);
  const outdoneEnough = greedy.length - 1;

  // The members worth trying, nearest first, each capped at the target. A member that at least
  // `greedy.length - 1` nearer ones outdo (each gives as much of every line) is left out: a smaller
  // set holding it leaves one of those out too, and swapping them gives a nearer set of the same size.
  let visits = 0;
  const order = Array.from({ length: pool.size }, (_, i) => i).sort((a, b) => (nearer(pool, a, b) ? -1 : nearer(pool, b, a) ? 1 : 0));
  const front: number[] = [];
  const gives = new Float64Array(pool.size * lineCount); // gives[f * lineCount + l], front member f
  for (const i of order) {
    const row = front.length * lineCount;
    let any = false;
    for (let l = 0; l < lineCount; l += 1) {
      const has = usable[i * lineCount + l]!;
      const capped = has < target[l]! ? has : target[l]!;
      gives[row + l] = capped;
      if (capped > 0) any = true;
    }
    if (!any) continue;
    let outdoneBy = 0;
    for (let f = 0; f < front.length && outdoneBy < outdoneEnough; f += 1) {
      let outdoes = true;
      for (let l = 0; l < lineCount && outdoes; l += 1) outdoes = gives[f * lineCount + l]! >= gives[row + l]!;
      if (outdoes) outdoneBy += 1;
    }
    visits += front.length;
    if (visits > COVER_SEARCH_BUDGET) return { draws: greedy, method: 'greedy-unproven' };
    if (outdoneBy < outdoneEnough) front.push(i);
  }
  const size = front.length;
  // mostFrom[f * lineCount + l]: the most any of front[f..] gives of line l (bounds what the remaining slots can add).
  const mostFrom = new Float64Array((size + 1) * lineCount);
  for (let f = size - 1; f >= 0; f -= 1) {
    for (let l = 0; l < lineCount; l += 1) {
      const own = gives[f * lineCount + l]!;
      const later = mostFrom[(f + 1) * lineCount + l]!;
      mostFrom[f * lineCount + l] = own > later ? own : later;
    }
  }

  // need[depth * lineCount + l]: what is still missing with `depth` members chosen.
  const need = new Float64Array((greedy.length + 1) * lineCount);
  const chosen: number[] = [];
  const search = (slots: number, from: number, depth: number): boolean | 'budget' => {
    const base = depth * lineCount;
    let done = true;
    for (let l = 0; l < lineCount; l += 1) {
      const still = need[base + l]!;
      if (still > 0) done = false;
      if (still > slots * mostFrom[from * lineCount + l]!) return false;
    }
    if (done) return true;
    if (slots === 0) return false;
    const next = base + lineCount;
    for (let f = from; f < size; f += 1) {
      if ((visits += 1) > COVER_SEARCH_BUDGET) return 'budget';
      const row = f * lineCount;
      let helps = false;
      for (let l = 0; l < lineCount; l += 1) {
        const left = need[base + l]! - gives[row + l]!;
        if (need[base + l]! > 0 && gives[row + l]! > 0) helps = true;
        need[next + l] = left > 0 ? left : 0;
      }
      if (!helps) continue;
      chosen.push(f);
      const found = search(slots - 1, f + 1, depth + 1);
      if (found !== false) return found;
      chosen.pop();
    }
    return false;
  };
  for (let slots = 2; slots < greedy.length; slots += 1) {
    chosen.length = 0;
    for (let l = 0; l < lineCount; l += 1) need[l] = target[l]!;
    const found = search(slots, 0, 0);
    if (found === 'budget') return { draws: greedy, method: 'greedy-unproven' };
    if (!found) continue;
    // Nearest first, each takes what is still missing of what it holds.
    const still = target.slice();
    const draws = chosen.map((f): Draw => {
      const member = front[f]!;
      const missingBefore = sumOf(still);
      const take = still.map((quantity, l) => Math.min(quantity, usable[member * lineCount + l]!));
      take.forEach((quantity, l) => (still[l]! -= quantity));
      return { member, take, units: sumOf(take), missingBefore, wholeCoverers: 0 };
    });
    return { draws, method: 'search' };
  }
  return { draws: greedy, method: 'greedy' };
}

/** A plan never names a location twice; only duplicated candidates could make it, and that is a caller's bug. */
function assertDistinct(locationIds: readonly string[]): void {
  for (let i = 1; i < locationIds.length; i += 1) {
    if (locationIds.indexOf(locationIds[i]!) < i)
      throw new Error(`planSourcing: location ${locationIds[i]} is listed twice among the candidates`);
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
  const split = draws.length > 1;

  const fulfillments: PlannedFulfillment[] = draws.map((draw, step) => {
    const distance = distanceOf(pool, draw.member);
    const at = `(${km(distance)})`;
    let reason: string;
    if (!split && draw.wholeCoverers > 0) {
      reason =
        draw.wholeCoverers === 1
          ? `the only eligible location that can ship the whole order ${at}`
          : `nearest of ${draw.wholeCoverers} locations that can ship the whole order ${at}`;
    } else if (!split) {
      reason = `no eligible location can ship the whole order; this one ships the most: ${draw.units} of ${units(totalOrdered)} ${at}`;
    } else if (method === 'search') {
      reason = `split: covers ${draw.units} of ${missingUnits(draw.missingBefore)}, one of the ${draws.length} nearest eligible locations that together can ${at}`;
    } else if (draw.wholeCoverers > 0) {
      reason = `split: covers the last ${units(draw.units)} still missing, nearest of ${draw.wholeCoverers} that can ${at}`;
    } else {
      reason = `split: covers ${draw.units} of ${missingUnits(draw.missingBefore)}, the most of any remaining eligible location ${at}`;
    }
    const reasons = [reason];
    if (split) reasons.push(`part ${step + 1} of ${draws.length}`);
    return {
      fromLocationId: memberOf(pool, draw.member).locationId,
      lines: linesOf(ordered, draw.take),
      distanceKm: round2(distance),
      reasons,
    };
  });

  assertDistinct(fulfillments.map((f) => f.fromLocationId));
  const backordered = linesOf(ordered, missing);
  const reasons: string[] = [];
  if (eligible === 0) {
    reasons.push(
      `no location can ship online right now: none of the ${candidates.length} candidates ships online with capacity left${excludedNote(excluded, candidates)}`,
    );
  } else if (draws.length === 0) {
    reasons.push(`none of the ${eligible} locations that can ship online holds any of the order`);
  } else if (!split && draws[0]!.wholeCoverers > 0) {
    reasons.push(
      `shipped whole from ${fulfillments[0]!.fromLocationId}, the nearest of ${draws[0]!.wholeCoverers} eligible locations that hold the whole order`,
    );
  } else if (!split) {
    reasons.push(
      `no eligible location can ship the whole order; ${fulfillments[0]!.fromLocationId} ships all the eligible locations have (${draws[0]!.units} of ${units(totalOrdered)})`,
    );
  } else {
    reasons.push(`no single eligible location can ship the whole order: split across ${draws.length} locations, ${fewestNote(method)}`);
  }
  if (excluded.size > 0 && eligible > 0) {
    const note = excludedNote(excluded, candidates);
    if (note) reasons.push(note.slice(2));
  }
  reasons.push(...backorderReasons(ordered, missing, 'at locations that can ship online'));
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
    if (store) throw new Error(`planSourcing: location ${storeId} is listed twice among the candidates`);
    store = candidate;
  }
  const refusal = !store
    ? `${storeId} is not a known location`
    : excluded.has(storeId)
      ? `${storeId} is excluded for this order`
      : store.type !== 'store'
        ? `${storeId} is a ${store.type}, not a store open for pickup`
        : !store.pickup
          ? `${storeId} is not open for pickup`
          : !(store.remainingCapacity > 0)
            ? `${storeId} has no capacity left today`
            : null;
  if (refusal || !store) {
    return {
      fulfillments: [],
      transfers: [],
      backordered: ordered.map((line) => ({ ...line })),
      reasons: [`${refusal}: everything is backordered`],
    };
  }

  const lineCount = ordered.length;
  const own = ordered.map((line) => Math.min(line.quantity, usableOf(store, line.sku)));
  const missing = ordered.map((line, l) => line.quantity - own[l]!);
  const shortfall = sumOf(missing);
  const pool = poolOf(candidates, ordered, store, (candidate) => candidate.locationId !== storeId && !excluded.has(candidate.locationId));
  const { draws, method } = drawFewest(pool, missing);
  const split = draws.length > 1;

  const transfers: PlannedTransfer[] = draws.map((draw, step) => {
    const distance = distanceOf(pool, draw.member);
    const at = `(${km(distance)} from ${storeId})`;
    let reason: string;
    if (!split && draw.wholeCoverers > 0) {
      reason =
        draw.wholeCoverers === 1
          ? `the only location that can supply all of ${storeId}'s shortfall of ${units(shortfall)} ${at}`
          : `nearest of ${draw.wholeCoverers} locations that can supply all of ${storeId}'s shortfall of ${units(shortfall)} ${at}`;
    } else if (!split) {
      reason = `no location can supply all of ${storeId}'s shortfall; this one supplies the most: ${draw.units} of ${units(shortfall)} ${at}`;
    } else if (method === 'search') {
      reason = `split: covers ${draw.units} of ${missingUnits(draw.missingBefore)}, one of the ${draws.length} nearest locations that together can ${at}`;
    } else if (draw.wholeCoverers > 0) {
      reason = `split: covers the last ${units(draw.units)} still missing, nearest of ${draw.wholeCoverers} that can ${at}`;
    } else {
      reason = `split: covers ${draw.units} of ${missingUnits(draw.missingBefore)}, the most of any remaining location ${at}`;
    }
    const reasons = [reason];
    if (split) reasons.push(`transfer ${step + 1} of ${draws.length}`);
    return {
      fromLocationId: memberOf(pool, draw.member).locationId,
      toLocationId: storeId,
      lines: linesOf(ordered, draw.take),
      distanceKm: round2(distance),
      reasons,
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
    const reasons = [`pickup at ${storeId}: ${ownUnits} of ${units(totalOrdered)} from its own stock`];
    if (transferredUnits > 0) {
      reasons.push(
        `${units(transferredUnits)} arrive by transfer from ${transfers.map((t) => `${t.fromLocationId} (${km(t.distanceKm)})`).join(', ')}`,
      );
    }
    const backorderedUnits = totalOrdered - ownUnits - transferredUnits;
    if (backorderedUnits > 0) reasons.push(`${units(backorderedUnits)} backordered: no location has them`);
    fulfillments.push({ fromLocationId: storeId, lines: linesOf(ordered, handedOver), distanceKm: 0, reasons });
  }

  const reasons: string[] = [];
  if (shortfall === 0) reasons.push(`${storeId} holds the whole order`);
  else if (ownUnits === 0 && transferredUnits === 0) reasons.push(`neither ${storeId} nor any other location holds any of the order`);
  else if (transferredUnits === 0)
    reasons.push(`${storeId} holds ${ownUnits} of ${units(totalOrdered)}; no other location can make up the rest`);
  else {
    reasons.push(
      `${storeId} holds ${ownUnits} of ${units(totalOrdered)}: ${units(transferredUnits)} transferred in from ${
        split
          ? `${draws.length} locations (no single location holds the whole shortfall), ${fewestNote(method)}`
          : `one location, ${transfers[0]!.fromLocationId}`
      }`,
    );
  }
  const note = excludedNote(excluded, candidates);
  if (note) reasons.push(note.slice(2));
  reasons.push(...backorderReasons(ordered, missing, 'in the network'));
  return { fulfillments, transfers, backordered: linesOf(ordered, missing), reasons };
}

function fewestNote(method: CoverMethod): string {
  return method === 'greedy-unproven'
    ? 'picked greedily (nearest whole cover, else the most units): a bounded search could not prove fewer impossible'
    : 'the fewest that can (no smaller set holds it), nearest first';
}

/** "SKU-9: only 2 of 5 available in the network", one per backordered line. */
function backorderReasons(ordered: readonly OrderLine[], missing: readonly number[], where: string): string[] {
  const reasons: string[] = [];
  ordered.forEach((line, l) => {
    const short = missing[l]!;
    if (short <= 0) return;
    const found = line.quantity - short;
    reasons.push(
      found === 0
        ? `${line.sku}: none of ${line.quantity} available ${where}, backordered`
        : `${line.sku}: only ${found} of ${line.quantity} available ${where}, ${short} backordered`,
    );
  });
  return reasons;
}

/** ", excluded for this order: A, B" for excluded locations that are candidates; "" when none. */
function excludedNote(excluded: ReadonlySet<string>, candidates: readonly SourcingCandidate[]): string {
  if (excluded.size === 0) return '';
  const hit = candidates
    .filter((candidate) => excluded.has(candidate.locationId))
    .map((candidate) => candidate.locationId)
    .sort(byText);
  if (hit.length === 0) return '';
  const shown = hit.length > 5 ? `${hit.slice(0, 5).join(', ')} and ${hit.length - 5} more` : hit.join(', ');
  return `, excluded for this order: ${shown}`;
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

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sumOf = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const round2 = (n: number) => Math.round(n * 100) / 100;
const km = (n: number) => `${round2(n).toFixed(2)} km`;
const units = (n: number) => `${n} unit${n === 1 ? '' : 's'}`;
const missingUnits = (n: number) => `${n} missing unit${n === 1 ? '' : 's'}`;
