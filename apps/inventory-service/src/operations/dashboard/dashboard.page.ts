import { SKU_PATTERN, SKU_RULE } from '@app/contracts';
import { createHash } from 'node:crypto';

/*
 * The dashboard: one self-contained page (inline CSS and vanilla JS, nothing fetched from anywhere
 * but this service). It signs in first: the operator key typed into its form is checked against
 * GET /v1/dashboard/summary (operations:read), kept in the tab's sessionStorage and sent as an
 * `Authorization: Bearer` header on every request, never in a URL. The SKU's stock arrives over
 * GET /v1/stock/stream (server-sent events, read with fetch() and a stream reader, because an
 * EventSource cannot send a header and STOREFRONT_READ_KEY_REQUIRED=true needs one); the rest is
 * polled from GET /v1/dashboard/summary every second; locations from GET /v1/locations.
 * Everything data-driven is written with textContent / createElementNS, never as HTML.
 */

const STYLE = `
:root { --bg:#f4f6f8; --card:#fff; --ink:#1d2733; --muted:#66727f; --line:#dde3e9; --store:#0f766e; --warehouse:#4338ca;
  --bad:#c2271d; --warn:#b45309; --good:#15803d; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font-size: 14px; }
header { display: flex; align-items: center; gap: 16px; padding: 12px 20px; background: #15202b; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0 12px 0 0; font-weight: 600; }
header form { display: flex; gap: 6px; }
header input { font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid #3b4a59; background: #0e161e; color: #fff; width: 220px; }
header button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 0; background: #2f81f7; color: #fff; cursor: pointer; }
header button.quiet { background: #3b4a59; }
.signin { max-width: 460px; margin: 60px auto; }
.signin form { display: flex; gap: 8px; margin-top: 10px; }
.signin input { font: inherit; flex: 1; padding: 8px 10px; border-radius: 6px; border: 1px solid var(--line); }
.signin button { font: inherit; padding: 8px 14px; border-radius: 6px; border: 0; background: #2f81f7; color: #fff; cursor: pointer; }
.signin .error { color: var(--bad); margin-top: 8px; min-height: 1.2em; }
[hidden] { display: none !important; }
.spacer { flex: 1; }
.pill { display: inline-block; padding: 3px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; background: #3b4a59; color: #fff; }
.pill.good { background: var(--good); } .pill.bad { background: var(--bad); } .pill.warn { background: var(--warn); }
main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(300px, 1fr); gap: 16px; padding: 16px 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; }
.card h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 10px; font-weight: 600; }
.wide { grid-column: 1 / -1; }
.totals { display: flex; gap: 22px; flex-wrap: wrap; margin-bottom: 8px; }
.totals div { display: flex; flex-direction: column; }
.totals b { font-size: 22px; font-variant-numeric: tabular-nums; }
.totals span { color: var(--muted); font-size: 12px; }
.map { width: 100%; height: auto; display: block; background: #eef3f7; border-radius: 8px; }
.map .grid { stroke: #d9e2ea; stroke-width: 1; }
.map .halo { opacity: .16; }
.map .store .mark, .map .store .halo { fill: var(--store); }
.map .warehouse .mark, .map .warehouse .halo { fill: var(--warehouse); }
.map .mark { stroke: #fff; stroke-width: 2; }
.map .negative .mark { fill: var(--bad); }
.map .empty .mark { fill: #9aa5b1; }
.map .name { font-size: 13px; font-weight: 700; fill: var(--ink); paint-order: stroke; stroke: #eef3f7; stroke-width: 4px; }
.map .qty { font-size: 12px; fill: var(--ink); font-variant-numeric: tabular-nums; paint-order: stroke; stroke: #eef3f7; stroke-width: 4px; }
.map .qty.negative { fill: var(--bad); font-weight: 700; }
.map .changed .mark { animation: flash 1.2s ease-out; }
@keyframes flash { 0% { stroke: #f59e0b; stroke-width: 9; } 100% { stroke: #fff; stroke-width: 2; } }
.map .hint { font-size: 15px; fill: var(--muted); }
.map .scale { stroke: var(--muted); stroke-width: 2; } .map .scale-label { font-size: 11px; fill: var(--muted); }
.legend { display: flex; gap: 16px; color: var(--muted); font-size: 12px; margin-top: 8px; flex-wrap: wrap; align-items: center; }
.legend svg { vertical-align: middle; margin-right: 4px; }
.tiles { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; align-items: start; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .value { font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .unit { color: var(--muted); font-size: 12px; }
.tile.span { grid-column: 1 / -1; }
.spark { width: 100%; height: 44px; display: block; }
.spark polyline { fill: none; stroke: #2f81f7; stroke-width: 2; }
.topics { color: var(--muted); font-size: 12px; margin: 4px 0 0; padding: 0; list-style: none; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid #eef1f4; padding: 6px 8px; font-variant-numeric: tabular-nums; }
td.num, th.num { text-align: right; }
.neg { color: var(--bad); font-weight: 700; }
.empty-row td { color: var(--muted); text-align: center; }
.alerts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.muted { color: var(--muted); font-size: 12px; }
footer { padding: 0 20px 16px; color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { main, .alerts { grid-template-columns: 1fr; } }
`;

