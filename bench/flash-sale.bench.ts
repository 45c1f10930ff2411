import { ProgressBar } from '@app/console';
import { Client } from 'pg';
import { Partitioners, type Producer } from 'kafkajs';
import { freePort, lagOf, processTestEnv, ServiceProcess } from '../test/support/service-process';
import { dropSchema, TEST_DATABASE_URL } from '../test/support/test-database';
import { testKafka } from '../test/support/test-kafka';
import { registerLocationsInSchema } from '../test/support/locations';
import { bearer, issueOperatorKeyWithCli } from '../test/support/operator-keys';
import { cpuWindow } from './process-usage';
import { printTable, round, type BenchReport } from './report';

interface FlashSaleSettings {
  orders: number;
  /** Units of the hot SKU the one warehouse holds. */
  units: number;
  /** Partitions of the service's topics, all applied in parallel (KAFKA_PARTITIONS_CONCURRENTLY). */
  partitions: number;
}

const WAREHOUSE = 'W01';
const HOT_SKU = 'FLASH-1';
const WAREHOUSE_AT = { lat: 30.27, lng: 120.16 };

/** Order i of a phase: one unit of one SKU, shipped to a point in the city, keyed by its orderId as the contract says. */
function orderMessage(phase: string, i: number, sku: string) {
  const orderId = `${phase}-O-${i}`;
  return {
    key: orderId,
    value: JSON.stringify({
      eventId: `${phase}-${i}`,
      type: 'OnlineOrderPlaced',
      occurredAt: new Date().toISOString(),
      orderId,
      lines: [{ sku, quantity: 1 }],
      delivery: { mode: 'ship', lat: 30.25 + (i % 100) / 1000, lng: 120.15 },
    }),
  };
}

