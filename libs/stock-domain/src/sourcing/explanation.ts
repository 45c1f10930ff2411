/**
 * Why a sourcing plan looks as it does, in words an operator can read. Every reason of a plan, of
 * its fulfillments and of its transfers is written here, and nowhere else.
 */
import type { OrderLine } from '../order-lines';
import type { PlannedTransfer, SourcingCandidate } from './contract';
import type { CoverMethod, Draw } from './cover-search';
import { round2 } from './pool';

export const NOTHING_TO_SOURCE = 'nothing to source: the order has no line with a positive quantity';

/** How the locations a plan draws from are described: shipping to the customer, or sending stock into the pickup store. */
export interface DrawWording {
  /** Who may give: "eligible location" (ship) or "location" (any, into the pickup store). */
  giver: string;
  /** What covering everything means: "ship the whole order", "supply all of S1's shortfall". */
  whole: string;
  /** The same with its size where the text gives it: "supply all of S1's shortfall of 2 units". */
  wholeSized: string;
  /** "ships" or "supplies". */
  gives: string;
  /** The units drawn for: the whole order (ship) or the pickup store's shortfall. */
  total: number;
  /** Where a location is: "(4.00 km)" from the ship-to point, "(4.00 km from S1)". */
  at: (distance: number) => string;
  /** What each draw of a split is called: "part" or "transfer". */
  part: string;
}

export const shipWording = (totalOrdered: number): DrawWording => ({
  giver: 'eligible location',
  whole: 'ship the whole order',
  wholeSized: 'ship the whole order',
  gives: 'ships',
  total: totalOrdered,
  at: (distance) => `(${km(distance)})`,
  part: 'part',
});

export const transferWording = (storeId: string, shortfall: number): DrawWording => ({
  giver: 'location',
  whole: `supply all of ${storeId}'s shortfall`,
  wholeSized: `supply all of ${storeId}'s shortfall of ${units(shortfall)}`,
  gives: 'supplies',
  total: shortfall,
  at: (distance) => `(${km(distance)} from ${storeId})`,
  part: 'transfer',
});

/** Why a location gives what it gives (draw `step` of `draws`, `distance` away) and, in a split, which part it is. */
export function drawReasons(
  draw: Draw,
  step: number,
  draws: number,
  method: CoverMethod,
  distance: number,
  wording: DrawWording,
): string[] {
  const split = draws > 1;
  const at = wording.at(distance);
  let reason: string;
  if (!split && draw.wholeCoverers > 0) {
    reason =
      draw.wholeCoverers === 1
        ? `the only ${wording.giver} that can ${wording.wholeSized} ${at}`
        : `nearest of ${draw.wholeCoverers} locations that can ${wording.wholeSized} ${at}`;
  } else if (!split) {
    reason = `no ${wording.giver} can ${wording.whole}; this one ${wording.gives} the most: ${draw.units} of ${units(wording.total)} ${at}`;
  } else if (method === 'search') {
    reason = `split: covers ${draw.units} of ${missingUnits(draw.missingBefore)}, one of the ${draws} nearest ${wording.giver}s that together can ${at}`;
  } else if (draw.wholeCoverers > 0) {
    reason = `split: covers the last ${units(draw.units)} still missing, nearest of ${draw.wholeCoverers} that can ${at}`;
  } else {
    reason = `split: covers ${draw.units} of ${missingUnits(draw.missingBefore)}, the most of any remaining ${wording.giver} ${at}`;
  }
  return split ? [reason, `${wording.part} ${step + 1} of ${draws}`] : [reason];
}

/** What a shipment plan found, for its reasons. */
interface ShipmentFacts {
  ordered: readonly OrderLine[];
  /** Per order line, what no eligible location holds. */
  missing: readonly number[];
  totalOrdered: number;
  candidates: readonly SourcingCandidate[];
  excluded: ReadonlySet<string>;
  /** Candidates that ship online, have capacity left and are not excluded. */
  eligible: number;
  draws: readonly Draw[];
  method: CoverMethod;
  /** The shipping locations, in the order of `draws`. */
  fromLocationIds: readonly string[];
}

