import { spawn, type ChildProcess } from 'node:child_process';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, requireBuilt } from './support/built-apps';
// Every answer read here is also checked against the service's OpenAPI document.
import { documentedFetch as fetch } from './support/documented-answers';
import { freePort, processTestEnv } from './support/service-process';
import { dropSchema } from './support/test-database';
import { connectedProducer, eventually, sendJson, testKafka } from './support/test-kafka';

// The built service as a process of its own, so its stdout is exactly what an operator's log shipper reads.
const { schema, topicEnv, env } = processTestEnv('ops', { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
let child: ChildProcess;
let stdout = '';
let stderr = '';
let baseUrl: string;
let producer: Producer;

type LogLine = Record<string, unknown>;

/** The complete lines written to stdout so far, parsed (a line that is not JSON fails the test). */
function logLines(): LogLine[] {
  return stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`a stdout line is not JSON: ${line}`);
      }
    });
}

async function lineWhere(predicate: (line: LogLine) => boolean): Promise<LogLine> {
  return eventually(
    async () => {
      const found = logLines().find(predicate);
      expect(found, 'no such log line yet').toBeDefined();
      return found!;
    },
    { timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  baseUrl = `http://127.0.0.1:${await freePort()}`;
  child = spawn('node', [requireBuilt(BUILT.service)], {
    env: { ...process.env, ...env, PORT: new URL(baseUrl).port, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null)
        throw new Error(`the service exited with ${child.exitCode}:\n${stdout.slice(-3000)}${stderr.slice(-3000)}`);
      expect((await fetch(`${baseUrl}/health/live`)).ok).toBe(true);
    },
    { timeoutMs: 60_000 },
  );
  producer = await connectedProducer(testKafka());
});

afterAll(async () => {
  await producer?.disconnect();
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  await dropSchema(schema);
});

describe('operability: JSON logs with correlation ids, terminus health', () => {
  it("echoes a request's x-correlation-id and puts it on the request's log line", async () => {
    const response = await fetch(`${baseUrl}/v1/stock/OPS-SKU-1`, { headers: { 'x-correlation-id': 'corr-123' } });
    await response.text();
    expect(response.headers.get('x-correlation-id')).toBe('corr-123');
    const line = await lineWhere((l) => l.correlationId === 'corr-123' && l.context === 'HttpRequest');
    expect(line).toMatchObject({
      level: 'debug',
      method: 'GET',
      url: '/v1/stock/OPS-SKU-1',
      statusCode: response.status,
      msg: expect.stringContaining('GET /v1/stock/OPS-SKU-1'),
    });
    expect(line.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));

    const unnamed = await fetch(`${baseUrl}/health/live`);
    await unnamed.text();
    const made = unnamed.headers.get('x-correlation-id');
    expect(made).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await lineWhere((l) => l.correlationId === made && l.url === '/health/live');
  });

  it("logs a dead letter with the event's id as correlation id and the batch's topic, partition and offsets", async () => {
    await sendJson(producer, topicEnv.TOPIC_STOCK_MOVEMENTS!, [
      {
        key: 'S-OPS',
        value: {
          eventId: 'ops-bad-1',
          type: 'StockReceived',
          occurredAt: 'not a time',
          locationId: 'S-OPS',
          lines: [{ sku: 'OPS-SKU-1', quantity: 1 }],
        },
      },
    ]);
    const line = await lineWhere((l) => l.correlationId === 'ops-bad-1');
    expect(line).toMatchObject({
      level: 'warn',
      context: 'RecordInboundBatchHandler',
      topic: topicEnv.TOPIC_STOCK_MOVEMENTS,
      partition: expect.any(Number),
      firstOffset: expect.stringMatching(/^\d+$/),
      lastOffset: expect.stringMatching(/^\d+$/),
      msg: expect.stringContaining('dead letter from'),
    });
  });

  it('/health/ready answers 200 with terminus details for PostgreSQL and Kafka and the lag figures', async () => {
    const response = await fetch(`${baseUrl}/health/ready`);
    const body = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.error).toEqual({});
    expect(body.details).toMatchObject({
      postgres: { status: 'up' },
      kafka: { status: 'up' },
      consumerLag: { status: 'up', messages: expect.any(Number) },
      stockViewBacklog: { status: 'up', events: expect.any(Number) },
      stockChangesBacklog: { status: 'up', events: expect.any(Number) },
      outboxBacklog: { status: 'up', messages: expect.any(Number) },
    });
    expect(body.info).toMatchObject({ postgres: { status: 'up' }, kafka: { status: 'up' } });
    expect(body.lag).toEqual({
      inboundMessages: expect.any(Number),
      inboundByTopic: {
        [topicEnv.TOPIC_OFFLINE_SALES!]: expect.any(Number),
        [topicEnv.TOPIC_ONLINE_ORDERS!]: expect.any(Number),
        [topicEnv.TOPIC_STOCK_MOVEMENTS!]: expect.any(Number),
        [topicEnv.TOPIC_LOGISTICS_EVENTS!]: expect.any(Number),
      },
      stockViewEvents: expect.any(Number),
      stockChangesEvents: expect.any(Number),
      outboxMessages: expect.any(Number),
    });
  });

  it('/health/live answers 200', async () => {
    const response = await fetch(`${baseUrl}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('after a graceful stop, every line it wrote to stdout is one JSON object with level, time, context and msg', async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(stdout.endsWith('\n')).toBe(true);
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(line, JSON.stringify(line)).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          time: expect.any(String),
          context: expect.any(String),
          msg: expect.any(String),
        }),
      );
    }
    expect(lines.some((line) => line.context === 'InventoryService' && String(line.msg).startsWith('listening on'))).toBe(true);
    expect(stderr).toBe('');
  });
});
