import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { START_OF_LOG, formatViewPosition } from '@app/event-store';
import { availableAt, onlineAvailableToPromise } from '@app/stock-domain';
import { Pool } from 'pg';
import { STOCK_LEVELS_PROJECTION } from '../apps/inventory-service/src/stock-views/stock-levels.projection';
import { SELECT_STOCK_OF_SKUS } from '../apps/inventory-service/src/stock-views/stock-views.sql';

/**
 * Two of the query benchmark's baselines, each run as its own process (BASELINE=pg or BASELINE=map):
 *
 * - pg: what a hand-rolled service gets. Plain node:http and a pg pool of the service's read-pool
 *   size, running the service's own prepared SELECT_STOCK_OF_SKUS per request and building the same
 *   body (totals, online ATP, locations, position) with the same ETag (position plus a SHA-1 digest of
 *   the body). No cache, no framework, no validation beyond the path.
 * - map: the limit of an HTTP JSON answer on this machine. Every SKU's body built once at start
 *   (the same bodies as pg, read in chunks) and answered from a Map as bytes.
 *
 * Both answer GET /v1/stock/{sku} and GET /v1/stock?skus=A,B (map: single SKUs only).
 */

interface Row {
  sku: string | null;
  transaction_id: string;
  global_position: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  in_transit: number;
  safety_stock: number;
  ships_online: boolean;
}

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 5),
  options: `-c search_path=${process.env.DATABASE_SCHEMA}`,
});

/** The service's answer for each SKU, from one run of its own SELECT. */
async function stockOf(skus: readonly string[]) {
  const { rows } = await pool.query<Row>({
    name: 'select-stock-of-skus',
    text: SELECT_STOCK_OF_SKUS,
    values: [skus, STOCK_LEVELS_PROJECTION],
  });
  const checkpoint = rows[0]?.sku === null ? rows[0] : undefined;
  const position = formatViewPosition(
    checkpoint ? { transactionId: checkpoint.transaction_id, globalPosition: Number(checkpoint.global_position) } : START_OF_LOG,
  );
  const bySku = new Map<string, Array<{ locationId: string; onHand: number; reserved: number; available: number; inTransit: number }>>();
  const online = new Map<string, Array<{ available: number; shipsOnline: boolean }>>();
  for (const sku of skus) {
    bySku.set(sku, []);
    online.set(sku, []);
  }
  for (const row of rows) {
    if (row.sku === null) continue;
    const available = availableAt({ onHand: row.on_hand, reserved: row.reserved }, row.safety_stock);
    bySku
      .get(row.sku)!
      .push({ locationId: row.location_id, onHand: row.on_hand, reserved: row.reserved, available, inTransit: row.in_transit });
    online.get(row.sku)!.push({ available, shipsOnline: row.ships_online });
  }
  return skus.map((sku) => {
    const locations = bySku.get(sku)!;
    let onHand = 0;
    let reserved = 0;
    let available = 0;
    for (const location of locations) {
      onHand += location.onHand;
      reserved += location.reserved;
      available += location.available;
    }
    return { sku, onHand, reserved, available, onlineAvailableToPromise: onlineAvailableToPromise(online.get(sku)!), locations, position };
  });
}

function send(response: ServerResponse, position: string, body: string | Buffer): void {
  const etag = `"${position}-${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), etag });
  response.end(body);
}

async function answerFromDatabase(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://baseline');
  if (url.pathname === '/v1/stock') {
    const items = await stockOf((url.searchParams.get('skus') ?? '').split(','));
    send(response, items[0]?.position ?? '0', JSON.stringify({ items }));
    return;
  }
  const [stock] = await stockOf([decodeURIComponent(url.pathname.slice('/v1/stock/'.length))]);
  send(response, stock!.position, JSON.stringify(stock));
}

async function precomputedBodies(skus: number): Promise<Map<string, { body: Buffer; etag: string }>> {
  const bodies = new Map<string, { body: Buffer; etag: string }>();
  for (let from = 1; from <= skus; from += 1000) {
    const names = Array.from({ length: Math.min(1000, skus - from + 1) }, (_, i) => `SKU-${String(from + i).padStart(6, '0')}`);
    for (const stock of await stockOf(names)) {
      const body = Buffer.from(JSON.stringify(stock));
      bodies.set(stock.sku, { body, etag: `"${stock.position}-${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"` });
    }
  }
  return bodies;
}

async function main(): Promise<void> {
  const mode = process.env.BASELINE;
  let handle: (request: IncomingMessage, response: ServerResponse) => void;
  if (mode === 'pg') {
    handle = (request, response) =>
      void answerFromDatabase(request, response).catch((error: Error) => {
        response.writeHead(500).end(error.message);
      });
  } else if (mode === 'map') {
    const bodies = await precomputedBodies(Number(process.env.SKUS));
    await pool.end();
    handle = (request, response) => {
      const answer = bodies.get((request.url ?? '').slice('/v1/stock/'.length));
      if (!answer) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': answer.body.length,
        etag: answer.etag,
      });
      response.end(answer.body);
    };
  } else {
    throw new Error(`BASELINE=${mode}: pg or map`);
  }
  createServer(handle).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`${mode} baseline ready\n`));
}

void main();
