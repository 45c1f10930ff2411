import type { Producer } from 'kafkajs';

export const SHOP_FLOOR_LOCATIONS = ['K1', 'K2', 'K3'];
export const SHOP_FLOOR_SKUS = ['A', 'B', 'C', 'D', 'E'];

/**
 * A deterministic stream of receipts, sales, returns and adjustments, with the on-hand it should leave.
 * Its locations (SHOP_FLOOR_LOCATIONS) must be registered first (`registerLocationsInSchema` in ./locations).
 */
export function shopFloor(count: number, topics: Record<string, string>, idPrefix = 'k') {
  const expected = new Map<string, number>();
  const messages: Array<{ topic: string; key: string; value: string; eventId: string; lines: number }> = [];
  for (let i = 0; i < count; i += 1) {
    const location = SHOP_FLOOR_LOCATIONS[i % SHOP_FLOOR_LOCATIONS.length]!;
    const lines = [SHOP_FLOOR_SKUS[i % SHOP_FLOOR_SKUS.length]!, SHOP_FLOOR_SKUS[(i * 7 + 3) % SHOP_FLOOR_SKUS.length]!].map((sku, k) => ({
      sku,
      quantity: 1 + ((i + k) % 4),
    }));
    const kind = i % 10 < 3 ? 'receipt' : i % 10 < 8 ? 'sale' : i % 10 < 9 ? 'return' : 'adjust';
    const sign = kind === 'sale' ? -1 : kind === 'adjust' ? -1 : 1;
    for (const line of lines)
      expected.set(`${location}|${line.sku}`, (expected.get(`${location}|${line.sku}`) ?? 0) + sign * line.quantity);
    const base = { eventId: `${idPrefix}-${i}`, occurredAt: new Date(Date.UTC(2026, 10, 11, 0, 0, 0, i)).toISOString() };
    const value =
      kind === 'receipt'
        ? { ...base, type: 'StockReceived', locationId: location, lines }
        : kind === 'adjust'
          ? {
              ...base,
              type: 'StockAdjusted',
              locationId: location,
              reason: 'shrinkage',
              lines: lines.map((l) => ({ sku: l.sku, delta: -l.quantity })),
            }
          : { ...base, type: kind === 'sale' ? 'StoreSaleRecorded' : 'StoreReturnRecorded', storeId: location, receiptId: `R-${i}`, lines };
    const topic = kind === 'receipt' || kind === 'adjust' ? topics.TOPIC_STOCK_MOVEMENTS! : topics.TOPIC_OFFLINE_SALES!;
    messages.push({ topic, key: location, value: JSON.stringify(value), eventId: base.eventId, lines: lines.length });
  }
  return { expected, messages };
}

export type ShopFloorMessage = ReturnType<typeof shopFloor>['messages'][number];

/** Send in chunks; every tenth chunk twice (a producer retry after a timeout, say): duplicates must not count. */
export async function sendShopFloor(producer: Producer, messages: readonly ShopFloorMessage[], chunkSize = 500): Promise<void> {
  for (let sent = 0; sent < messages.length; sent += chunkSize) {
    const chunk = messages.slice(sent, sent + chunkSize);
    const copies = (sent / chunkSize) % 10 === 3 ? 2 : 1;
    for (let c = 0; c < copies; c += 1) {
      const byTopic = new Map<string, ShopFloorMessage[]>();
      for (const m of chunk) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map((m) => ({ key: m.key, value: m.value })) })),
      });
    }
  }
}