/** A shipment plan's reasons: where it ships from and why, what was excluded, what is backordered. */
export function shipmentReasons(facts: ShipmentFacts): string[] {
  const { candidates, excluded, eligible, draws, method, totalOrdered } = facts;
  const split = draws.length > 1;
  const reasons: string[] = [];
  if (eligible === 0) {
    reasons.push(
      `no location can ship online right now: none of the ${candidates.length} candidates ships online with capacity left${excludedNote(excluded, candidates)}`,
    );
  } else if (draws.length === 0) {
    reasons.push(`none of the ${eligible} locations that can ship online holds any of the order`);
  } else if (!split && draws[0]!.wholeCoverers > 0) {
    reasons.push(
      `shipped whole from ${facts.fromLocationIds[0]}, the nearest of ${draws[0]!.wholeCoverers} eligible locations that hold the whole order`,
    );
  } else if (!split) {
    reasons.push(
      `no eligible location can ship the whole order; ${facts.fromLocationIds[0]} ships all the eligible locations have (${draws[0]!.units} of ${units(totalOrdered)})`,
    );
  } else {
    reasons.push(`no single eligible location can ship the whole order: split across ${draws.length} locations, ${fewestNote(method)}`);
  }
  if (excluded.size > 0 && eligible > 0) {
    const note = excludedNote(excluded, candidates);
    if (note) reasons.push(note.slice(2));
  }
  reasons.push(...backorderReasons(facts.ordered, facts.missing, 'at locations that can ship online'));
  return reasons;
}

/** Why the pickup store cannot take the order (everything is then backordered), or null when it can. */
export function pickupRefusal(storeId: string, store: SourcingCandidate | undefined, excluded: ReadonlySet<string>): string[] | null {
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
  return refusal === null ? null : [`${refusal}: everything is backordered`];
}

/** The pickup store's fulfillment: what it hands over from its own stock, what arrives by transfer, what is backordered. */
export function handoverReasons(
  storeId: string,
  handed: { own: number; transferred: number; ordered: number },
  transfers: readonly PlannedTransfer[],
): string[] {
  const reasons = [`pickup at ${storeId}: ${handed.own} of ${units(handed.ordered)} from its own stock`];
  if (handed.transferred > 0) {
    reasons.push(
      `${units(handed.transferred)} arrive by transfer from ${transfers.map((t) => `${t.fromLocationId} (${km(t.distanceKm)})`).join(', ')}`,
    );
  }
  const backorderedUnits = handed.ordered - handed.own - handed.transferred;
  if (backorderedUnits > 0) reasons.push(`${units(backorderedUnits)} backordered: no location has them`);
  return reasons;
}

/** What a pickup plan found, for its reasons. */
interface PickupFacts {
  storeId: string;
  ordered: readonly OrderLine[];
  /** Per order line, what neither the store nor any other location holds. */
  missing: readonly number[];
  candidates: readonly SourcingCandidate[];
  excluded: ReadonlySet<string>;
  /** What the store lacks of the order before any transfer. */
  shortfall: number;
  ownUnits: number;
  transferredUnits: number;
  totalOrdered: number;
  transfers: readonly PlannedTransfer[];
  method: CoverMethod;
}

/** A pickup plan's reasons: what the store holds, where the rest comes from, what was excluded, what is backordered. */
export function pickupReasons(facts: PickupFacts): string[] {
  const { storeId, shortfall, ownUnits, transferredUnits, totalOrdered, transfers } = facts;
  const reasons: string[] = [];
  if (shortfall === 0) reasons.push(`${storeId} holds the whole order`);
  else if (ownUnits === 0 && transferredUnits === 0) reasons.push(`neither ${storeId} nor any other location holds any of the order`);
  else if (transferredUnits === 0)
    reasons.push(`${storeId} holds ${ownUnits} of ${units(totalOrdered)}; no other location can make up the rest`);
  else {
    reasons.push(
      `${storeId} holds ${ownUnits} of ${units(totalOrdered)}: ${units(transferredUnits)} transferred in from ${
        transfers.length > 1
          ? `${transfers.length} locations (no single location holds the whole shortfall), ${fewestNote(facts.method)}`
          : `one location, ${transfers[0]!.fromLocationId}`
      }`,
    );
  }
  const note = excludedNote(facts.excluded, facts.candidates);
  if (note) reasons.push(note.slice(2));
  reasons.push(...backorderReasons(facts.ordered, facts.missing, 'in the network'));
  return reasons;
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

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const km = (n: number) => `${round2(n).toFixed(2)} km`;
const units = (n: number) => `${n} unit${n === 1 ? '' : 's'}`;
const missingUnits = (n: number) => `${n} missing unit${n === 1 ? '' : 's'}`;
