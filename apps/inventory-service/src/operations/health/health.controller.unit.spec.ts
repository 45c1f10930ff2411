import 'reflect-metadata';
import { SqlReader } from '@app/event-store';
import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
// Internal to terminus, but the one that knows the application is shutting down.
import { HealthCheckExecutor } from '@nestjs/terminus/dist/health-check/health-check-executor.service';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiErrorFilter } from '../../platform/http/api-error.filter';
import { COUNT_UNPUBLISHED } from '../../outbox/outbox.sql';
import { ConsumerLagService, type ConsumerLag } from '../../ingestion/consumer-lag.service';
import { StoredOffsetsHealthIndicator, StoredOffsetsMonitor, type StoredOffsetAheadOfLog } from '../../ingestion/stored-offsets.monitor';
import { HealthController } from './health.controller';
import { StockViewsProcessor } from '../../stock-views/stock-views-processor.service';
import {
  BacklogHealthIndicator,
  HEALTH_CHECK_TIMEOUT_MS,
  KafkaHealthIndicator,
  PostgresHealthIndicator,
  ProjectionsHealthIndicator,
} from './health-indicators';

interface Fakes {
  /** Answer a statement (SELECT 1, the backlog counts), or throw. */
  sql?: (text: string) => Promise<unknown[]>;
  measure?: () => Promise<ConsumerLag>;
  /** This instance's processors (their in-memory stalls). */
  processors?: Array<{ name: string; stall: unknown }>;
  /** The stock change feed's processor (null: STOCK_CHANGES_FEED=false). */
  stockChanges?: { name: string } | null;
}

const healthySql = async (text: string): Promise<unknown[]> => {
  if (text === 'SELECT 1') return [{ '?column?': 1 }];
  if (text === COUNT_UNPUBLISHED) return [{ backlog: 3 }];
  if (text.includes('AS behind')) return [{ behind: 7 }]; // events after the stock view's checkpoint
  return []; // the checkpoint itself: none yet
};
const healthyKafka = async (): Promise<ConsumerLag> => ({ total: 5, byTopic: { 'retail.sales.offline': 5, 'retail.orders.online': 0 } });

let app: INestApplication | null = null;
let aheadOfLog: StoredOffsetAheadOfLog[] = [];
afterEach(async () => {
  aheadOfLog = [];
  await app?.close();
  app = null;
});

async function serve({ sql = healthySql, measure = healthyKafka, processors = [], stockChanges = { name: 'stock-changes' } }: Fakes = {}) {
  let measurements = 0;
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [
      PostgresHealthIndicator,
      KafkaHealthIndicator,
      BacklogHealthIndicator,
      ProjectionsHealthIndicator,
      { provide: StockViewsProcessor, useValue: { processors, stockChanges } },
      StoredOffsetsHealthIndicator,
      { provide: StoredOffsetsMonitor, useValue: { partitionsAheadOfLog: () => aheadOfLog } },
      { provide: SqlReader, useValue: { query: sql } },
      { provide: ConsumerLagService, useValue: { measure: () => ((measurements += 1), measure()) } },
      { provide: APP_FILTER, useClass: ApiErrorFilter },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    get: async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as any };
    },
    measurements: () => measurements,
    startShuttingDown: () => app!.get(HealthCheckExecutor).beforeApplicationShutdown(),
  };
}

describe('GET /health/live', () => {
  it('answers 200 while the process answers, whatever the dependencies say', async () => {
    const { get } = await serve({ sql: () => Promise.reject(new Error('down')), measure: () => Promise.reject(new Error('down')) });
    expect(await get('/health/live')).toEqual({
      status: 200,
      cacheControl: 'no-store',
      body: { status: 'ok', info: {}, error: {}, details: {} },
    });
  });
});

