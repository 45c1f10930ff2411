import { api } from './api.js';
import { el, fmt, svg } from './dom.js';
import { state, type Location, type LocationStock, type LocationsPage, type SkuStock } from './state.js';

/** The map: the registered locations at their coordinates (north up, east right), each with the SKU's stock. */

const W = 800;
const H = 470;
const PAD = 70;

/** Reads every registered location (a page of 500 at a time); redraws the map if any was added or changed. */
export async function loadLocations(): Promise<void> {
  let all: Location[] = [];
  let after = '';
  for (;;) {
    const response = await api('/v1/locations?limit=500&after=' + encodeURIComponent(after));
    if (!response.ok) throw new Error('GET /v1/locations: HTTP ' + response.status);
    const page = (await response.json()) as LocationsPage;
    all = all.concat(page.items);
    if (!page.next) break;
    after = page.next;
  }
  const changed =
    all.length !== state.locations.size ||
    all.some((l) => {
      const known = state.locations.get(l.locationId);
      return !known || known.version !== l.version;
    });
  state.locations = new Map(all.map((l) => [l.locationId, l]));
  if (changed) renderMap(state.stock);
}

/** Screen points for the locations: an equirectangular projection fitted to the drawing, with its scale. */
function project(locations: readonly Location[]): { points: Map<string, { x: number; y: number }>; pxPerDegreeLat: number } {
  const lats = locations.map((l) => l.lat);
  const lngs = locations.map((l) => l.lng);
  const minLat = Math.min(...lats);
  const maxLat = Math.max(...lats);
  const minLng = Math.min(...lngs);
  const maxLng = Math.max(...lngs);
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = (maxLng - minLng) * k;
  const spanY = maxLat - minLat;
  let scale = Math.min(spanX > 0 ? (W - 2 * PAD) / spanX : Infinity, spanY > 0 ? (H - 2 * PAD) / spanY : Infinity);
  if (!isFinite(scale)) scale = 0;
  const offX = (W - spanX * scale) / 2;
  const offY = (H - spanY * scale) / 2;
  const points = new Map<string, { x: number; y: number }>();
  for (const l of locations) points.set(l.locationId, { x: offX + (l.lng - minLng) * k * scale, y: offY + (maxLat - l.lat) * scale });
  return { points, pxPerDegreeLat: scale };
}

/** Redraws the map from the state; a location whose on-hand differs from `previous` flashes. */
export function renderMap(previous: SkuStock | null): void {
  const map = el('stock-map', SVGSVGElement);
  while (map.firstChild) map.removeChild(map.firstChild);
  for (let gx = 0; gx <= W; gx += 50) svg('line', { x1: gx, y1: 0, x2: gx, y2: H, class: 'grid' }, map);
  for (let gy = 0; gy <= H; gy += 50) svg('line', { x1: 0, y1: gy, x2: W, y2: gy, class: 'grid' }, map);

  const here = new Map<string, LocationStock>();
  const before = new Map<string, LocationStock>();
  if (state.stock) for (const l of state.stock.locations) here.set(l.locationId, l);
  if (previous) for (const l of previous.locations) before.set(l.locationId, l);

  const locations = Array.from(state.locations.values());
  if (locations.length === 0) {
    svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'hint' }, map).textContent =
      'No locations registered yet (PUT /v1/locations/{id})';
  } else {
    const projected = project(locations);
    // Warehouses first, so stores (usually denser) draw on top.
    locations.sort((a, b) => (a.type === b.type ? 0 : a.type === 'warehouse' ? -1 : 1) || a.locationId.localeCompare(b.locationId));
    for (const l of locations) {
      const p = projected.points.get(l.locationId);
      if (!p) continue;
      const level = here.get(l.locationId);
      const onHand = level ? level.onHand : 0;
      const was = before.get(l.locationId);
      const classes = ['location', l.type];
      if (onHand < 0) classes.push('negative');
      if (!level || onHand === 0) classes.push('empty');
      if (previous && (was ? was.onHand : 0) !== onHand) classes.push('changed');
      const g = svg(
        'g',
        {
          class: classes.join(' '),
          transform: 'translate(' + p.x.toFixed(1) + ',' + p.y.toFixed(1) + ')',
          'data-testid': 'map-location',
          'data-location-id': l.locationId,
          'data-type': l.type,
          'data-on-hand': onHand,
          'data-available': level ? level.available : '',
        },
        map,
      );
      svg('title', {}, g).textContent =
        l.locationId +
        ' \u00b7 ' +
        l.name +
        ' (' +
        l.type +
        ')' +
        (level
          ? ': on hand ' +
            level.onHand +
            ', reserved ' +
            level.reserved +
            ', available ' +
            level.available +
            ', in transit ' +
            level.inTransit
          : ': none of this SKU');
      const halo = Math.min(40, 10 + 2.5 * Math.sqrt(Math.max(0, onHand)));
      svg('circle', { r: halo, class: 'halo' }, g);
      if (l.type === 'warehouse') svg('rect', { x: -9, y: -9, width: 18, height: 18, rx: 2, class: 'mark' }, g);
      else svg('circle', { r: 9, class: 'mark' }, g);
      svg('text', { x: 14, y: -3, class: 'name' }, g).textContent = l.locationId;
      const qty = svg('text', { x: 14, y: 13, class: 'qty' + (onHand < 0 ? ' negative' : ''), 'data-testid': 'map-qty' }, g);
      qty.textContent = level ? fmt(level.onHand) + ' on hand \u00b7 ' + fmt(level.available) + ' avail' : '0 on hand';
    }
    if (projected.pxPerDegreeLat > 0) drawScale(map, projected.pxPerDegreeLat);
  }

  const unplaced = state.stock ? state.stock.locations.filter((l) => !state.locations.has(l.locationId)) : [];
  el('unplaced').textContent =
    unplaced.length === 0
      ? ''
      : 'Not on the map (no registered coordinates): ' + unplaced.map((l) => l.locationId + ' ' + fmt(l.onHand)).join(', ');
}

/** A scale bar of a round distance, about 120 px long, in the bottom-left corner. */
function drawScale(map: SVGSVGElement, pxPerDegreeLat: number): void {
  const kmPerPx = 111.32 / pxPerDegreeLat;
  const target = kmPerPx * 120;
  const magnitude = Math.pow(10, Math.floor(Math.log10(target)));
  const km =
    [1, 2, 5, 10]
      .map((m) => m * magnitude)
      .filter((v) => v <= target)
      .pop() || magnitude;
  const px = km / kmPerPx;
  svg('line', { x1: 16, y1: H - 16, x2: 16 + px, y2: H - 16, class: 'scale' }, map);
  svg('text', { x: 16, y: H - 22, class: 'scale-label' }, map).textContent = km >= 1 ? fmt(km) + ' km' : fmt(km * 1000) + ' m';
}
