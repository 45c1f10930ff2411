import { TOPIC_ENV_VARS } from '@app/contracts';
import { DEFAULT_PARTITION_XIDS } from '@app/event-store';
import { z } from 'zod';

/** pino's levels, most severe first; LOG_LEVEL keeps lines at this level and above. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** json: one JSON object a line (the default); pretty: one readable line each, for a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** SASL mechanisms kafkajs speaks without a plugin. */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** A number setting: "soon" is refused as not a number (not as NaN). */
const number = () => z.coerce.number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) });
const port = number().int().min(0).max(65535); // 0: any free port
const positiveInt = number().int().positive();
/** A duration: a number of milliseconds, or a number with ms, s, m or h (`1h`, `30m`, `3600s`, `500ms`). */
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const duration = () =>
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$/, 'must be a duration: milliseconds, or a number with ms, s, m or h (e.g. 1h, 30m, 3600s)')
    .transform((text) => {
      const [, amount, unit] = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)!;
      return Math.round(Number(amount) * DURATION_UNITS_MS[unit ?? 'ms']!);
    });

/**
 * PostgreSQL's bounds on every session of the service (milliseconds, 0 = none): statement_timeout,
 * idle_in_transaction_session_timeout and lock_timeout.
 */
export interface SessionLimits {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  lockTimeoutMs: number;
}

/**
 * 30 s per statement (the service's longest, a projection batch or a page of a view, take well under
 * a second), 60 s idle in a transaction (the service never waits on anything outside the database
 * inside one), 10 s waiting for a lock (row locks are held for one short transaction).
 */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  lockTimeoutMs: 10_000,
};

/** Every environment variable the service reads, validated and coerced (loadServiceConfig maps it onto ServiceConfig). */
export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MIN_POSITION_WAIT_MS: number().int().min(0).max(30_000).default(2000),
  STOCK_CACHE_ENTRIES: number().int().min(0).max(1_000_000).default(20_000),
  STOCK_READ_MODEL: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  STOCK_STREAMS_MAX: positiveInt.default(1000),
  STOCK_STREAMS_PER_CLIENT_MAX: positiveInt.default(20),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/inventory')
    .default('postgres://postgres@127.0.0.1:5432/inventory'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier, e.g. inventory')
    .default('inventory'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  DATABASE_READ_POOL_SIZE: positiveInt.default(5),
  DATABASE_STATEMENT_TIMEOUT_MS: number().int().min(0).default(DEFAULT_SESSION_LIMITS.statementTimeoutMs),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: number().int().min(0).default(DEFAULT_SESSION_LIMITS.idleInTransactionTimeoutMs),
  DATABASE_LOCK_TIMEOUT_MS: number().int().min(0).default(DEFAULT_SESSION_LIMITS.lockTimeoutMs),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...], e.g. 127.0.0.1:9092')
    .default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).default('inventory-service'),
  KAFKA_GROUP_ID: z.string().min(1).default('inventory-service'),
  KAFKA_TOPIC_PARTITIONS: positiveInt.default(4),
  KAFKA_PARTITIONS_CONCURRENTLY: positiveInt.default(4),
  KAFKA_SESSION_TIMEOUT_MS: number().int().min(6000, 'must be at least 6000 (the broker minimum)').default(10_000),
  KAFKA_REPLICATION_FACTOR: positiveInt.default(1),
  KAFKA_MIN_INSYNC_REPLICAS: positiveInt.optional(),
  KAFKA_SSL: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(KAFKA_SASL_MECHANISMS, { message: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` }).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  SNAPSHOT_EVERY_EVENTS: positiveInt.default(100),
  EVENT_LOG_PARTITION_XIDS: positiveInt.default(DEFAULT_PARTITION_XIDS),
  EVENT_ARCHIVE_DIR: z.string().min(1).optional(),
  STOCK_ITEM_STATE_CACHE_MB: number().min(0).max(65_536).default(128),
  PROJECTION_BATCH_SIZE: positiveInt.default(2000),
  PROJECTION_IDLE_MS: positiveInt.default(25),
  PROJECTION_IDLE_MAX_MS: positiveInt.default(1000),
  PROJECTION_RETRY_MAX_MS: number().int().min(25, 'must be at least 25 (the first retry delay)').default(30_000),
  STOCK_CHANGES_FEED: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
  STOCK_CHANGES_WINDOW_MS: positiveInt.default(10_000),
  INGESTION_TRANSIENT_RETRY_MS: number().int().min(0).max(600_000).default(8_000),
  OUTBOX_BATCH_SIZE: positiveInt.default(500),
  OUTBOX_IDLE_MS: positiveInt.default(50),
  OUTBOX_IDLE_MAX_MS: positiveInt.default(1000),
  OUTBOX_RELAY: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  PICKUP_HOLD_HOURS: number().positive().default(72),
  PICKUP_HOLD_SWEEP_MS: positiveInt.default(30_000),
  TRANSFER_SHIP_HOURS: number().positive().default(24),
  /** How long a cancelled fulfillment's units stay reserved waiting for its location's answer (shipped, collected, failed). */
  CANCEL_CONFIRM_HOURS: number().positive().default(4),
  REPLENISHMENT_LEAD_TIME_DAYS: number().positive().default(2),
  REPLENISHMENT_COVER_DAYS: number().positive().default(7),
  /** How far past the service's clock an event's occurredAt may lie (contract v1.1); default 1 hour. */
  MAX_CLOCK_SKEW: duration().prefault('1h'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` }).default('json'),
  STOREFRONT_READ_KEY_REQUIRED: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  WRITE_RATE_LIMIT_PER_KEY_PER_MINUTE: positiveInt.default(3000),
  WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: positiveInt.default(6000),
  ...Object.fromEntries(
    Object.values(TOPIC_ENV_VARS).map((name) => [
      name,
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name')
        .optional(),
    ]),
  ),
});
