/** The quantities the contract names for a SKU at a location, and how they combine. */
export interface StockPosition {
  onHand: number;
  reserved: number;
  inTransit: number;
}

/** available = onHand − reserved − the location's safety stock for the SKU (may be negative). */
export function availableAt(position: Pick<StockPosition, 'onHand' | 'reserved'>, safetyStock: number): number {
  return position.onHand - position.reserved - safetyStock;
}

/** Online available-to-promise: the sum of max(0, available) over locations that ship online orders. */
export function onlineAvailableToPromise(locations: Iterable<{ available: number; shipsOnline: boolean }>): number {
  let total = 0;
  for (const location of locations) if (location.shipsOnline) total += Math.max(0, location.available);
  return total;
}

/** How many days available lasts at the recent rate of sale; null when nothing sells, 0 when none is available. */
export function daysOfCover(available: number, unitsSoldPerDay: number): number | null {
  if (available <= 0) return 0;
  if (unitsSoldPerDay <= 0) return null;
  return Math.round((available / unitsSoldPerDay) * 10) / 10;
}
