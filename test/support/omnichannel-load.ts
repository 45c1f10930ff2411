import { logisticsCommandSchema, type TopicNames } from '@app/contracts';
import { sendWithoutLoss } from '@app/kafka-delivery';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { documentedFetch as fetch } from './documented-answers';
import { shopFloor, SHOP_FLOOR_LOCATIONS, SHOP_FLOOR_SKUS, type ShopFloorMessage } from './shop-floor';
import { connectedProducer } from './test-kafka';

/** The warehouse that serves every online order of the load (the shop floor's stores do not ship online). */
export const LOAD_WAREHOUSE = 'W-LOAD';
export const LOAD_ORDER_SKUS = Array.from({ length: 10 }, (_, i) => `OL-${i}`);
export const LOAD_WAREHOUSE_START = 1_000_000;
/** Where the freshness probes are received (a shop-floor store). */
const PROBE_LOCATION = SHOP_FLOOR_LOCATIONS[0]!;

export interface LoadSettings {
  /** Shop-floor messages (sales, returns, receipts, adjustments; two lines each) per tick. */
  shopFloorPerTick: number;
  /** Online orders per tick (one or two units of one SKU, from LOAD_WAREHOUSE). */
  ordersPerTick: number;
  tickMs: number;
  /** A freshness probe (a receipt of one unit of a SKU of its own) every so many ms. */
  probeEveryMs: number;
}

export interface Probe {
  sku: string;
  /** performance.now() when its produce call started, and when the HTTP API first showed it. */
  startedAt: number;
  visibleAt?: number;
}

/**
 * Sales, orders, logistics feedback and freshness probes flowing at a steady rate until stopped, with
 * what they must leave behind. A send that fails (a broker died under it) is sent again, same event
 * ids, until it succeeds: duplicates on the topics must have no second effect. The logistics worker
 * ships every dispatch with feedback whose eventId is derived from the command, so a command delivered
 * to it twice is answered with the same event.
 */
