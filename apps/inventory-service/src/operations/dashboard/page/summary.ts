import { el, fmt, html, pill, setValue } from './dom.js';
import { state, type Summary } from './state.js';

/** The summary: event rate and its sparkline, lag, readiness, the recent logistics commands and the alerts. */
export function renderSummary(summary: Summary): void {
  setValue('event-rate', summary.eventsPerSecond);
  setValue('events-applied', summary.eventsApplied);
  state.rates.push(summary.eventsPerSecond);
  if (state.rates.length > 60) state.rates.shift();
  renderSparkline();

  const lag = summary.consumerLag;
  setValue('consumer-lag', lag ? lag.total : null);
  const topics = el('lag-topics');
  topics.textContent = '';
  if (lag) for (const [topic, behind] of Object.entries(lag.byTopic)) html('li', topic + ': ' + fmt(behind), '', topics);
  else html('li', 'Kafka did not answer', '', topics);
  setValue('stock-view-backlog', summary.stockViewBacklog);
  pill('readiness', summary.ready ? 'ready' : 'not ready', summary.ready ? 'good' : 'bad');
  el('readiness').setAttribute('data-ready', String(summary.ready));

  renderRows('recent-commands', summary.recentCommands, 6, 'No logistics commands yet', (c, tr) => {
    tr.setAttribute('data-testid', 'command-row');
    tr.setAttribute('data-command-id', String(c.commandId));
    html('td', c.issuedAt ? new Date(c.issuedAt).toLocaleTimeString('en-GB') : '', '', tr);
    html('td', c.type, '', tr);
    html('td', c.fulfillmentId || c.transferId || '', '', tr);
    html('td', (c.fromLocationId || '?') + ' \u2192 ' + (c.toLocationId || (c.delivery ? c.delivery.mode : 'customer')), '', tr);
    html(
      'td',
      Array.isArray(c.lines)
        ? c.lines.map((line: { sku: string; quantity: number }) => line.sku + ' \u00d7 ' + line.quantity).join(', ')
        : '',
      '',
      tr,
    );
    const published = html('td', c.published ? 'published' : 'queued', '', tr);
    published.setAttribute('data-testid', 'command-state');
    published.className = c.published ? '' : 'muted';
  });
  renderRows('negative-alerts', summary.negativeStock, 3, 'No negative stock', (a, tr) => {
    tr.setAttribute('data-testid', 'negative-alert-row');
    html('td', a.locationId, '', tr);
    html('td', a.sku, '', tr);
    html('td', fmt(a.onHand), 'num neg', tr);
  });
  renderRows('low-alerts', summary.lowStock, 4, 'Nothing at or below its reorder point', (a, tr) => {
    tr.setAttribute('data-testid', 'low-alert-row');
    html('td', a.locationId, '', tr);
    html('td', a.sku, '', tr);
    html('td', fmt(a.available), 'num' + (a.available < 0 ? ' neg' : ''), tr);
    html('td', fmt(a.reorderPoint), 'num', tr);
    html('td', fmt(a.reorderQuantity), 'num', tr);
  });
  el('summary-updated').textContent = 'summary updated ' + new Date().toLocaleTimeString('en-GB');
}

/** The table's body, one row per item (or one row saying there are none). */
function renderRows<T>(
  testId: string,
  items: readonly T[],
  columns: number,
  emptyText: string,
  fill: (item: T, tr: HTMLTableRowElement) => void,
): void {
  const body = el(testId, HTMLTableElement).tBodies[0];
  if (!body) throw new Error(`[data-testid="${testId}"] has no tbody`);
  body.textContent = '';
  if (items.length === 0) {
    const td = html('td', emptyText, '', html('tr', null, 'empty-row', body));
    td.colSpan = columns;
    return;
  }
  for (const item of items) fill(item, html('tr', null, '', body));
}

/** The last 60 rates as a line, scaled to the largest (at least 1). */
function renderSparkline(): void {
  const line = el('rate-sparkline', SVGSVGElement).querySelector('polyline');
  if (!line) throw new Error('[data-testid="rate-sparkline"] has no polyline');
  const max = Math.max(...state.rates, 1);
  const step = 240 / 59;
  const offset = 60 - state.rates.length;
  line.setAttribute(
    'points',
    state.rates.map((rate, i) => ((offset + i) * step).toFixed(1) + ',' + (42 - (rate / max) * 38).toFixed(1)).join(' '),
  );
}
