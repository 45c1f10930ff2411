import { arch, cpus, loadavg, platform } from 'node:os';
import {
  planSourcing,
  type OrderDelivery,
  type OrderLine,
  type SourcingCandidate,
  type SourcingPlan,
  type SourcingRequest,
} from '@app/stock-domain';
import { percentile, printTable, round, type BenchReport } from './report';

interface SourcingSettings {
  locations: number;
  orders: number;
  linesPerOrder: number;
}

const SKU_COUNT = 200;
const SEED = 20261111;
const CITY = { lat: [30.0, 30.5], lng: [119.9, 120.5] } as const;

/** mulberry32: a small seeded PRNG, so every run plans the same orders over the same network. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const skuOf = (rank: number) => `SKU-${String(rank).padStart(4, '0')}`;

/**
 * One city's network: ~8% warehouses (ship online, no pickup), stores that mostly ship and mostly
 * take pickups, some with no capacity left today. Availability is Zipf-ish: SKU of popularity rank r
 * is stocked at a location with probability ~0.9·r^-0.6 and in depth ~r^-0.8; a few are oversold
 * (negative available).
 */
function networkOf(locations: number, random: () => number): SourcingCandidate[] {
  const network: SourcingCandidate[] = [];
  for (let i = 0; i < locations; i += 1) {
    const warehouse = random() < 0.08;
    const available = new Map<string, number>();
    for (let rank = 1; rank <= SKU_COUNT; rank += 1) {
      const stocked = Math.min(0.9, Math.max(0.02, 0.9 * rank ** -0.6));
      if (random() >= stocked) continue;
      const depth = Math.max(1, Math.round(20 * rank ** -0.8 * 2 * random() * (warehouse ? 5 : 1)));
      available.set(skuOf(rank), random() < 0.03 ? -1 - Math.floor(random() * 3) : depth);
    }
    network.push({
      locationId: `${warehouse ? 'W' : 'S'}${String(i).padStart(4, '0')}`,
      type: warehouse ? 'warehouse' : 'store',
      shipsOnline: warehouse || random() < 0.7,
      pickup: !warehouse && random() < 0.9,
      remainingCapacity: random() < 0.1 ? 0 : warehouse ? 200 + Math.floor(random() * 600) : 1 + Math.floor(random() * 60),
      lat: CITY.lat[0] + random() * (CITY.lat[1] - CITY.lat[0]),
      lng: CITY.lng[0] + random() * (CITY.lng[1] - CITY.lng[0]),
      available,
    });
  }
  return network;
}

/** Orders: distinct SKUs drawn by Zipf popularity, mostly 1 unit a line; 80% ship to a point in the city, 20% pickup. */
function ordersOf(count: number, linesPerOrder: number, network: readonly SourcingCandidate[], random: () => number): SourcingRequest[] {
  const weights = Array.from({ length: SKU_COUNT }, (_, r) => 1 / (r + 1));
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const w of weights) cumulative.push((running += w / total));
  const drawRank = () => {
    const x = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const pickupStores = network.filter((c) => c.type === 'store' && c.pickup).map((c) => c.locationId);
  const lineCount = Math.min(linesPerOrder, SKU_COUNT);
  const orders: SourcingRequest[] = [];
  for (let o = 0; o < count; o += 1) {
    const ranks = new Set<number>();
    while (ranks.size < lineCount) ranks.add(drawRank());
    const lines: OrderLine[] = [...ranks].map((rank) => ({
      sku: skuOf(rank),
      quantity: random() < 0.8 ? 1 : 2 + Math.floor(random() * 2),
    }));
    const delivery: OrderDelivery =
      random() < 0.8 || pickupStores.length === 0
        ? {
            mode: 'ship',
            lat: CITY.lat[0] + random() * (CITY.lat[1] - CITY.lat[0]),
            lng: CITY.lng[0] + random() * (CITY.lng[1] - CITY.lng[0]),
          }
        : { mode: 'pickup', storeId: pickupStores[Math.floor(random() * pickupStores.length)]! };
    orders.push({ lines, delivery, candidates: network });
  }
  return orders;
}

/** The naive baseline: each line from the first location in the array that has enough of it; no rules. */
function firstWithStock(request: SourcingRequest): number {
  let found = 0;
  for (const line of request.lines) {
    for (const candidate of request.candidates) {
      if ((candidate.available.get(line.sku) ?? 0) >= line.quantity) {
        found += candidate.locationId.length;
        break;
      }
    }
  }
  return found;
}

interface Timed {
  latenciesMs: Float64Array;
  ordersPerSecond: number;
  sink: number;
}

