/** Arithmetic on order lines ({sku, quantity}), the shape orders, fulfillments and transfers share. */

/** A quantity of one SKU: a line of an order, a fulfillment, a transfer or a sourcing plan. */
export interface OrderLine {
  sku: string;
  quantity: number;
}

/** The same type by the name the order-line arithmetic first gave it. */
export type QuantityBySku = OrderLine;

/** One line per SKU, quantities summed, zero and negative lines dropped, sorted by SKU. */
export function mergeLines(lines: Iterable<OrderLine>): OrderLine[] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return linesOf(bySku);
}

/** `from` minus `taken`, per SKU, never below zero. */
export function subtractLines(from: Iterable<OrderLine>, taken: Iterable<OrderLine>): OrderLine[] {
  const bySku = quantitiesBySku(from);
  for (const line of taken) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) - line.quantity);
  return linesOf(bySku);
}

/** `lines` merged, each SKU capped at what `bound` holds of it; SKUs `bound` lacks are dropped. */
export function linesWithin(lines: Iterable<OrderLine>, bound: Iterable<OrderLine>): OrderLine[] {
  const limits = quantitiesBySku(bound);
  const bySku = quantitiesBySku(lines);
  for (const [sku, quantity] of bySku) bySku.set(sku, Math.min(quantity, limits.get(sku) ?? 0));
  return linesOf(bySku);
}

export function quantitiesBySku(lines: Iterable<OrderLine>): Map<string, number> {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return bySku;
}

export function totalQuantity(lines: Iterable<OrderLine>): number {
  let total = 0;
  for (const line of lines) total += line.quantity;
  return total;
}

function linesOf(bySku: Map<string, number>): OrderLine[] {
  return [...bySku]
    .filter(([, quantity]) => quantity > 0)
    .map(([sku, quantity]) => ({ sku, quantity }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
