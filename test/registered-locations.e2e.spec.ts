import { DEAD_LETTER_HEADERS, TOPIC_ENV_VARS, type TopicRole } from '@app/contracts';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { connectedProducer, eventually, readTopic, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

const kafka = testKafka();
let service: RunningTestService;
let producer: Producer;
let db: Client;

beforeAll(async () => {
  service = await startTestService();
  producer = await connectedProducer(kafka);
  db = new Client({ connectionString: service.config.database.url });
  await db.connect();
  await db.query(`SET search_path TO "${service.config.database.schema}"`);
  await registerLocations(service.baseUrl, ['S-REG'], service.operatorHeaders);
});
afterAll(async () => {
  await db?.end();
  await producer?.disconnect();
  await service?.stop();
});

/** Settings the operator CLI needs to reach this test's schema and topics. */
function cliEnv(): Record<string, string> {
  const { topics } = service.config.kafka;
  return {
    DATABASE_URL: service.config.database.url,
    DATABASE_SCHEMA: service.config.database.schema,
    KAFKA_BROKERS: service.config.kafka.brokers.join(','),
    ...Object.fromEntries((Object.keys(TOPIC_ENV_VARS) as TopicRole[]).map((role) => [TOPIC_ENV_VARS[role], topics[role]])),
  };
}

async function onHandAt(sku: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as {
    locations: Array<{ locationId: string; onHand: number }>;
  };
  return Object.fromEntries(body.locations.map((l) => [l.locationId, l.onHand]));
}

async function stockItemStreams(like: string): Promise<Array<{ stream_id: string; version: number }>> {
  return (
    await db.query<{ stream_id: string; version: number }>(
      `SELECT stream_id, version FROM streams WHERE stream_id LIKE $1 ORDER BY stream_id`,
      [like],
    )
  ).rows;
}

const at = (second: number) => new Date(Date.UTC(2026, 10, 11, 1, 0, second)).toISOString();

describe('registered locations only, on real Kafka and PostgreSQL', () => {
  it('dead-letters a sale, a return, a receipt, an adjustment and a count at an unregistered location, naming it; registered and replayed, each applies once', async () => {
    const { topics } = service.config.kafka;
    await sendJson(producer, topics.offlineSales, [
      {
        key: 'S0O1',
        value: {
          eventId: 'rl-sale',
          type: 'StoreSaleRecorded',
          occurredAt: at(1),
          storeId: 'S0O1',
          receiptId: 'R-1',
          lines: [{ sku: 'RL-1', quantity: 2 }],
        },
      },
      {
        key: 'S0O1',
        value: {
          eventId: 'rl-return',
          type: 'StoreReturnRecorded',
          occurredAt: at(5),
          storeId: 'S0O1',
          receiptId: 'R-1',
          lines: [{ sku: 'RL-1', quantity: 1 }],
        },
      },
    ]);
    await sendJson(producer, topics.stockMovements, [
      {
        key: 'W-NEW',
        value: {
          eventId: 'rl-receipt',
          type: 'StockReceived',
          occurredAt: at(2),
          locationId: 'W-NEW',
          lines: [{ sku: 'RL-1', quantity: 10 }],
        },
      },
      {
        key: 'W-NEW',
        value: {
          eventId: 'rl-count',
          type: 'StockCounted',
          occurredAt: at(3),
          locationId: 'W-NEW',
          lines: [{ sku: 'RL-1', countedQuantity: 7 }],
        },
      },
      {
        key: 'W-NEW',
        value: {
          eventId: 'rl-adjust',
          type: 'StockAdjusted',
          occurredAt: at(6),
          locationId: 'W-NEW',
          reason: 'damaged',
          lines: [{ sku: 'RL-1', delta: -1 }],
        },
      },
      // The same SKU at a registered store is applied as before.
      {
        key: 'S-REG',
        value: { eventId: 'rl-ok', type: 'StockReceived', occurredAt: at(4), locationId: 'S-REG', lines: [{ sku: 'RL-1', quantity: 5 }] },
      },
    ]);

    const letters = await readTopic(kafka, topics.deadLetters, 5);
    const reasonOf = (eventId: string) => letters.find((l) => l.value?.includes(`"${eventId}"`))?.headers[DEAD_LETTER_HEADERS.reason];
    expect(reasonOf('rl-sale')).toBe('unknown location: "S0O1" is not registered; register it with PUT /v1/locations/S0O1 and replay');
    expect(reasonOf('rl-receipt')).toBe('unknown location: "W-NEW" is not registered; register it with PUT /v1/locations/W-NEW and replay');
    expect(reasonOf('rl-count')).toBe('unknown location: "W-NEW" is not registered; register it with PUT /v1/locations/W-NEW and replay');
    expect(reasonOf('rl-return')).toBe('unknown location: "S0O1" is not registered; register it with PUT /v1/locations/S0O1 and replay');
    expect(reasonOf('rl-adjust')).toBe('unknown location: "W-NEW" is not registered; register it with PUT /v1/locations/W-NEW and replay');
    expect(letters.find((l) => l.value?.includes('"rl-sale"'))!.headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(topics.offlineSales);

    // No stock was opened at either: no stream, nothing in the view (once the registered receipt is in it).
    await eventually(async () => expect(await onHandAt('RL-1')).toEqual({ 'S-REG': 5 }));
    expect(await stockItemStreams('stock-item|S0O1|%')).toEqual([]);
    expect(await stockItemStreams('stock-item|W-NEW|%')).toEqual([]);
    const metrics = await (await fetch(`${service.baseUrl}/metrics`, { headers: service.operatorHeaders })).text();
    expect(metrics).toContain(`inventory_dead_letters_total{topic="${topics.offlineSales}",reason="unknown_location"} 2`);
    expect(metrics).toContain(`inventory_dead_letters_total{topic="${topics.stockMovements}",reason="unknown_location"} 3`);

    // Their ids were given back: once the locations are registered, a replay applies them.
    await registerLocations(service.baseUrl, { S0O1: {}, 'W-NEW': { type: 'warehouse' } }, service.operatorHeaders);
    const replay = await runCli(['replay-dead-letters', '--reason-contains', 'unknown location'], cliEnv());
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/replayed 5 of 5 dead letters/);
    await eventually(async () => expect(await onHandAt('RL-1')).toEqual({ 'S-REG': 5, S0O1: -1, 'W-NEW': 6 }));

    // A second replay finds them applied: duplicates, no second effect.
    const again = await runCli(['replay-dead-letters', '--reason-contains', 'unknown location'], cliEnv());
    expect(again.stdout).toMatch(/replayed 5 of 5 dead letters/);
    await eventually(async () => {
      const text = await (await fetch(`${service.baseUrl}/metrics`, { headers: service.operatorHeaders })).text();
      const duplicates = text
        .split('\n')
        .filter((line) => line.startsWith('inventory_inbound_duplicates_total{'))
        .reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
      expect(duplicates).toBe(5);
    });
    expect(await onHandAt('RL-1')).toEqual({ 'S-REG': 5, S0O1: -1, 'W-NEW': 6 });
    expect(await stockItemStreams('stock-item|S0O1|%')).toEqual([{ stream_id: 'stock-item|S0O1|RL-1', version: 2 }]);
    expect(await stockItemStreams('stock-item|W-NEW|%')).toEqual([{ stream_id: 'stock-item|W-NEW|RL-1', version: 3 }]);
  });

  it('lists locations that hold stock but were never registered (data from before), with SKUs and units, and says what to do', async () => {
    // As an older version left them: stock-view rows and stock-item streams at locations nobody registered.
    await db.query(
      `INSERT INTO stock_levels (location_id, sku, on_hand, reserved, in_transit, last_changed_at, last_position) VALUES
         ('OLD 1', 'A', 4, 1, 0, now(), 1), ('OLD 1', 'B', -2, 0, 0, now(), 1), ('OLD 1', 'C', 0, 0, 0, now(), 1),
         ('OLD-2', 'A', 0, 0, 3, now(), 1), ('GONE', 'A', 0, 0, 0, now(), 1), ('S-REG', 'OLD-SKU', 9, 0, 0, now(), 1)`,
    );
    await db.query(`INSERT INTO streams (stream_id, version) VALUES ('stock-item|OLD%201|C', 2), ('stock-item|STREAM-ONLY|Z', 1)`);

    const listed = await runCli(['unregistered-locations'], cliEnv());
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/3 locations hold stock but were never registered/);
    expect(listed.stdout).toMatch(/"OLD 1"\s+3 SKUs\s+on hand 2, reserved 1, in transit 0/);
    expect(listed.stdout).toMatch(/"OLD-2"\s+1 SKU\s+on hand 0, reserved 0, in transit 3/);
    expect(listed.stdout).toMatch(/"STREAM-ONLY"\s+1 SKU\s+on hand 0, reserved 0, in transit 0/);
    expect(listed.stdout).not.toMatch(/GONE|S-REG|S0O1|W-NEW/);
    expect(listed.stdout).toMatch(/PUT \/v1\/locations\/\{id\}/);
    expect(listed.stdout).toMatch(/StockCounted/);

    const json = await runCli(['unregistered-locations', '--json'], cliEnv());
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      locations: [
        { locationId: 'OLD 1', skus: 3, onHand: 2, reserved: 1, inTransit: 0 },
        { locationId: 'OLD-2', skus: 1, onHand: 0, reserved: 0, inTransit: 3 },
        { locationId: 'STREAM-ONLY', skus: 1, onHand: 0, reserved: 0, inTransit: 0 },
      ],
    });

    // Registered, a location is no longer listed.
    await registerLocations(service.baseUrl, ['OLD 1', 'OLD-2', 'STREAM-ONLY'], service.operatorHeaders);
    const none = await runCli(['unregistered-locations'], cliEnv());
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/every location that holds stock is registered/);
  });
});