// Plain JS, no template literals inside (this is a TS template string), no backticks.
const SCRIPT = String.raw`
(function () {
  'use strict';
  var SKU_PATTERN = new RegExp(${JSON.stringify(SKU_PATTERN.source)});
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 800, H = 470, PAD = 70;
  var KEY_STORE = 'inventory.operatorKey';
  var state = { sku: '', locations: new Map(), stock: null, stream: null, rates: [], key: '', started: false };
  var numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

  function el(testId) { return document.querySelector('[data-testid="' + testId + '"]'); }
  function fmt(n) { return n === null || n === undefined ? '\u2014' : numberFormat.format(n); }
  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (parent) parent.appendChild(node);
    return node;
  }
  function html(name, text, className, parent) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    if (parent) parent.appendChild(node);
    return node;
  }
  function setValue(testId, value, text) {
    var node = el(testId);
    node.textContent = text !== undefined ? text : fmt(value);
    node.setAttribute('data-value', value === null || value === undefined ? '' : String(value));
  }
  function pill(testId, text, kind) {
    var node = el(testId);
    node.textContent = text;
    node.className = 'pill ' + kind;
  }

  // --- signing in: the operator key lives in this tab's sessionStorage and travels as a header ---
  function api(path, options) {
    var init = options || {};
    var headers = new Headers(init.headers || {});
    if (state.key) headers.set('Authorization', 'Bearer ' + state.key);
    return fetch(path, { cache: 'no-store', headers: headers, signal: init.signal });
  }

  function refusal(status) {
    if (status === 401) return 'That is not an active operator key (npm run cli -- issue-operator-key NAME issues one).';
    if (status === 403) return 'That key may not read the dashboard: it needs the operations:read scope.';
    return '';
  }

  function showSignIn(message) {
    state.key = '';
    try { window.sessionStorage.removeItem(KEY_STORE); } catch (ignored) { /* storage unavailable */ }
    el('signin').hidden = false;
    el('dashboard').hidden = true;
    el('signout').hidden = true;
    pill('stream-status', 'signed out', '');
    pill('readiness', 'signed out', '');
    el('signin-error').textContent = message || '';
    el('signin-key').focus();
  }

  async function signIn(key) {
    el('signin-error').textContent = 'checking\u2026';
    state.key = key;
    var response;
    try {
      response = await api('/v1/dashboard/summary');
    } catch (error) {
      state.key = '';
      el('signin-error').textContent = 'The service did not answer: ' + error.message;
      return;
    }
    if (!response.ok) {
      state.key = '';
      el('signin-error').textContent = refusal(response.status) || 'The service answered HTTP ' + response.status + '.';
      return;
    }
    try { window.sessionStorage.setItem(KEY_STORE, key); } catch (ignored) { /* kept for this page only */ }
    el('signin-key').value = '';
    el('signin-error').textContent = '';
    el('signin').hidden = true;
    el('dashboard').hidden = false;
    el('signout').hidden = false;
    renderSummary(await response.json());
    start();
  }

  // --- the SKU and its live stock -------------------------------------------------------------
  function chooseSku(sku) {
    state.sku = sku;
    el('sku-input').value = sku;
    el('map-title').textContent = sku ? 'Stock of ' + sku + ' by location' : 'Stock by location';
    var url = new URL(window.location.href);
    if (sku) url.searchParams.set('sku', sku); else url.searchParams.delete('sku');
    window.history.replaceState(null, '', url.pathname + url.search);
    if (state.started) openStream();
  }

  function closeStream() {
    if (state.stream) state.stream.abort();
    state.stream = null;
  }

  function openStream() {
    closeStream();
    state.stock = null;
    renderStock(null);
    if (!state.sku) { pill('stream-status', 'pick a SKU', ''); return; }
    var stream = new AbortController();
    state.stream = stream;
    pill('stream-status', 'connecting', 'warn');
    void readStream(stream, '/v1/stock/stream?skus=' + encodeURIComponent(state.sku));
  }

  /** Server-sent events over fetch(), so the key goes as a header; reconnects a second after a drop. */
  async function readStream(stream, url) {
    try {
      var response = await api(url, { headers: { Accept: 'text/event-stream' }, signal: stream.signal });
      if (response.status === 401 || response.status === 403) { pill('stream-status', 'stream refused', 'bad'); el('sku-error').textContent = refusal(response.status); return; }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      if (state.stream !== stream) return;
      pill('stream-status', 'live', 'good');
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer = (buffer + decoder.decode(chunk.value, { stream: true })).replace(/\r\n?/g, '\n');
        var end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onServerEvent(stream, buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (stream.signal.aborted) return;
    }
    if (state.stream !== stream) return;
    pill('stream-status', 'reconnecting', 'warn');
    setTimeout(function () { if (state.stream === stream) void readStream(stream, url); }, 1000);
  }

  function onServerEvent(stream, block) {
    var type = 'message', data = [];
    block.split('\n').forEach(function (line) {
      var colon = line.indexOf(':');
      if (colon === 0) return;
      var field = colon < 0 ? line : line.slice(0, colon);
      var value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    });
    if (type !== 'stock' || data.length === 0 || state.stream !== stream) return;
    var stock = JSON.parse(data.join('\n'));
    if (stock.sku !== state.sku) return;
    var previous = state.stock;
    state.stock = stock;
    pill('stream-status', 'live', 'good');
    renderStock(previous);
  }

  function renderStock(previous) {
    var stock = state.stock;
    setValue('sku-onhand', stock ? stock.onHand : null);
    setValue('sku-available', stock ? stock.available : null);
    setValue('sku-online-atp', stock ? stock.onlineAvailableToPromise : null);
    el('sku-position').textContent = stock ? 'view position ' + stock.position : '';
    renderMap(previous);
  }

  // --- the map: registered locations at their coordinates --------------------------------------
  async function loadLocations() {
    var all = [];
    var after = '';
    for (;;) {
      var response = await api('/v1/locations?limit=500&after=' + encodeURIComponent(after));
      if (!response.ok) throw new Error('GET /v1/locations: HTTP ' + response.status);
      var page = await response.json();
      all = all.concat(page.items);
      if (!page.next) break;
      after = page.next;
    }
    var changed = all.length !== state.locations.size || all.some(function (l) {
      var known = state.locations.get(l.locationId);
      return !known || known.version !== l.version;
    });
    state.locations = new Map(all.map(function (l) { return [l.locationId, l]; }));
    if (changed) renderMap(state.stock);
  }

  function project(locations) {
    var lats = locations.map(function (l) { return l.lat; });
    var lngs = locations.map(function (l) { return l.lng; });
    var minLat = Math.min.apply(null, lats), maxLat = Math.max.apply(null, lats);
    var minLng = Math.min.apply(null, lngs), maxLng = Math.max.apply(null, lngs);
    var k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    var spanX = (maxLng - minLng) * k, spanY = maxLat - minLat;
    var scale = Math.min(spanX > 0 ? (W - 2 * PAD) / spanX : Infinity, spanY > 0 ? (H - 2 * PAD) / spanY : Infinity);
    if (!isFinite(scale)) scale = 0;
    var offX = (W - spanX * scale) / 2, offY = (H - spanY * scale) / 2;
    var points = new Map();
    locations.forEach(function (l) {
      points.set(l.locationId, { x: offX + (l.lng - minLng) * k * scale, y: offY + (maxLat - l.lat) * scale });
    });
    return { points: points, pxPerDegreeLat: scale };
  }

  function renderMap(previous) {
    var map = el('stock-map');
    while (map.firstChild) map.removeChild(map.firstChild);
    for (var gx = 0; gx <= W; gx += 50) svg('line', { x1: gx, y1: 0, x2: gx, y2: H, class: 'grid' }, map);
    for (var gy = 0; gy <= H; gy += 50) svg('line', { x1: 0, y1: gy, x2: W, y2: gy, class: 'grid' }, map);

    var here = new Map();
    var before = new Map();
    if (state.stock) state.stock.locations.forEach(function (l) { here.set(l.locationId, l); });
    if (previous) previous.locations.forEach(function (l) { before.set(l.locationId, l); });

    var locations = Array.from(state.locations.values());
    if (locations.length === 0) {
      svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'hint' }, map).textContent = 'No locations registered yet (PUT /v1/locations/{id})';
    } else {
      var projected = project(locations);
      // Warehouses first, so stores (usually denser) draw on top.
      locations.sort(function (a, b) { return (a.type === b.type ? 0 : a.type === 'warehouse' ? -1 : 1) || a.locationId.localeCompare(b.locationId); });
      locations.forEach(function (l) {
        var p = projected.points.get(l.locationId);
        var level = here.get(l.locationId);
        var onHand = level ? level.onHand : 0;
        var was = before.get(l.locationId);
        var classes = ['location', l.type];
        if (onHand < 0) classes.push('negative');
        if (!level || onHand === 0) classes.push('empty');
        if (previous && (was ? was.onHand : 0) !== onHand) classes.push('changed');
        var g = svg('g', {
          class: classes.join(' '),
          transform: 'translate(' + p.x.toFixed(1) + ',' + p.y.toFixed(1) + ')',
          'data-testid': 'map-location',
          'data-location-id': l.locationId,
          'data-type': l.type,
          'data-on-hand': onHand,
          'data-available': level ? level.available : '',
        }, map);
        svg('title', {}, g).textContent = l.locationId + ' \u00b7 ' + l.name + ' (' + l.type + ')' + (level ? ': on hand ' + level.onHand + ', reserved ' + level.reserved + ', available ' + level.available + ', in transit ' + level.inTransit : ': none of this SKU');
        var halo = Math.min(40, 10 + 2.5 * Math.sqrt(Math.max(0, onHand)));
        svg('circle', { r: halo, class: 'halo' }, g);
        if (l.type === 'warehouse') svg('rect', { x: -9, y: -9, width: 18, height: 18, rx: 2, class: 'mark' }, g);
        else svg('circle', { r: 9, class: 'mark' }, g);
        svg('text', { x: 14, y: -3, class: 'name' }, g).textContent = l.locationId;
        var qty = svg('text', { x: 14, y: 13, class: 'qty' + (onHand < 0 ? ' negative' : ''), 'data-testid': 'map-qty' }, g);
        qty.textContent = level ? fmt(level.onHand) + ' on hand \u00b7 ' + fmt(level.available) + ' avail' : '0 on hand';
      });
      if (projected.pxPerDegreeLat > 0) drawScale(map, projected.pxPerDegreeLat);
    }

    var unplaced = state.stock ? state.stock.locations.filter(function (l) { return !state.locations.has(l.locationId); }) : [];
    var list = el('unplaced');
    list.textContent = unplaced.length === 0 ? '' : 'Not on the map (no registered coordinates): ' + unplaced.map(function (l) { return l.locationId + ' ' + fmt(l.onHand); }).join(', ');
  }

  function drawScale(map, pxPerDegreeLat) {
    var kmPerPx = 111.32 / pxPerDegreeLat;
    var target = kmPerPx * 120;
    var magnitude = Math.pow(10, Math.floor(Math.log10(target)));
    var km = [1, 2, 5, 10].map(function (m) { return m * magnitude; }).filter(function (v) { return v <= target; }).pop() || magnitude;
    var px = km / kmPerPx;
    svg('line', { x1: 16, y1: H - 16, x2: 16 + px, y2: H - 16, class: 'scale' }, map);
    svg('text', { x: 16, y: H - 22, class: 'scale-label' }, map).textContent = (km >= 1 ? fmt(km) + ' km' : fmt(km * 1000) + ' m');
  }

  // --- the summary: rate, lag, readiness, commands, alerts ---------------------------------------
  function renderSummary(summary) {
    setValue('event-rate', summary.eventsPerSecond);
    setValue('events-applied', summary.eventsApplied);
    state.rates.push(summary.eventsPerSecond);
    if (state.rates.length > 60) state.rates.shift();
    renderSparkline();

    var lag = summary.consumerLag;
    setValue('consumer-lag', lag ? lag.total : null);
    var topics = el('lag-topics');
    topics.textContent = '';
    if (lag) Object.keys(lag.byTopic).forEach(function (topic) { html('li', topic + ': ' + fmt(lag.byTopic[topic]), '', topics); });
    else html('li', 'Kafka did not answer', '', topics);
    setValue('stock-view-backlog', summary.stockViewBacklog);
    pill('readiness', summary.ready ? 'ready' : 'not ready', summary.ready ? 'good' : 'bad');
    el('readiness').setAttribute('data-ready', String(summary.ready));

    renderRows('recent-commands', summary.recentCommands, 6, 'No logistics commands yet', function (c, tr) {
      tr.setAttribute('data-testid', 'command-row');
      tr.setAttribute('data-command-id', String(c.commandId));
      html('td', c.issuedAt ? new Date(c.issuedAt).toLocaleTimeString('en-GB') : '', '', tr);
      html('td', c.type, '', tr);
      html('td', c.fulfillmentId || c.transferId || '', '', tr);
      html('td', (c.fromLocationId || '?') + ' \u2192 ' + (c.toLocationId || (c.delivery ? c.delivery.mode : 'customer')), '', tr);
      html('td', Array.isArray(c.lines) ? c.lines.map(function (line) { return line.sku + ' \u00d7 ' + line.quantity; }).join(', ') : '', '', tr);
      var published = html('td', c.published ? 'published' : 'queued', '', tr);
      published.setAttribute('data-testid', 'command-state');
      published.className = c.published ? '' : 'muted';
    });
    renderRows('negative-alerts', summary.negativeStock, 3, 'No negative stock', function (a, tr) {
      tr.setAttribute('data-testid', 'negative-alert-row');
      html('td', a.locationId, '', tr);
      html('td', a.sku, '', tr);
      html('td', fmt(a.onHand), 'num neg', tr);
    });
    renderRows('low-alerts', summary.lowStock, 4, 'Nothing at or below its reorder point', function (a, tr) {
      tr.setAttribute('data-testid', 'low-alert-row');
      html('td', a.locationId, '', tr);
      html('td', a.sku, '', tr);
      html('td', fmt(a.available), 'num' + (a.available < 0 ? ' neg' : ''), tr);
      html('td', fmt(a.reorderPoint), 'num', tr);
      html('td', fmt(a.reorderQuantity), 'num', tr);
    });
    el('summary-updated').textContent = 'summary updated ' + new Date().toLocaleTimeString('en-GB');
  }

  function renderRows(testId, items, columns, emptyText, fill) {
    var body = el(testId).querySelector('tbody');
    body.textContent = '';
    if (items.length === 0) {
      var td = html('td', emptyText, '', html('tr', null, 'empty-row', body));
      td.colSpan = columns;
      return;
    }
    items.forEach(function (item) { fill(item, html('tr', null, '', body)); });
  }

  function renderSparkline() {
    var line = el('rate-sparkline').querySelector('polyline');
    var max = Math.max.apply(null, state.rates.concat([1]));
    var step = 240 / 59;
    var offset = 60 - state.rates.length;
    line.setAttribute('points', state.rates.map(function (rate, i) {
      return ((offset + i) * step).toFixed(1) + ',' + (42 - (rate / max) * 38).toFixed(1);
    }).join(' '));
  }

  async function pollSummary() {
    if (!state.started) return;
    try {
      var response = await api('/v1/dashboard/summary');
      if (response.status === 401 || response.status === 403) { stop(); showSignIn(refusal(response.status)); return; }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      renderSummary(await response.json());
    } catch (error) {
      pill('readiness', 'no answer', 'bad');
      el('summary-updated').textContent = 'summary failed: ' + error.message;
    }
    if (state.started) state.summaryTimer = setTimeout(pollSummary, 1000);
  }

  async function pollLocations() {
    if (!state.started) return;
    try { await loadLocations(); } catch (error) { el('unplaced').textContent = 'locations: ' + error.message; }
    if (state.started) state.locationsTimer = setTimeout(pollLocations, 10000);
  }

  /** Signed in: follow the SKU, poll the summary and the locations. */
  function start() {
    if (state.started) return;
    state.started = true;
    var initial = new URLSearchParams(window.location.search).get('sku') || '';
    chooseSku(state.sku || (SKU_PATTERN.test(initial.trim()) ? initial.trim() : ''));
    state.summaryTimer = setTimeout(pollSummary, 1000);
    void pollLocations();
  }

  function stop() {
    state.started = false;
    clearTimeout(state.summaryTimer);
    clearTimeout(state.locationsTimer);
    closeStream();
  }

  el('sku-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var sku = el('sku-input').value.trim();
    if (sku && !SKU_PATTERN.test(sku)) { el('sku-error').textContent = ${JSON.stringify(SKU_RULE)}; return; }
    el('sku-error').textContent = '';
    chooseSku(sku);
  });

  el('signin-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = el('signin-key').value.trim();
    if (!key) { el('signin-error').textContent = 'Paste an operator key (op_...).'; return; }
    void signIn(key);
  });

  el('signout').addEventListener('click', function () {
    stop();
    showSignIn('Signed out.');
  });

  var kept = '';
  try { kept = window.sessionStorage.getItem(KEY_STORE) || ''; } catch (ignored) { /* none kept */ }
  if (kept) void signIn(kept); else showSignIn('');
})();
`;