/** Times `run` on each order; `observe` sees each result after its clock stopped (kept out of the latency). */
function timeEach<T>(
  orders: readonly SourcingRequest[],
  run: (request: SourcingRequest) => T,
  observe: (result: T, index: number) => number,
): Timed {
  const latenciesMs = new Float64Array(orders.length);
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < orders.length; i += 1) {
    const t0 = process.hrtime.bigint();
    const result = run(orders[i]!);
    latenciesMs[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    sink += observe(result, i);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { latenciesMs, ordersPerSecond: orders.length / seconds, sink };
}

const summary = (latencies: ArrayLike<number>) => {
  const samples = Array.from(latencies);
  return {
    p50Ms: percentile(samples, 50),
    p90Ms: percentile(samples, 90),
    p99Ms: percentile(samples, 99),
    p999Ms: percentile(samples, 99.9),
    maxMs: round(samples.reduce((m, x) => (x > m ? x : m), 0)),
  };
};

/**
 * planSourcing per order over a seeded network of N locations around one city, ~200 SKUs: latency
 * per order (p50/p99/max) and orders/s, against a naive first-location-with-stock loop on the same
 * orders in the same run.
 */
export async function runSourcingBench(settings: SourcingSettings): Promise<BenchReport> {
  const random = seeded(SEED);
  const network = networkOf(settings.locations, random);
  const orders = ordersOf(settings.orders, settings.linesPerOrder, network, random);
  const warmup = ordersOf(Math.min(5_000, settings.orders), settings.linesPerOrder, network, seeded(SEED + 1));
  process.stderr.write(
    `sourcing: ${settings.locations} locations, ${SKU_COUNT} SKUs, ${settings.orders} orders of ${settings.linesPerOrder} lines; warming up on ${warmup.length} orders ...\n`,
  );

  const shape = {
    shippedWhole: 0,
    shippedPartly: 0,
    shippedSplit: 0,
    pickupFromStore: 0,
    pickupWithTransfers: 0,
    withBackorder: 0,
    fullyBackordered: 0,
    fulfillments: 0,
    transfers: 0,
    splitsNotProvenFewest: 0,
  };
  const ignore = (plan: SourcingPlan) => plan.fulfillments.length;
  const tally = (plan: SourcingPlan, i: number) => {
    shape.fulfillments += plan.fulfillments.length;
    shape.transfers += plan.transfers.length;
    if (plan.backordered.length > 0) shape.withBackorder += 1;
    if (plan.fulfillments.length === 0) shape.fullyBackordered += 1;
    // The search for fewer locations than the greedy's ran out of budget (the plan says so).
    if (plan.reasons.some((reason) => reason.includes('could not prove fewer impossible'))) shape.splitsNotProvenFewest += 1;
    if (orders[i]!.delivery.mode === 'ship') {
      if (plan.fulfillments.length > 1) shape.shippedSplit += 1;
      else if (plan.fulfillments.length === 1) shape[plan.backordered.length === 0 ? 'shippedWhole' : 'shippedPartly'] += 1;
    } else if (plan.fulfillments.length === 1) {
      shape[plan.transfers.length === 0 ? 'pickupFromStore' : 'pickupWithTransfers'] += 1;
    }
    return plan.fulfillments.length;
  };
  const found = (n: number) => n;
  timeEach(warmup, planSourcing, ignore);
  timeEach(warmup, firstWithStock, found);

  const measured = timeEach(orders, planSourcing, tally);
  const baseline = timeEach(orders, firstWithStock, found);

  const engineStats = summary(measured.latenciesMs);
  const baselineStats = summary(baseline.latenciesMs);
  const byMode = (mode: 'ship' | 'pickup') => {
    const picked = orders.flatMap((order, i) => (order.delivery.mode === mode ? [measured.latenciesMs[i]!] : []));
    return { orders: picked.length, ...summary(picked) };
  };
  const ratio = measured.ordersPerSecond / baseline.ordersPerSecond;
  printTable([
    {
      measurement: 'planSourcing',
      orders: orders.length,
      'orders/s': Math.round(measured.ordersPerSecond),
      'p50 ms': engineStats.p50Ms,
      'p99 ms': engineStats.p99Ms,
      'max ms': engineStats.maxMs,
      'vs naive': round(ratio, 3),
    },
    {
      measurement: 'naive first-with-stock',
      orders: orders.length,
      'orders/s': Math.round(baseline.ordersPerSecond),
      'p50 ms': baselineStats.p50Ms,
      'p99 ms': baselineStats.p99Ms,
      'max ms': baselineStats.maxMs,
      'vs naive': 1,
    },
  ]);

  const cpu = cpus();
  return {
    suite: 'sourcing',
    unit: 'orders/s',
    value: Math.round(measured.ordersPerSecond),
    baselineName:
      'naive loop: each line from the first location in the array with enough stock (no eligibility, distance, split or capacity rules), same orders and network, same run',
    baselineValue: Math.round(baseline.ordersPerSecond),
    ratio: round(ratio, 3),
    p50Ms: engineStats.p50Ms,
    p99Ms: engineStats.p99Ms,
    details: {
      settings,
      target: `p99 <= 1 ms per order (${settings.linesPerOrder} lines over ${settings.locations} candidates)`,
      targetMet: engineStats.p99Ms <= 1,
      planSourcing: { ordersPerSecond: round(measured.ordersPerSecond, 0), ...engineStats, ship: byMode('ship'), pickup: byMode('pickup') },
      baseline: { ordersPerSecond: round(baseline.ordersPerSecond, 0), ...baselineStats },
      plans: shape,
      network: {
        seed: SEED,
        locations: network.length,
        warehouses: network.filter((c) => c.type === 'warehouse').length,
        shipsOnlineWithCapacity: network.filter((c) => c.shipsOnline && c.remainingCapacity > 0).length,
        pickupStores: network.filter((c) => c.type === 'store' && c.pickup).length,
        skus: SKU_COUNT,
        meanSkusStockedPerLocation: round(network.reduce((s, c) => s + c.available.size, 0) / network.length, 1),
        area: 'lat 30.0-30.5, lng 119.9-120.5',
        orders: '80% ship to a random point in the area, 20% pickup at a random pickup store; SKUs by Zipf popularity, distinct per order',
      },
      warmupOrders: warmup.length,
      latencyIs: 'one planSourcing call per order, process.hrtime.bigint around it; request building not timed',
      environment: {
        node: process.version,
        platform: platform(),
        arch: arch(),
        cpus: cpu.length,
        cpuModel: cpu[0]?.model ?? 'unknown',
        loadAverage1mAtEnd: round(loadavg()[0]!, 2),
      },
      machine: `${cpu.length} cores; single-threaded, in process, no I/O`,
      checksum: measured.sink + baseline.sink,
    },
  };
}