export class OmnichannelLoad {
  readonly probes: Probe[] = [];
  readonly orders: Array<{ orderId: string; sku: string; quantity: number }> = [];
  readonly sentShopFloor: ShopFloorMessage[] = [];
  /** Sends that failed and were repeated. */
  failedSends = 0;
  /** Commands the worker received, repeats included (its own consumer is at least once). */
  commandDeliveries = 0;
  /** The worker's consumer crashes (kafkajs restarts it after a retriable one; the load after any other). */
  readonly workerCrashes: string[] = [];
  private workerGroup = '';
  private readonly pool: ShopFloorMessage[];
  private producer: Producer | null = null;
  private worker: Consumer | null = null;
  /** The worker's producer of logistics feedback. */
  private feedback: Producer | null = null;
  private running = false;
  private probesInFlight = 0;
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly topicEnv: Record<string, string>,
    private readonly topics: TopicNames,
    /** A base URL of a live instance to watch the probes through (asked anew on every look). */
    private readonly baseUrl: () => string,
    private readonly settings: LoadSettings,
    private readonly prefix: string,
  ) {
    this.pool = shopFloor(400_000, topicEnv, `${prefix}-sf`).messages;
  }

  /** Stock the warehouse first (call, then wait until the service caught up, then start). */
  async stockWarehouse(): Promise<void> {
    this.producer ??= await connectedProducer(this.kafka);
    await this.send(this.topics.stockMovements, [
      {
        key: LOAD_WAREHOUSE,
        value: {
          eventId: `${this.prefix}-stock-warehouse`,
          type: 'StockReceived',
          occurredAt: new Date().toISOString(),
          locationId: LOAD_WAREHOUSE,
          lines: LOAD_ORDER_SKUS.map((sku) => ({ sku, quantity: LOAD_WAREHOUSE_START })),
        },
      },
    ]);
  }

  async start(): Promise<void> {
    this.producer ??= await connectedProducer(this.kafka);
    await this.startWorker();
    this.running = true;
    this.loops = [this.streamLoop(), this.probeLoop(), this.watchLoop()];
  }

  /** Stops producing; resolves once every probe is visible and every send went through. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  async close(): Promise<void> {
    this.running = false;
    await this.worker?.disconnect().catch(() => undefined);
    await this.feedback?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** On-hand per `location|sku` that everything sent must leave, once every order was shipped. */
  expectedOnHand(): Map<string, number> {
    const expected = new Map<string, number>();
    const add = (key: string, units: number) => expected.set(key, (expected.get(key) ?? 0) + units);
    for (const message of this.sentShopFloor) {
      const event = JSON.parse(message.value) as { type: string; lines: Array<{ sku: string; quantity?: number; delta?: number }> };
      const location = message.key;
      for (const line of event.lines) {
        const units = event.type === 'StockAdjusted' ? line.delta! : event.type === 'StoreSaleRecorded' ? -line.quantity! : line.quantity!;
        add(`${location}|${line.sku}`, units);
      }
    }
    for (const sku of LOAD_ORDER_SKUS) add(`${LOAD_WAREHOUSE}|${sku}`, LOAD_WAREHOUSE_START);
    for (const order of this.orders) add(`${LOAD_WAREHOUSE}|${order.sku}`, -order.quantity);
    for (const probe of this.probes) add(`${PROBE_LOCATION}|${probe.sku}`, 1);
    return expected;
  }

  /** Every SKU the load touched. */
  skus(): string[] {
    return [...SHOP_FLOOR_SKUS, ...LOAD_ORDER_SKUS, ...this.probes.map((p) => p.sku)];
  }

  private async streamLoop(): Promise<void> {
    const { shopFloorPerTick, ordersPerTick, tickMs } = this.settings;
    while (this.running) {
      const tick = performance.now();
      const shop = this.pool.slice(this.sentShopFloor.length, this.sentShopFloor.length + shopFloorPerTick);
      const orders = Array.from({ length: ordersPerTick }, (_, k) => {
        const n = this.orders.length + k;
        return { orderId: `${this.prefix}-O-${n}`, sku: LOAD_ORDER_SKUS[n % LOAD_ORDER_SKUS.length]!, quantity: 1 + (n % 2) };
      });
      await this.sendBatch([
        ...shop.map((m) => ({ topic: m.topic, key: m.key, value: m.value })),
        ...orders.map((o) => ({
          topic: this.topics.onlineOrders,
          key: o.orderId,
          value: JSON.stringify({
            eventId: `${o.orderId}-placed`,
            type: 'OnlineOrderPlaced',
            occurredAt: new Date().toISOString(),
            orderId: o.orderId,
            lines: [{ sku: o.sku, quantity: o.quantity }],
            delivery: { mode: 'ship', lat: 30.27, lng: 120.16 },
          }),
        })),
      ]);
      this.sentShopFloor.push(...shop);
      this.orders.push(...orders);
      await sleep(Math.max(0, tickMs - (performance.now() - tick)));
    }
  }

  private async probeLoop(): Promise<void> {
    const sending: Array<Promise<void>> = [];
    for (let n = 0; this.running; n += 1) {
      const probe: Probe = { sku: `${this.prefix}-PROBE-${n}`, startedAt: performance.now() };
      this.probesInFlight += 1;
      sending.push(
        this.send(this.topics.stockMovements, [
          {
            key: PROBE_LOCATION,
            value: {
              eventId: `${probe.sku}-received`,
              type: 'StockReceived',
              occurredAt: new Date().toISOString(),
              locationId: PROBE_LOCATION,
              lines: [{ sku: probe.sku, quantity: 1 }],
            },
          },
        ]).then(() => {
          this.probes.push(probe);
          this.probesInFlight -= 1;
        }),
      );
      await sleep(this.settings.probeEveryMs);
    }
    await Promise.all(sending);
  }

  /** One batch lookup of every probe still waiting, every 20 ms (a storefront polling its badges). */
  private async watchLoop(): Promise<void> {
    const deadline = () => performance.now() + 180_000;
    let giveUpAt = deadline();
    while (this.running || this.probesInFlight > 0 || this.probes.some((p) => p.visibleAt === undefined)) {
      const waiting = this.probes.filter((p) => p.visibleAt === undefined).slice(0, 500);
      if (waiting.length > 0) {
        try {
          const response = await fetch(`${this.baseUrl()}/v1/stock?skus=${waiting.map((p) => p.sku).join(',')}`);
          const { items } = (await response.json()) as { items: Array<{ sku: string; onHand: number }> };
          const now = performance.now();
          const shown = new Set(items.filter((item) => item.onHand >= 1).map((item) => item.sku));
          for (const probe of waiting) if (shown.has(probe.sku)) probe.visibleAt = now;
          giveUpAt = deadline();
        } catch {
          // the instance asked went away (a test killed it): ask again, maybe another
        }
        if (performance.now() > giveUpAt) throw new Error(`freshness probes not visible after 180 s: ${waiting.length} waiting`);
      }
      await sleep(20);
    }
  }

  private async startWorker(): Promise<void> {
    this.workerGroup ||= `${this.prefix}-logistics-${Date.now()}`;
    const feedback = await connectedProducer(this.kafka);
    const worker = this.kafka.consumer({ groupId: this.workerGroup });
    this.worker = worker;
    this.feedback = feedback;
    // Not on the consumer's DISCONNECT: kafkajs disconnects a crashed consumer before restarting it,
    // and the restarted one still answers through this producer.
    worker.on(worker.events.CRASH, ({ payload }) => {
      this.workerCrashes.push(`${payload.error.message} (kafkajs restarts it: ${payload.restart})`);
      // A logistics worker that crashed for good is started again by its supervisor; here, by the load.
      if (!payload.restart && this.worker === worker) {
        void feedback.disconnect().catch(() => undefined);
        void this.startWorker().catch((error: Error) => this.workerCrashes.push(error.message));
      }
    });
    await worker.connect();
    await worker.subscribe({ topic: this.topics.logisticsCommands, fromBeginning: true });
    await worker.run({
      eachMessage: async ({ message }) => {
        this.commandDeliveries += 1;
        const command = logisticsCommandSchema.parse(JSON.parse(message.value!.toString()));
        if (command.type !== 'DispatchFulfillment') return;
        const event = {
          eventId: `ship-${command.commandId}`.slice(0, 200),
          type: 'FulfillmentShipped',
          occurredAt: new Date().toISOString(),
          fulfillmentId: command.fulfillmentId,
        };
        // A failure throws: kafkajs delivers the command again, and it is answered again with the same eventId.
        await feedback.send({
          topic: this.topics.logisticsEvents,
          acks: -1,
          messages: [{ key: command.fulfillmentId, value: JSON.stringify(event) }],
        });
      },
    });
  }

  private async send(topic: string, messages: Array<{ key: string; value: unknown }>): Promise<void> {
    await this.sendBatch(messages.map((m) => ({ topic, key: m.key, value: JSON.stringify(m.value) })));
  }

  private async sendBatch(messages: Array<{ topic: string; key: string; value: string }>): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const { topic, key, value } of messages) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key, value }]);
    const giveUpAt = performance.now() + 120_000;
    for (;;) {
      try {
        await sendWithoutLoss(
          this.producer!,
          [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
        );
        return;
      } catch (error) {
        this.failedSends += 1;
        if (performance.now() > giveUpAt) throw error;
        await sleep(250);
      }
    }
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