/** Every message at once: batches of 2,000, four in flight, as fast as the broker takes them. */
async function sendAll(producer: Producer, topic: string, messages: Array<{ key: string; value: string }>): Promise<number> {
  const started = Date.now();
  const inFlight: Array<Promise<unknown>> = [];
  for (let from = 0; from < messages.length; from += 2000) {
    inFlight.push(producer.send({ topic, acks: -1, messages: messages.slice(from, from + 2000) }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return (Date.now() - started) / 1000;
}

/** The counters this bench reads from /metrics, for the orders topic. */
async function orderMetrics(service: ServiceProcess, key: string, topic: string) {
  const text = await (await fetch(`${service.baseUrl}/metrics`, { headers: bearer(key) })).text();
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{topic="${topic}"}`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return {
    conflictRetries: value('inventory_inbound_write_conflict_retries_total'),
    batches: value('inventory_inbound_batch_seconds_count'),
    batchSeconds: value('inventory_inbound_batch_seconds_sum'),
  };
}

/** What the log says of a phase's orders: decided (accepted), dispatched, backordered, and the units dispatched. */
async function ordersInLog(db: Client, phase: string) {
  const { rows } = await db.query<{ accepted: string; dispatched: string; backordered: string; units: string | null }>(
    `SELECT count(*) FILTER (WHERE event_type = 'OnlineOrderAccepted') AS accepted,
            count(*) FILTER (WHERE event_type = 'FulfillmentDispatched') AS dispatched,
            count(*) FILTER (WHERE event_type = 'OrderLinesBackordered') AS backordered,
            sum((SELECT sum((l->>'quantity')::int) FROM jsonb_array_elements(data->'lines') l))
              FILTER (WHERE event_type = 'FulfillmentDispatched') AS units
     FROM events WHERE stream_id LIKE $1`,
    [`online-order|${phase}-O-%`],
  );
  const row = rows[0]!;
  return {
    accepted: Number(row.accepted),
    dispatched: Number(row.dispatched),
    backordered: Number(row.backordered),
    units: Number(row.units ?? 0),
  };
}

const ROW_COUNTS = ['events', 'streams', 'snapshots', 'outbox', 'inbound_events'] as const;

/** Rows in the tables an order writes to (the stock view's and the relay's updates are not counted). */
async function rowCounts(db: Client): Promise<Record<(typeof ROW_COUNTS)[number], number>> {
  const { rows } = await db.query<Record<string, string>>(
    `SELECT ${ROW_COUNTS.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`,
  );
  return Object.fromEntries(ROW_COUNTS.map((t) => [t, Number(rows[0]![t])])) as Record<(typeof ROW_COUNTS)[number], number>;
}

async function stockAt(service: ServiceProcess, sku: string) {
  const body = (await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as {
    locations?: Array<{ locationId: string; onHand: number; reserved: number }>;
  };
  return body.locations?.find((l) => l.locationId === WAREHOUSE) ?? { onHand: 0, reserved: 0 };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One phase: every order sent at once, then the time until the log holds a decision for each
 * (reserved and dispatched, or backordered), and until the stock view shows the reservations.
 */
async function runPhase(
  ctx: { producer: Producer; service: ServiceProcess; db: Client; key: string; topic: string },
  phase: string,
  orders: number,
  skuOf: (i: number) => string,
  expectedReserved: (sku: string) => number,
  viewSku: string,
) {
  const before = await orderMetrics(ctx.service, ctx.key, ctx.topic);
  const rowsBefore = await rowCounts(ctx.db);
  const messages = Array.from({ length: orders }, (_, i) => orderMessage(phase, i, skuOf(i)));
  const bar = new ProgressBar(`${phase}: orders decided`.padEnd(30), orders);
  const cpu = cpuWindow(() => (ctx.service.pid === undefined ? [] : [ctx.service.pid]));
  const started = Date.now();
  const sendSeconds = await sendAll(ctx.producer, ctx.topic, messages);
  let decided = await ordersInLog(ctx.db, phase);
  await until(async () => {
    decided = await ordersInLog(ctx.db, phase);
    bar.update(decided.accepted);
    return decided.accepted >= orders;
  }, `${phase}: every order decided`);
  const settledSeconds = (Date.now() - started) / 1000;
  const { servicesCores: serviceCores, postgresCores, machineBusyCores } = cpu();
  await until(async () => (await stockAt(ctx.service, viewSku)).reserved === expectedReserved(viewSku), `${phase}: stock view`);
  const visibleSeconds = (Date.now() - started) / 1000;
  const after = await orderMetrics(ctx.service, ctx.key, ctx.topic);
  const rowsAfter = await rowCounts(ctx.db);
  const rowsPerOrder = Object.fromEntries(ROW_COUNTS.map((t) => [t, round((rowsAfter[t] - rowsBefore[t]) / orders, 2)]));
  const batches = after.batches - before.batches;
  return {
    orders,
    sendSeconds: round(sendSeconds, 2),
    settledSeconds: round(settledSeconds, 2),
    ordersPerSecond: Math.round(orders / settledSeconds),
    stockViewSeconds: round(visibleSeconds, 2),
    conflictRetries: after.conflictRetries - before.conflictRetries,
    batches,
    meanBatchMs: batches > 0 ? round(((after.batchSeconds - before.batchSeconds) / batches) * 1000, 1) : 0,
    meanOrdersPerBatch: batches > 0 ? round(orders / batches, 1) : 0,
    serviceCores,
    postgresCores,
    machineBusyCores,
    ...decided,
    rowsPerOrder,
  };
}

export async function runFlashSaleBench(settings: FlashSaleSettings): Promise<BenchReport> {
  const partitions = String(settings.partitions);
  const { schema, topicEnv, env } = processTestEnv('bench_flash', {
    KAFKA_TOPIC_PARTITIONS: partitions,
    KAFKA_PARTITIONS_CONCURRENTLY: partitions,
    PROJECTION_BATCH_SIZE: '5000',
  });
  const topic = topicEnv.TOPIC_ONLINE_ORDERS!;
  const kafka = testKafka('inventory-bench-flash');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const service = new ServiceProcess(env, await freePort());
  const db = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  try {
    await registerLocationsInSchema(schema, {
      [WAREHOUSE]: { type: 'warehouse', ...WAREHOUSE_AT, shipsOnline: true, pickup: false, dailyCapacity: 1_000_000, safetyStock: 0 },
    });
    await Promise.all([producer.connect(), db.connect()]);
    await service.start(); // creates the topics
    const key = await issueOperatorKeyWithCli(env);
    const coldSku = (i: number) => `COLD-${i}`;
    // The stock: the hot SKU's units, and one unit of each SKU of the baseline's orders.
    const receipts = [
      { sku: HOT_SKU, quantity: settings.units },
      ...Array.from({ length: settings.orders }, (_, i) => ({ sku: coldSku(i), quantity: 1 })),
    ];
    const receiptMessages = [];
    for (let from = 0; from < receipts.length; from += 1000) {
      const occurredAt = new Date().toISOString();
      const lines = receipts.slice(from, from + 1000);
      receiptMessages.push({
        key: WAREHOUSE,
        value: JSON.stringify({ eventId: `receipt-${from}`, type: 'StockReceived', occurredAt, locationId: WAREHOUSE, lines }),
      });
    }
    await sendAll(producer, topicEnv.TOPIC_STOCK_MOVEMENTS!, receiptMessages);
    await until(async () => {
      const lag = await lagOf(service.baseUrl);
      return lag.inboundMessages === 0 && lag.stockViewEvents === 0 && (await stockAt(service, HOT_SKU)).onHand === settings.units;
    }, 'stock received');

    const ctx = { producer, service, db, key, topic };
    const hot = await runPhase(
      ctx,
      'FLASH',
      settings.orders,
      () => HOT_SKU,
      () => settings.units,
      HOT_SKU,
    );
    const cold = await runPhase(ctx, 'COLD', settings.orders, coldSku, () => 1, coldSku(settings.orders - 1));
    const hotStock = await stockAt(service, HOT_SKU);
    const ordersBackordered = hot.backordered;
    const expectedBackordered = settings.orders - settings.units;
    const checks = {
      unitsReservedExactly: hotStock.reserved === settings.units && hot.units === settings.units,
      restBackordered: ordersBackordered === expectedBackordered && hot.dispatched === settings.units,
      baselineAllReserved: cold.dispatched === settings.orders && cold.backordered === 0,
    };
    printTable([
      { phase: 'flash sale (one SKU)', ...hot, rowsPerOrder: JSON.stringify(hot.rowsPerOrder) },
      { phase: 'baseline (one SKU an order)', ...cold, rowsPerOrder: JSON.stringify(cold.rowsPerOrder) },
    ]);
    const failed = Object.entries(checks).filter(([, ok]) => !ok);
    if (failed.length > 0) {
      throw new Error(
        `flash sale: ${failed.map(([name]) => name).join(', ')} failed: view reserved ${hotStock.reserved}, log dispatched ${hot.dispatched} (${hot.units} units), backordered ${ordersBackordered} (expected ${settings.units} and ${expectedBackordered}); baseline dispatched ${cold.dispatched}, backordered ${cold.backordered}`,
      );
    }
    return {
      suite: 'flash-sale',
      unit: 'orders/s',
      value: hot.ordersPerSecond,
      baselineName: 'the same number of orders, each for a SKU of its own in stock (same service, same run)',
      baselineValue: cold.ordersPerSecond,
      ratio: round(hot.ordersPerSecond / cold.ordersPerSecond, 3),
      p50Ms: 0,
      p99Ms: 0,
      details: {
        settings,
        unitsReserved: hotStock.reserved,
        ordersBackordered,
        ordersDispatched: hot.dispatched,
        checks,
        flashSale: hot,
        baseline: cold,
        meaning:
          'every order sent at once (keyed by orderId, so spread over every partition) to a service that is caught up; settledSeconds: from the first send until the log holds a decision (dispatched or backordered) for every order; stockViewSeconds: until GET /v1/stock shows the reservations; conflictRetries: batches rolled back and retried on a concurrent write (inventory_inbound_write_conflict_retries_total); serviceCores/postgresCores/machineBusyCores: CPU from the first send until every order was decided, in cores (the machine has 2); rowsPerOrder: rows added per order to the tables an order inserts into (outbox rows are deleted or marked once published: counted as they stand after the phase); p50Ms/p99Ms not measured (0)',
        machine: '2 cores; broker, PostgreSQL, service and load generator on the same machine, shared with other work',
      },
    };
  } finally {
    await service.kill();
    await producer.disconnect();
    await db.end().catch(() => undefined);
    await dropSchema(schema);
  }
}
