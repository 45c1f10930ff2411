import { api, refusal } from './api.js';
import { el, pill, setValue } from './dom.js';
import { renderMap } from './stock-map.js';
import { state, type SkuStock } from './state.js';

/**
 * The chosen SKU's stock, live from GET /v1/stock/stream: server-sent events read with fetch() and
 * a stream reader (an EventSource cannot send the key's header), reconnecting a second after a drop.
 */

export function closeStream(): void {
  if (state.stream) state.stream.abort();
  state.stream = null;
}

export function openStream(): void {
  closeStream();
  state.stock = null;
  renderStock(null);
  if (!state.sku) {
    pill('stream-status', 'pick a SKU', '');
    return;
  }
  const stream = new AbortController();
  state.stream = stream;
  pill('stream-status', 'connecting', 'warn');
  void readStream(stream, '/v1/stock/stream?skus=' + encodeURIComponent(state.sku));
}

async function readStream(stream: AbortController, url: string): Promise<void> {
  try {
    const response = await api(url, { headers: { Accept: 'text/event-stream' }, signal: stream.signal });
    if (response.status === 401 || response.status === 403) {
      pill('stream-status', 'stream refused', 'bad');
      el('sku-error').textContent = refusal(response.status);
      return;
    }
    if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
    if (state.stream !== stream) return;
    pill('stream-status', 'live', 'good');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer = (buffer + decoder.decode(chunk.value, { stream: true })).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        onServerEvent(stream, buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch {
    if (stream.signal.aborted) return;
  }
  if (state.stream !== stream) return;
  pill('stream-status', 'reconnecting', 'warn');
  setTimeout(() => {
    if (state.stream === stream) void readStream(stream, url);
  }, 1000);
}

/** One server-sent event (the lines up to a blank line): a `stock` event of the SKU shown replaces its stock. */
function onServerEvent(stream: AbortController, block: string): void {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (type !== 'stock' || data.length === 0 || state.stream !== stream) return;
  const stock = JSON.parse(data.join('\n')) as SkuStock;
  if (stock.sku !== state.sku) return;
  const previous = state.stock;
  state.stock = stock;
  pill('stream-status', 'live', 'good');
  renderStock(previous);
}

function renderStock(previous: SkuStock | null): void {
  const stock = state.stock;
  setValue('sku-onhand', stock ? stock.onHand : null);
  setValue('sku-available', stock ? stock.available : null);
  setValue('sku-online-atp', stock ? stock.onlineAvailableToPromise : null);
  el('sku-position').textContent = stock ? 'view position ' + stock.position : '';
  renderMap(previous);
}
