import { isDeepStrictEqual } from 'node:util';
import { stockChangeSchema, type SkuStock } from '@app/contracts';
import type { Consumer, Kafka } from 'kafkajs';

/** `<transaction>.<global position>` as a pair of bigints, to compare positions. */
function positionOf(text: string): [bigint, bigint] {
  const [transaction, global] = text.split('.');
  return [BigInt(transaction!), BigInt(global!)];
}

function comparePositions(a: string, b: string): number {
  const [at, ag] = positionOf(a);
  const [bt, bg] = positionOf(b);
  return at !== bt ? (at < bt ? -1 : 1) : ag === bg ? 0 : ag < bg ? -1 : 1;
}

/**
 * A marketplace that keeps its own copy of every SKU's stock by following retail.stock.changes
 * from its beginning (a compacted topic: the last value per key is the SKU's stock), as a partner
 * would instead of polling. It counts values that arrive with a position older than the one it holds.
 */
export class MarketplaceFeed {
  readonly copy = new Map<string, SkuStock>();
  received = 0;
  positionsBackwards = 0;
  invalid = 0;
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `simulator-marketplace-${process.pid}-${Date.now()}` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        this.received += 1;
        const parsed = stockChangeSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
        if (!parsed.success || parsed.data.sku !== message.key?.toString()) {
          this.invalid += 1;
          return;
        }
        const held = this.copy.get(parsed.data.sku);
        if (held && comparePositions(parsed.data.position, held.position) < 0) this.positionsBackwards += 1;
        this.copy.set(parsed.data.sku, parsed.data);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /**
   * Whether the copy shows what the service shows for each SKU (its position aside: the view's
   * position moves with every batch, the SKU's last message is at or before it). A SKU the feed
   * never carried matches when the service holds no stock of it anywhere.
   */
  mismatches(shown: readonly SkuStock[]): string[] {
    const mismatches: string[] = [];
    for (const stock of shown) {
      const held = this.copy.get(stock.sku);
      if (!held) {
        if (stock.locations.length > 0) mismatches.push(`${stock.sku} never on the feed`);
        continue;
      }
      const { position: heldAt, ...heldBody } = held;
      const { position: shownAt, ...shownBody } = stock;
      if (!isDeepStrictEqual(heldBody, shownBody)) mismatches.push(`${stock.sku} differs`);
      else if (comparePositions(heldAt, shownAt) > 0) mismatches.push(`${stock.sku} ahead of the service's position`);
    }
    return mismatches;
  }
}
