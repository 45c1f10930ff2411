import type { SqlClient } from '@app/event-store';
import { hasReadableOrderIds, orderIdDigest, orderOfFulfillment } from '@app/stock-domain';
import { INSERT_ORDER_ID_DIGESTS, SELECT_ORDER_IDS_BY_DIGEST } from './fulfillment.sql';

/**
 * Which order a fulfillment id names. Most carry their order id; those of a long order id carry its
 * digest instead, and feedback finds the order through the row minted when the order first changed.
 */
export class OrderIdDigests {
  /** Long order ids by their digest: read, or minted in this unit of work. */
  private readonly known = new Map<string, string>();
  private readonly minted = new Map<string, string>();

  /** Read which long order ids the digests in these fulfillment ids stand for (those not known yet). */
  async load(sql: SqlClient, fulfillmentIds: Iterable<string>): Promise<void> {
    const digests = new Set<string>();
    for (const fulfillmentId of fulfillmentIds) {
      const order = orderOfFulfillment(fulfillmentId);
      if (order !== null && 'orderIdDigest' in order && !this.known.has(order.orderIdDigest)) digests.add(order.orderIdDigest);
    }
    if (digests.size === 0) return;
    const rows = await sql.query<{ digest: string; order_id: string }>(SELECT_ORDER_IDS_BY_DIGEST, [[...digests]]);
    for (const row of rows) this.known.set(row.digest, row.order_id);
  }

  /** The order a fulfillment id names, if it is one of ours and its digest (if any) is known. */
  orderIdOf(fulfillmentId: string): string | null {
    const order = orderOfFulfillment(fulfillmentId);
    if (order === null) return null;
    return 'orderId' in order ? order.orderId : (this.known.get(order.orderIdDigest) ?? null);
  }

  /** An order changed: if its fulfillment ids carry its digest, mint the row feedback will find it by. */
  remember(orderId: string): void {
    if (hasReadableOrderIds(orderId)) return;
    const digest = orderIdDigest(orderId);
    if (!this.known.has(digest)) this.minted.set(digest, orderId);
    this.known.set(digest, orderId);
  }

  /** Write the digests minted in this unit of work. */
  async save(sql: SqlClient): Promise<void> {
    if (this.minted.size === 0) return;
    await sql.query(INSERT_ORDER_ID_DIGESTS, [[...this.minted.keys()], [...this.minted.values()]]);
  }
}
