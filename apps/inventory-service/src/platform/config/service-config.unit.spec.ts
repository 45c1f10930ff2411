import { describe, expect, it } from 'vitest';
import { InvalidConfigurationError, loadServiceConfig } from './service-config';

describe('logging settings', () => {
  it('default to JSON lines at info', () => {
    expect(loadServiceConfig({}).logging).toEqual({ level: 'info', format: 'json' });
  });

  it('take any pino level and either format', () => {
    expect(loadServiceConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' }).logging).toEqual({ level: 'debug', format: 'pretty' });
  });

  it('name a bad LOG_LEVEL or LOG_FORMAT with what it must be', () => {
    let problems: string[] = [];
    try {
      loadServiceConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' });
    } catch (error) {
      if (error instanceof InvalidConfigurationError) problems = error.problems;
    }
    expect(problems).toEqual([
      'LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace',
      'LOG_FORMAT="xml": must be one of json, pretty',
    ]);
  });
});

describe('configuration at start-up', () => {
  it('names every bad setting at once, each with its value and what it must be', () => {
    let problems: string[] = [];
    try {
      loadServiceConfig({
        PORT: '70000',
        DATABASE_URL: 'mysql://x',
        DATABASE_POOL_SIZE: '0',
        KAFKA_BROKERS: 'localhost',
        KAFKA_SESSION_TIMEOUT_MS: '100',
        OUTBOX_RELAY: 'maybe',
        PICKUP_HOLD_HOURS: 'soon',
        TOPIC_OFFLINE_SALES: 'bad topic',
      });
    } catch (error) {
      if (error instanceof InvalidConfigurationError) problems = error.problems;
    }
    expect(problems).toEqual([
      'PORT="70000": Too big: expected number to be <=65535',
      'DATABASE_URL="mysql://x": must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/inventory',
      'DATABASE_POOL_SIZE="0": Too small: expected number to be >0',
      'KAFKA_BROKERS="localhost": must be host:port[,host:port...], e.g. 127.0.0.1:9092',
      'KAFKA_SESSION_TIMEOUT_MS="100": must be at least 6000 (the broker minimum)',
      'OUTBOX_RELAY="maybe": must be on or off',
      'PICKUP_HOLD_HOURS="soon": must be a number',
      'TOPIC_OFFLINE_SALES="bad topic": must be a Kafka topic name',
    ]);
  });

  it('takes the defaults documented in .env.example when nothing is set', () => {
    const config = loadServiceConfig({});
    expect(config.http).toMatchObject({ port: 3000, host: '127.0.0.1', minPositionWaitMs: 2000 });
    expect(config.database).toMatchObject({ url: 'postgres://postgres@127.0.0.1:5432/inventory', schema: 'inventory' });
  });
});

describe('MAX_CLOCK_SKEW', () => {
  it('defaults to 1 hour and takes milliseconds or a number with ms, s, m or h', () => {
    expect(loadServiceConfig({}).inbound.maxClockSkewMs).toBe(3_600_000);
    expect(loadServiceConfig({ MAX_CLOCK_SKEW: '90000' }).inbound.maxClockSkewMs).toBe(90_000);
    expect(loadServiceConfig({ MAX_CLOCK_SKEW: '30m' }).inbound.maxClockSkewMs).toBe(1_800_000);
    expect(loadServiceConfig({ MAX_CLOCK_SKEW: '3600s' }).inbound.maxClockSkewMs).toBe(3_600_000);
    expect(loadServiceConfig({ MAX_CLOCK_SKEW: '2h' }).inbound.maxClockSkewMs).toBe(7_200_000);
    expect(loadServiceConfig({ MAX_CLOCK_SKEW: '250ms' }).inbound.maxClockSkewMs).toBe(250);
  });

  it('names a value that is not a duration', () => {
    expect(() => loadServiceConfig({ MAX_CLOCK_SKEW: 'an hour' })).toThrow(/MAX_CLOCK_SKEW="an hour": must be a duration/);
    expect(() => loadServiceConfig({ MAX_CLOCK_SKEW: '-1h' })).toThrow(/MAX_CLOCK_SKEW/);
  });
});

describe('transfer ship-by setting', () => {
  it('defaults to 24 hours, takes fractions of an hour, and refuses what is not a positive number', () => {
    expect(loadServiceConfig({}).fulfillment.transferShipMs).toBe(24 * 60 * 60 * 1000);
    expect(loadServiceConfig({ TRANSFER_SHIP_HOURS: '0.5' }).fulfillment.transferShipMs).toBe(30 * 60 * 1000);
    let problems: string[] = [];
    try {
      loadServiceConfig({ TRANSFER_SHIP_HOURS: '0' });
    } catch (error) {
      if (error instanceof InvalidConfigurationError) problems = error.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^TRANSFER_SHIP_HOURS="0": /)]);
  });
});
