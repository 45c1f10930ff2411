import type { SkuStock } from '@app/contracts';
import type { SimulatedLocation } from './city';
import type { MarketplaceFeed } from './marketplace-feed';
import type { OmnichannelDay } from './omnichannel-day';

/**
 * What the simulator asks the running service over HTTP: registering the city, and checking at the
 * end of the day that the service (now, as of earlier moments, and through the marketplace's copy of
 * retail.stock.changes) shows what the simulator's own ledger says. The end-to-end tests use the same checks.
 */

/** The city's stores and warehouses, registered (or re-described) with the service. */
export async function registerLocations(serviceUrl: string, operatorKey: string, locations: readonly SimulatedLocation[]): Promise<void> {
  if (!operatorKey)
    throw new Error(
      'SIM_OPERATOR_KEY is not set: the simulator registers locations with an operator key (npm run cli -- issue-operator-key simulator --scopes locations:write)',
    );
  for (const location of locations) {
    const warehouse = location.type === 'warehouse';
    const profile = {
      type: location.type,
      name: location.name,
      lat: location.lat,
      lng: location.lng,
      shipsOnline: true,
      pickup: !warehouse,
      dailyCapacity: warehouse ? 5000 : 400,
      safetyStock: warehouse ? 5 : 1,
    };
    const response = await fetch(`${serviceUrl}/v1/locations/${location.locationId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
      body: JSON.stringify(profile),
    });
    if (!response.ok) throw new Error(`PUT /v1/locations/${location.locationId} answered ${response.status}: ${await response.text()}`);
  }
}

/** The service's stock bodies; the key goes along, for a service with STOREFRONT_READ_KEY_REQUIRED=true. */
async function skuStocks(serviceUrl: string, operatorKey: string, skus: readonly string[]): Promise<SkuStock[]> {
  const stocks: SkuStock[] = [];
  for (let i = 0; i < skus.length; i += 500) {
    const response = await fetch(`${serviceUrl}/v1/stock?skus=${encodeURIComponent(skus.slice(i, i + 500).join(','))}`, {
      headers: { authorization: `Bearer ${operatorKey}` },
    });
    if (!response.ok) throw new Error(`GET /v1/stock answered ${response.status}: ${await response.text()}`);
    stocks.push(...((await response.json()) as { items: SkuStock[] }).items);
  }
  return stocks;
}

/** On-hand per `location|sku` as the service shows it now. */
async function stockShown(serviceUrl: string, operatorKey: string, skus: readonly string[]): Promise<Map<string, number>> {
  const shown = new Map<string, number>();
  for (const item of await skuStocks(serviceUrl, operatorKey, skus))
    for (const l of item.locations) shown.set(`${l.locationId}|${item.sku}`, l.onHand);
  return shown;
}

/** Wait (bounded) until the marketplace's copy shows what the service shows for every SKU, then report how many match. */
export async function compareMarketplace(serviceUrl: string, operatorKey: string, marketplace: MarketplaceFeed, skus: readonly string[]) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mismatches = marketplace.mismatches(await skuStocks(serviceUrl, operatorKey, skus));
    const result = { compared: skus.length, matching: skus.length - mismatches.length, mismatches };
    if (mismatches.length === 0 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The service's stock once it has applied everything already on the topics (it may be catching up). */
export async function settledStock(serviceUrl: string, operatorKey: string, skus: readonly string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${serviceUrl}/health/ready`);
    const body = (await response.json()) as { lag?: { inboundMessages?: number; stockViewEvents?: number } };
    const behind = (body.lag?.inboundMessages ?? 1) + (body.lag?.stockViewEvents ?? 1);
    if (response.ok && behind === 0) return stockShown(serviceUrl, operatorKey, skus);
    if (Date.now() > deadline) throw new Error(`the service is still ${behind} messages/events behind after 120 s`);
    process.stderr.write(`simulator: waiting for the service to catch up (${behind} behind)\n`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Per copy of the ledger: on-hand as of its moment, as the service folds it from the log now, against the copy. */
export async function compareAsOf(
  serviceUrl: string,
  operatorKey: string,
  ledgers: ReadonlyArray<ReturnType<OmnichannelDay['ledgerAtThisMoment']>>,
  skus: readonly string[],
) {
  const mismatches: string[] = [];
  let compared = 0;
  for (const { moment, onHand } of ledgers) {
    const shown = new Map<string, number>();
    for (const sku of skus) {
      const url = `${serviceUrl}/v1/stock/${encodeURIComponent(sku)}?asOf=${encodeURIComponent(moment)}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${operatorKey}` } });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
      for (const l of ((await response.json()) as SkuStock).locations) shown.set(`${l.locationId}|${sku}`, l.onHand);
    }
    for (const key of new Set([...onHand.keys(), ...shown.keys()])) {
      compared += 1;
      const expected = onHand.get(key) ?? 0;
      const actual = shown.get(key) ?? 0;
      if (actual !== expected) mismatches.push(`${key} at ${moment} expected ${expected}, service shows ${actual}`);
    }
  }
  return { compared, matching: compared - mismatches.length, mismatches };
}

/** Wait (bounded) until the service shows the simulator's numbers, then report how many match. */
export async function compareWithService(serviceUrl: string, operatorKey: string, day: OmnichannelDay) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await stockShown(serviceUrl, operatorKey, day.skusTouched);
    const mismatches: string[] = [];
    for (const [key, expected] of day.expectedOnHand) {
      const actual = shown.get(key) ?? 0;
      if (actual !== expected) mismatches.push(`${key} expected ${expected}, service shows ${actual}`);
    }
    const result = { compared: day.expectedOnHand.size, matching: day.expectedOnHand.size - mismatches.length, mismatches };
    if (mismatches.length === 0 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
