import { api, refusal } from './api.js';
import { el, messageOf, pill } from './dom.js';
import { SKU_PATTERN, SKU_RULE } from './sku-rule.js';
import { loadLocations } from './stock-map.js';
import { showOrder } from './order-timeline.js';
import { closeStream, openStream } from './stock-stream.js';
import { renderSummary } from './summary.js';
import { state, type Summary } from './state.js';

/*
 * The dashboard (GET /dashboard loads this module and nothing from anywhere but this service). It
 * signs in first: the operator key typed into its form is checked against GET /v1/dashboard/summary
 * (operations:read), kept in the tab's sessionStorage and sent as an `Authorization: Bearer` header
 * on every request, never in a URL. The SKU's stock arrives over GET /v1/stock/stream
 * (stock-stream.ts); the rest is polled from GET /v1/dashboard/summary every second (summary.ts);
 * locations from GET /v1/locations every ten seconds (stock-map.ts).
 */

const KEY_STORE = 'inventory.operatorKey';

function input(testId: string): HTMLInputElement {
  return el(testId, HTMLInputElement);
}

function showSignIn(message: string): void {
  state.key = '';
  try {
    window.sessionStorage.removeItem(KEY_STORE);
  } catch {
    // storage unavailable
  }
  el('signin').hidden = false;
  el('dashboard').hidden = true;
  el('signout').hidden = true;
  pill('stream-status', 'signed out', '');
  pill('readiness', 'signed out', '');
  el('signin-error').textContent = message;
  input('signin-key').focus();
}

async function signIn(key: string): Promise<void> {
  el('signin-error').textContent = 'checking\u2026';
  state.key = key;
  let response: Response;
  try {
    response = await api('/v1/dashboard/summary');
  } catch (error) {
    state.key = '';
    el('signin-error').textContent = 'The service did not answer: ' + messageOf(error);
    return;
  }
  if (!response.ok) {
    state.key = '';
    el('signin-error').textContent = refusal(response.status) || 'The service answered HTTP ' + response.status + '.';
    return;
  }
  try {
    window.sessionStorage.setItem(KEY_STORE, key);
  } catch {
    // kept for this page only
  }
  input('signin-key').value = '';
  el('signin-error').textContent = '';
  el('signin').hidden = true;
  el('dashboard').hidden = false;
  el('signout').hidden = false;
  renderSummary((await response.json()) as Summary);
  start();
}

/** Shows this SKU ('' for none): the picker, the title, the URL's ?sku= and, once signed in, its stream. */
function chooseSku(sku: string): void {
  state.sku = sku;
  input('sku-input').value = sku;
  el('map-title').textContent = sku ? 'Stock of ' + sku + ' by location' : 'Stock by location';
  const url = new URL(window.location.href);
  if (sku) url.searchParams.set('sku', sku);
  else url.searchParams.delete('sku');
  window.history.replaceState(null, '', url.pathname + url.search);
  if (state.started) openStream();
}

async function pollSummary(): Promise<void> {
  if (!state.started) return;
  try {
    const response = await api('/v1/dashboard/summary');
    if (response.status === 401 || response.status === 403) {
      stop();
      showSignIn(refusal(response.status));
      return;
    }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    renderSummary((await response.json()) as Summary);
  } catch (error) {
    pill('readiness', 'no answer', 'bad');
    el('summary-updated').textContent = 'summary failed: ' + messageOf(error);
  }
  if (state.started) state.summaryTimer = setTimeout(() => void pollSummary(), 1000);
}

async function pollLocations(): Promise<void> {
  if (!state.started) return;
  try {
    await loadLocations();
  } catch (error) {
    el('unplaced').textContent = 'locations: ' + messageOf(error);
  }
  if (state.started) state.locationsTimer = setTimeout(() => void pollLocations(), 10000);
}

/** Signed in: follow the SKU, poll the summary and the locations. */
function start(): void {
  if (state.started) return;
  state.started = true;
  const initial = (new URLSearchParams(window.location.search).get('sku') || '').trim();
  chooseSku(state.sku || (SKU_PATTERN.test(initial) ? initial : ''));
  state.summaryTimer = setTimeout(() => void pollSummary(), 1000);
  void pollLocations();
}

function stop(): void {
  state.started = false;
  clearTimeout(state.summaryTimer);
  clearTimeout(state.locationsTimer);
  closeStream();
}

el('sku-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const sku = input('sku-input').value.trim();
  if (sku && !SKU_PATTERN.test(sku)) {
    el('sku-error').textContent = SKU_RULE;
    return;
  }
  el('sku-error').textContent = '';
  chooseSku(sku);
});

el('order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const orderId = input('order-input').value.trim();
  if (orderId) void showOrder(orderId);
});

el('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = input('signin-key').value.trim();
  if (!key) {
    el('signin-error').textContent = 'Paste an operator key (op_...).';
    return;
  }
  void signIn(key);
});

el('signout').addEventListener('click', () => {
  stop();
  showSignIn('Signed out.');
});

let kept = '';
try {
  kept = window.sessionStorage.getItem(KEY_STORE) || '';
} catch {
  // none kept
}
if (kept) void signIn(kept);
else showSignIn('');
