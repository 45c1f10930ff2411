/**
 * The cover search: which locations give what is missing, as few of them as possible, nearest
 * first. A greedy pass, then, when it used three or more, a bounded search for fewer.
 */
import { nearer, sumOf, type Pool } from './pool';

/** What one location gives, in the order the greedy picked it. */
export interface Draw {
  member: number;
  /** Per order line. */
  take: number[];
  units: number;
  /** Units still missing just before this location was picked. */
  missingBefore: number;
  /** How many locations could have covered all of `missingBefore` (0: none could, this one covers the most). */
  wholeCoverers: number;
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
export type CoverMethod = 'greedy' | 'search' | 'greedy-unproven';

/** Node visits the search for a smaller cover may make before it settles for the greedy's answer. */
const COVER_SEARCH_BUDGET = 20_000;

/**
 * Covers `missing` (decremented in place) from the fewest pool members: the greedy first (nearest
 * whole coverer, else the member covering the most), then, when it used three or more, a search for
 * a smaller set covering the same units. The search looks at sets of 2, 3, ... members in distance
 * order, so the first it finds is the fewest, and among those the nearest. It gives up (and keeps the
 * greedy's answer, saying so) after COVER_SEARCH_BUDGET steps.
 */
export function drawFewest(pool: Pool, missing: number[]): { draws: Draw[]; method: CoverMethod } {
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
