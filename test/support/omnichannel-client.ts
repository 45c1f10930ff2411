import type { Producer } from 'kafkajs';
import { expect } from 'vitest';
import { eventually, sendJson } from './test-kafka';
// Every answer read here is also checked against the service's OpenAPI document.
import { documentedFetch as fetch } from './documented-answers';
import type { RunningTestService } from './test-service';

type Lines = Array<{ sku: string; quantity: number }>;

/**
 * What the end-to-end tests of fulfillment do to a running service: operator PUTs and reads over
 * HTTP with its operator key, and store receipts, sales and web orders on its Kafka topics, each with
 * a fresh eventId.
 */
export class OmnichannelClient {
  private eventNumber = 0;

  constructor(
    private readonly service: RunningTestService,
    private readonly producer: Producer,
  ) {}

  nextEventId(prefix: string): string {
    return `${prefix}-${(this.eventNumber += 1)}`;
  }

  async put(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.service.baseUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...this.service.operatorHeaders },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async getJson(path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.service.baseUrl}${path}`, { headers: this.service.operatorHeaders });
    return { status: response.status, body: await response.json() };
  }

  async receive(locationId: string, lines: Lines): Promise<void> {
    await this.send(this.service.config.kafka.topics.stockMovements, locationId, {
      eventId: this.nextEventId('rcv'),
      type: 'StockReceived',
      occurredAt: now(),
      locationId,
      lines,
    });
  }

  async sell(storeId: string, lines: Lines): Promise<void> {
    await this.send(this.service.config.kafka.topics.offlineSales, storeId, {
      eventId: this.nextEventId('sale'),
      type: 'StoreSaleRecorded',
      occurredAt: now(),
      storeId,
      receiptId: this.nextEventId('R'),
      lines,
    });
  }

  async placeOrder(orderId: string, lines: Lines, delivery: unknown): Promise<void> {
    await this.send(this.service.config.kafka.topics.onlineOrders, orderId, {
      eventId: this.nextEventId('ord'),
      type: 'OnlineOrderPlaced',
      occurredAt: now(),
      orderId,
      lines,
      delivery,
    });
  }

  async cancelOrder(orderId: string): Promise<void> {
    await this.send(this.service.config.kafka.topics.onlineOrders, orderId, {
      eventId: this.nextEventId('cancel'),
      type: 'OnlineOrderCancelled',
      occurredAt: now(),
      orderId,
    });
  }

  /** Per location: [onHand, reserved, available, inTransit], once the view shows `expected`; the stock body then. */
  async expectStock(sku: string, expected: Record<string, [number, number, number, number]>): Promise<any> {
    return eventually(async () => {
      const { body } = await this.getJson(`/v1/stock/${encodeURIComponent(sku)}`);
      const shown = Object.fromEntries(body.locations.map((l: any) => [l.locationId, [l.onHand, l.reserved, l.available, l.inTransit]]));
      expect(shown).toEqual(expected);
      return body;
    });
  }

  /**
   * The stock view of `sku` equals the fold of its stock items' events (`?asOf=` now folds the log):
   * nothing counted twice or left out; the view's body then.
   */
  async expectViewEqualsFold(sku: string): Promise<any> {
    return eventually(async () => {
      const [view, fold] = await Promise.all([
        this.getJson(`/v1/stock/${encodeURIComponent(sku)}`),
        this.getJson(`/v1/stock/${encodeURIComponent(sku)}?asOf=${encodeURIComponent(now())}`),
      ]);
      expect(fold.status).toBe(200);
      const shape = (body: any) => ({ onHand: body.onHand, reserved: body.reserved, locations: body.locations });
      expect(shape(view.body)).toEqual(shape(fold.body));
      return view.body;
    });
  }

  /** The order's fulfillment once it answers 200 and passes `check`. */
  async fulfillmentOf(orderId: string, check: (order: any) => void = () => {}): Promise<any> {
    return eventually(async () => {
      const { status, body } = await this.getJson(`/v1/orders/${encodeURIComponent(orderId)}/fulfillment`);
      expect(status).toBe(200);
      check(body);
      return body;
    });
  }

  private async send(topic: string, key: string, value: unknown): Promise<void> {
    await sendJson(this.producer, topic, [{ key, value }]);
  }
}

const now = () => new Date().toISOString();