const BODY = `
<header>
  <h1>Inventory live</h1>
  <form data-testid="sku-form" autocomplete="off">
    <input data-testid="sku-input" name="sku" placeholder="SKU, e.g. SKU-1" aria-label="SKU" maxlength="100">
    <button type="submit">Show</button>
  </form>
  <span data-testid="sku-error" class="muted"></span>
  <span class="spacer"></span>
  <span class="muted">stock stream</span> <span data-testid="stream-status" class="pill">starting</span>
  <span class="muted">service</span> <span data-testid="readiness" class="pill">\u2026</span>
  <button type="button" class="quiet" data-testid="signout" hidden>Sign out</button>
</header>
<section class="card signin" data-testid="signin" id="signin" hidden>
  <h2>Sign in</h2>
  <div class="muted">Paste an operator key with the operations:read scope. It is kept in this tab only (session storage) and sent as a header.</div>
  <form data-testid="signin-form" autocomplete="off">
    <input data-testid="signin-key" type="password" placeholder="op_..." aria-label="Operator key" autocomplete="off" spellcheck="false">
    <button type="submit">Sign in</button>
  </form>
  <div class="error" data-testid="signin-error" role="alert"></div>
</section>
<main data-testid="dashboard" hidden>
  <section class="card" data-testid="stock-card">
    <h2 data-testid="map-title">Stock by location</h2>
    <div class="totals">
      <div><b data-testid="sku-onhand">\u2014</b><span>on hand (all locations)</span></div>
      <div><b data-testid="sku-available">\u2014</b><span>available</span></div>
      <div><b data-testid="sku-online-atp">\u2014</b><span>online available to promise</span></div>
    </div>
    <svg class="map" data-testid="stock-map" viewBox="0 0 800 470" role="img" aria-label="Locations by coordinates with the SKU's stock"></svg>
    <div class="legend">
      <span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#0f766e"/></svg>store</span>
      <span><svg width="14" height="14"><rect x="1" y="1" width="12" height="12" fill="#4338ca"/></svg>warehouse</span>
      <span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#c2271d"/></svg>negative on hand</span>
      <span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#9aa5b1"/></svg>none</span>
      <span>halo grows with on hand; labels: on hand \u00b7 available</span>
      <span class="spacer"></span><span data-testid="sku-position"></span>
    </div>
    <div class="muted" data-testid="unplaced"></div>
  </section>
  <section class="card">
    <h2>Ingestion</h2>
    <div class="tiles">
      <div class="tile span"><span class="value" data-testid="event-rate">\u2014</span> <span class="unit">events applied / s (last 5 s)</span>
        <svg class="spark" data-testid="rate-sparkline" viewBox="0 0 240 44" preserveAspectRatio="none"><polyline points=""/></svg></div>
      <div class="tile"><div class="value" data-testid="events-applied">\u2014</div><div class="unit">events applied since start</div></div>
      <div class="tile"><div class="value" data-testid="consumer-lag">\u2014</div><div class="unit">consumer lag (messages)</div><ul class="topics" data-testid="lag-topics"></ul></div>
      <div class="tile span"><div class="value" data-testid="stock-view-backlog">\u2014</div><div class="unit">events not yet in the stock view</div></div>
    </div>
  </section>
  <section class="card wide">
    <h2>Recent dispatches and transfers (last 20 logistics commands)</h2>
    <table data-testid="recent-commands"><thead><tr><th>issued</th><th>command</th><th>fulfillment / transfer</th><th>route</th><th>lines</th><th>state</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="card wide alerts">
    <div><h2>Negative stock (worst 10)</h2>
      <table data-testid="negative-alerts"><thead><tr><th>location</th><th>SKU</th><th class="num">on hand</th></tr></thead><tbody></tbody></table></div>
    <div><h2>Low stock (at or below reorder point, worst 10)</h2>
      <table data-testid="low-alerts"><thead><tr><th>location</th><th>SKU</th><th class="num">available</th><th class="num">reorder point</th><th class="num">reorder qty</th></tr></thead><tbody></tbody></table></div>
  </section>
</main>
<footer data-testid="summary-updated"></footer>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page, served as is: nothing in it depends on the request. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inventory dashboard</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

/** Only this page's own script and style run, and it talks to this service only. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
