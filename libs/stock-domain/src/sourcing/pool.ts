/**
 * What the cover search works on: the candidates that can give something of the order, what each
 * can give of every line, and their distances, computed once and compared without allocating.
 */
import { distanceKm, type GeoPoint } from '../geo';
import type { OrderLine } from '../order-lines';
import type { SourcingCandidate } from './contract';

/**
 * The locations that may give stock (those admitted that hold some of the order), with what each can
 * give of every order line, in flat typed arrays. Member i is `candidates[members[i]]`.
 */
export interface Pool {
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

/** A candidate's usable quantity of a SKU: its available, or 0 when missing, negative or not a number. */
export function usableOf(candidate: SourcingCandidate, sku: string): number {
  const available = candidate.available.get(sku);
  return available !== undefined && available > 0 ? available : 0;
}

/** The admitted candidates that hold something of the order: one pass, `lineCount` map lookups each. */
export function poolOf(
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

export const memberOf = (pool: Pool, i: number): SourcingCandidate => pool.candidates[pool.members[i]!]!;

export function distanceOf(pool: Pool, i: number): number {
  let distance = pool.distances[i]!;
  if (distance < 0) {
    distance = distanceKm(pool.origin, memberOf(pool, i));
    pool.distances[i] = distance;
  }
  return distance;
}

/** Nearer wins; at the same distance, the smaller locationId. */
export function nearer(pool: Pool, a: number, b: number): boolean {
  const da = distanceOf(pool, a);
  const db = distanceOf(pool, b);
  return da < db || (da === db && memberOf(pool, a).locationId < memberOf(pool, b).locationId);
}

export const sumOf = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
/** Distances are given in km to 2 decimals. */
export const round2 = (n: number) => Math.round(n * 100) / 100;
