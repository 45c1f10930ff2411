import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEventPartitions, listEventPartitions, readManifest, type SqlClient } from '@app/event-store';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

/**
 * inventory-cli archive-events against a running service: the log cut every 5 transactions, stock
 * received before and after a moment, the partitions before it archived by the CLI (snapshotting
 * the real stream kinds), the service still answering and taking receipts, a rebuild refused.
 */
let service: RunningTestService;
let producer: Producer;
let client: Client;
let directory: string;
const sql: SqlClient = { query: async (text, params) => (await client.query(text, params as unknown[])).rows };

beforeAll(async () => {
  service = await startTestService({ PROJECTION_BATCH_SIZE: '50', EVENT_LOG_PARTITION_XIDS: '5' });
  client = new Client({ connectionString: service.config.database.url, options: `-c search_path=${service.config.database.schema}` });
  await client.connect();
  // Partitions of 5 transactions from here on (the migration made wide ones ahead: empty, dropped).
  for (const p of await listEventPartitions(sql)) if (p.lower !== null && p.lower > 0n) await sql.query(`DROP TABLE ${p.name}`);
  await ensureEventPartitions(sql, 5);
  await registerLocations(service.baseUrl, ['AR1'], service.operatorHeaders);
  producer = await connectedProducer(testKafka());
  directory = await mkdtemp(join(tmpdir(), 'archive-e2e-'));
});
afterAll(async () => {
  await producer?.disconnect();
  await client?.end();
  await service?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const receipt = (i: number) => ({
  key: 'AR1',
  value: {
    eventId: `ar-${i}`,
    type: 'StockReceived',
    occurredAt: '2026-11-11T00:00:00Z',
    locationId: 'AR1',
    lines: [{ sku: 'AR-1', quantity: 1 }],
  },
});

async function onHand(): Promise<number | undefined> {
  const response = await fetch(`${service.baseUrl}/v1/stock/AR-1`);
  return response.ok ? ((await response.json()) as { onHand: number }).onHand : undefined;
}

async function receive(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 1) {
    await sendJson(producer, service.config.kafka.topics.stockMovements, [receipt(i)]);
    await eventually(async () => expect(await onHand()).toBe(i + 1));
    await ensureEventPartitions(sql, 5);
  }
}

describe('inventory-cli archive-events', () => {
  it('says what it needs', async () => {
    const env = { DATABASE_URL: service.config.database.url, DATABASE_SCHEMA: service.config.database.schema };
    expect(await runCli(['archive-events'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs --before DATE/) });
    expect(await runCli(['archive-events', '--before', 'last week', '--dir', directory], env)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not an ISO-8601 date/),
    });
  });

  it('archives the partitions before a date; the service answers and takes receipts after; a rebuild refuses naming the range', async () => {
    await receive(0, 12);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cut = new Date();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await receive(12, 15);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // every projection idle at the end of the log

    const env = { DATABASE_URL: service.config.database.url, DATABASE_SCHEMA: service.config.database.schema };
    const result = await runCli(['archive-events', '--before', cut.toISOString(), '--dir', directory], env);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/snapshotted \d+ streams/);
    expect(result.stdout).toMatch(/read back and verified/);
    const manifest = await readManifest(directory);
    expect(manifest.reduce((sum, entry) => sum + entry.events, 0)).toBeGreaterThan(0);
    expect(result.stdout).toContain(`archived ${manifest.length} partition(s)`);

    expect(await onHand()).toBe(15);
    await receive(15, 17);
    expect(await onHand()).toBe(17);

    const rebuild = await runCli(['rebuild', 'stock-levels'], env);
    expect(rebuild.code).toBe(1);
    expect(rebuild.stderr).toContain('cannot rebuild stock-levels');
    expect(rebuild.stderr).toContain(`[${manifest[0]!.fromTransactionId}, ${manifest[0]!.toTransactionId})`);
  });
});