describe('GET /health/ready', () => {
  it('answers 200 with every indicator up and the lag figures, measuring Kafka once', async () => {
    const { get, measurements } = await serve();
    const { status, body } = await get('/health/ready');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      info: body.details,
      error: {},
      details: {
        postgres: { status: 'up' },
        kafka: { status: 'up' },
        projections: { status: 'up', stalled: [] },
        consumerLag: { status: 'up', messages: 5, byTopic: { 'retail.sales.offline': 5, 'retail.orders.online': 0 } },
        stockViewBacklog: { status: 'up', events: 7 },
        stockChangesBacklog: { status: 'up', events: 7 },
        outboxBacklog: { status: 'up', messages: 3 },
        storedOffsets: { status: 'up' },
      },
      lag: {
        inboundMessages: 5,
        inboundByTopic: { 'retail.sales.offline': 5, 'retail.orders.online': 0 },
        stockViewEvents: 7,
        stockChangesEvents: 7,
        outboxMessages: 3,
      },
    });
    expect(measurements()).toBe(1);
  });

  it('leaves the stock change feed out of the lag when STOCK_CHANGES_FEED=false', async () => {
    const { get } = await serve({ stockChanges: null });
    const { status, body } = await get('/health/ready');
    expect(status).toBe(200);
    expect(body.details.stockChangesBacklog).toEqual({ status: 'up', events: null, message: 'STOCK_CHANGES_FEED=false: no feed' });
    expect(body.lag).not.toHaveProperty('stockChangesEvents');
    expect(body.lag).toMatchObject({ stockViewEvents: 7, outboxMessages: 3 });
  });

  it('answers 503 naming each partition whose stored offset is past the end of its log', async () => {
    aheadOfLog = [{ topic: 'retail.sales.offline', partition: 2, storedNextOffset: '1000', logEndOffset: '3' }];
    const { get } = await serve();
    const { status, body } = await get('/health/ready');
    expect(status).toBe(503);
    expect(body.error.storedOffsets).toEqual({
      status: 'down',
      message:
        'stored offsets past the end of the log (topic recreated? the partitions are paused): retail.sales.offline[2] stored next 1000, log ends at 3',
      partitions: aheadOfLog,
    });
  });

  it('answers 503 when Kafka does not answer, keeping the shape and the figures it could measure', async () => {
    const { get } = await serve({ measure: () => Promise.reject(new Error('There is no leader for this topic-partition')) });
    const { status, body } = await get('/health/ready');
    expect(status).toBe(503);
    expect(body.status).toBe('unavailable');
    expect(body.error).toEqual({ kafka: { status: 'down', message: 'There is no leader for this topic-partition' } });
    expect(body.details.postgres).toEqual({ status: 'up' });
    expect(body.details.consumerLag).toEqual({
      status: 'up',
      messages: null,
      byTopic: null,
      message: 'not measured: There is no leader for this topic-partition',
    });
    expect(body.lag).toEqual({ stockViewEvents: 7, stockChangesEvents: 7, outboxMessages: 3 });
  });

  it(`answers 503 within about ${HEALTH_CHECK_TIMEOUT_MS} ms when Kafka hangs`, async () => {
    const { get } = await serve({ measure: () => new Promise(() => undefined) });
    const started = Date.now();
    const { status, body } = await get('/health/ready');
    expect(Date.now() - started).toBeLessThan(HEALTH_CHECK_TIMEOUT_MS + 1000);
    expect(status).toBe(503);
    expect(body.error.kafka).toEqual({ status: 'down', message: `Kafka did not answer within ${HEALTH_CHECK_TIMEOUT_MS} ms` });
  });

  it('answers 503 when PostgreSQL does not answer; the lag it could not measure is left out', async () => {
    const { get } = await serve({ sql: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) });
    const { status, body } = await get('/health/ready');
    expect(status).toBe(503);
    expect(body.status).toBe('unavailable');
    expect(body.error.postgres).toEqual({ status: 'down', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(body.details.stockViewBacklog).toMatchObject({ status: 'up', events: null });
    expect(body.details.outboxBacklog).toMatchObject({ status: 'up', messages: null });
    expect(body.lag).toEqual({ inboundMessages: 5, inboundByTopic: { 'retail.sales.offline': 5, 'retail.orders.online': 0 } });
  });

  it('stays ready when only a backlog count fails: lag is reported, not a reason to stop serving', async () => {
    const { get } = await serve({
      sql: (text) => (text === COUNT_UNPUBLISHED ? Promise.reject(new Error('statement timeout')) : healthySql(text)),
    });
    const { status, body } = await get('/health/ready');
    expect(status).toBe(200);
    expect(body.details.outboxBacklog).toEqual({ status: 'up', messages: null, message: 'not measured: statement timeout' });
    expect(body.lag).not.toHaveProperty('outboxMessages');
  });

  it('answers 503 naming a stalled projection, its position and its error, from PostgreSQL and from this instance', async () => {
    const since = new Date('2026-12-07T06:00:00.000Z');
    const recorded = {
      projection: 'daily-sales',
      stalled_since: since,
      last_error: 'integer out of range',
      attempts: 12,
      transaction_id: '812',
      global_position: '40',
    };
    const { get } = await serve({
      sql: (text) => (text.includes('FROM projection_status') ? Promise.resolve([recorded]) : healthySql(text)),
      processors: [
        {
          name: 'stock-levels',
          stall: {
            projection: 'stock-levels',
            since,
            attempts: 3,
            lastError: 'date/time field value out of range',
            checkpoint: { transactionId: '900', globalPosition: 77 },
          },
        },
        { name: 'daily-sales', stall: null },
      ],
    });
    const { status, body } = await get('/health/ready');
    expect(status).toBe(503);
    expect(body.error.projections.stalled).toEqual([
      {
        projection: 'stock-levels',
        position: '900.77',
        error: 'date/time field value out of range',
        since: since.toISOString(),
        attempts: 3,
      },
      { projection: 'daily-sales', position: '812.40', error: 'integer out of range', since: since.toISOString(), attempts: 12 },
    ]);
    expect(body.details.postgres).toEqual({ status: 'up' });
  });

  it('answers 503 from the start of a graceful shutdown, saying so, and so does /health/live', async () => {
    const { get, startShuttingDown } = await serve();
    startShuttingDown();
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'unavailable',
      shuttingDown: true,
      error: {},
      details: { postgres: { status: 'up' }, kafka: { status: 'up' } },
    });
    expect(ready.body.lag).toMatchObject({ inboundMessages: 5 });
    expect(await get('/health/live')).toMatchObject({ status: 503, body: { status: 'unavailable', shuttingDown: true } });
  });
});
