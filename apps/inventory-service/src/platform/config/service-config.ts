import { TOPIC_ENV_VARS, topicNamesFromEnv, type TopicNames } from '@app/contracts';
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

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MIN_POSITION_WAIT_MS: number().int().min(0).max(30_000).default(2000),
  STOCK_CACHE_ENTRIES: number().int().min(0).max(1_000_000).default(20_000),
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

/** The service's settings; the class doubles as the DI token (inject `ServiceConfig`). */
export abstract class ServiceConfig {
  /** stockCacheEntries: SKU answers kept per instance until the view changes them (0: no cache). */
  declare http: {
    port: number;
    host: string;
    minPositionWaitMs: number;
    stockCacheEntries: number;
    stockStreamsMax: number;
    stockStreamsPerClientMax: number;
  };
  /**
   * poolSize: connections for ingestion, projections, the relay and the other background work;
   * readPoolSize: a pool of its own for HTTP reads, so a read storm cannot starve ingestion.
   * sessionLimits: set on every connection of both (0 = no limit).
   */
  declare database: { url: string; schema: string; poolSize: number; readPoolSize: number; sessionLimits: SessionLimits };
  declare kafka: {
    brokers: string[];
    clientId: string;
    groupId: string;
    topicPartitions: number;
    partitionsConcurrently: number;
    sessionTimeoutMs: number;
    topics: TopicNames;
  } & KafkaProductionSettings;
  /** stockItemStateCacheBytes: how much memory the ingestion path's cache of stock item states may take (0 = none). */
  /** partitionXids: transactions per partition of the log; archiveDirectory: where archive-events writes (EVENT_ARCHIVE_DIR). */
  declare eventStore: {
    snapshotEveryEvents: number;
    stockItemStateCacheBytes: number;
    partitionXids: number;
    archiveDirectory: string | null;
  };
  /**
   * retryMaxMs: a failing batch is retried after 25 ms, doubling up to this. stockChangesFeed: each
   * stock-view batch also enqueues the changed SKUs' stock for retail.stock.changes (STOCK_CHANGES_FEED).
   */
  declare projections: { batchSize: number; idleMs: number; idleMaxMs: number; retryMaxMs: number; stockChangesFeed: boolean };
  /** transientRetryMs: how long one inbound batch is retried on a transient database fault before it fails to kafkajs (which retries it again). */
  declare ingestion: { transientRetryMs: number };
  /** relay: whether this instance publishes the outbox (off: another instance does). */
  declare outbox: { batchSize: number; idleMs: number; idleMaxMs: number; relay: boolean };
  /** cancelConfirmMs: how long a cancelled fulfillment's units wait for its location's answer (CANCEL_CONFIRM_HOURS). */
  declare fulfillment: {
    pickupHoldMs: number;
    pickupHoldSweepMs: number;
    transferShipMs: number;
    cancelConfirmMs: number;
    leadTimeDays: number;
    coverDays: number;
  };
  declare logging: { level: LogLevel; format: LogFormat };
  /** storefrontReadKeyRequired: stock reads need an operator key with stock:read (else they are open). */
  /** writesPer...PerMinute: writes one key, or one client address, may make a minute on this instance (429 past them). */
  declare access: { storefrontReadKeyRequired: boolean; writesPerKeyPerMinute: number; writesPerAddressPerMinute: number };
  /** maxClockSkewMs: how far past the clock an inbound occurredAt may lie (MAX_CLOCK_SKEW). */
  declare inbound: { maxClockSkewMs: number };
}

/**
 * How topics the service creates are replicated, and how it reaches a secured cluster.
 * minInsyncReplicas: set on created topics only when given (and only with replicationFactor > 1).
 * ssl: TLS to the brokers, caFile a PEM file of the CA to trust instead of the system's.
 */
export interface KafkaProductionSettings {
  replicationFactor: number;
  minInsyncReplicas: number | null;
  ssl: { caFile: string | null } | null;
  sasl: { mechanism: KafkaSaslMechanism; username: string; password: string } | null;
}

export class InvalidConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigurationError';
  }
}

/** Read and check the environment; every bad setting is named with what it must be. */
export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new InvalidConfigurationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`),
    );
  }
  const values = parsed.data as z.infer<typeof envSchema> & Record<string, string | undefined>;
  const kafkaProblems = kafkaSettingProblems(values);
  if (kafkaProblems.length > 0) throw new InvalidConfigurationError(kafkaProblems);
  const topics = topicNamesFromEnv(values);
  return {
    http: {
      port: values.PORT,
      host: values.HOST,
      minPositionWaitMs: values.MIN_POSITION_WAIT_MS,
      stockCacheEntries: values.STOCK_CACHE_ENTRIES,
      stockStreamsMax: values.STOCK_STREAMS_MAX,
      stockStreamsPerClientMax: values.STOCK_STREAMS_PER_CLIENT_MAX,
    },
    database: {
      url: values.DATABASE_URL,
      schema: values.DATABASE_SCHEMA,
      poolSize: values.DATABASE_POOL_SIZE,
      readPoolSize: values.DATABASE_READ_POOL_SIZE,
      sessionLimits: {
        statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
        idleInTransactionTimeoutMs: values.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        lockTimeoutMs: values.DATABASE_LOCK_TIMEOUT_MS,
      },
    },
    kafka: {
      brokers: values.KAFKA_BROKERS.split(','),
      clientId: values.KAFKA_CLIENT_ID,
      groupId: values.KAFKA_GROUP_ID,
      topicPartitions: values.KAFKA_TOPIC_PARTITIONS,
      sessionTimeoutMs: values.KAFKA_SESSION_TIMEOUT_MS,
      partitionsConcurrently: values.KAFKA_PARTITIONS_CONCURRENTLY,
      topics,
      replicationFactor: values.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: values.KAFKA_MIN_INSYNC_REPLICAS ?? null,
      ssl: values.KAFKA_SSL === 'true' ? { caFile: values.KAFKA_SSL_CA_FILE ?? null } : null,
      sasl: values.KAFKA_SASL_MECHANISM
        ? { mechanism: values.KAFKA_SASL_MECHANISM, username: values.KAFKA_SASL_USERNAME!, password: values.KAFKA_SASL_PASSWORD! }
        : null,
    },
    eventStore: {
      snapshotEveryEvents: values.SNAPSHOT_EVERY_EVENTS,
      stockItemStateCacheBytes: Math.floor(values.STOCK_ITEM_STATE_CACHE_MB * 1024 * 1024),
      partitionXids: values.EVENT_LOG_PARTITION_XIDS,
      archiveDirectory: values.EVENT_ARCHIVE_DIR ?? null,
    },
    projections: {
      batchSize: values.PROJECTION_BATCH_SIZE,
      idleMs: values.PROJECTION_IDLE_MS,
      idleMaxMs: Math.max(values.PROJECTION_IDLE_MS, values.PROJECTION_IDLE_MAX_MS),
      retryMaxMs: values.PROJECTION_RETRY_MAX_MS,
      stockChangesFeed: values.STOCK_CHANGES_FEED === 'true',
    },
    ingestion: { transientRetryMs: values.INGESTION_TRANSIENT_RETRY_MS },
    outbox: {
      batchSize: values.OUTBOX_BATCH_SIZE,
      idleMs: values.OUTBOX_IDLE_MS,
      idleMaxMs: Math.max(values.OUTBOX_IDLE_MS, values.OUTBOX_IDLE_MAX_MS),
      relay: values.OUTBOX_RELAY === 'on',
    },
    fulfillment: {
      pickupHoldMs: values.PICKUP_HOLD_HOURS * 60 * 60 * 1000,
      pickupHoldSweepMs: values.PICKUP_HOLD_SWEEP_MS,
      transferShipMs: values.TRANSFER_SHIP_HOURS * 60 * 60 * 1000,
      cancelConfirmMs: values.CANCEL_CONFIRM_HOURS * 60 * 60 * 1000,
      leadTimeDays: values.REPLENISHMENT_LEAD_TIME_DAYS,
      coverDays: values.REPLENISHMENT_COVER_DAYS,
    },
    logging: { level: values.LOG_LEVEL, format: values.LOG_FORMAT },
    access: {
      storefrontReadKeyRequired: values.STOREFRONT_READ_KEY_REQUIRED === 'true',
      writesPerKeyPerMinute: values.WRITE_RATE_LIMIT_PER_KEY_PER_MINUTE,
      writesPerAddressPerMinute: values.WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    },
    inbound: { maxClockSkewMs: values.MAX_CLOCK_SKEW },
  };
}

/** The Kafka settings that only make sense together. */
function kafkaSettingProblems(values: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  const shown = (name: keyof typeof values) => `${name}=${JSON.stringify(String(values[name]))}`;
  const minIsr = values.KAFKA_MIN_INSYNC_REPLICAS;
  if (minIsr !== undefined && values.KAFKA_REPLICATION_FACTOR === 1) {
    problems.push(
      `${shown('KAFKA_MIN_INSYNC_REPLICAS')}: needs KAFKA_REPLICATION_FACTOR above 1 (with one replica there is nothing to wait for)`,
    );
  } else if (minIsr !== undefined && minIsr > values.KAFKA_REPLICATION_FACTOR) {
    problems.push(
      `${shown('KAFKA_MIN_INSYNC_REPLICAS')}: must be at most KAFKA_REPLICATION_FACTOR (${values.KAFKA_REPLICATION_FACTOR}), or no write would ever succeed`,
    );
  }
  if (values.KAFKA_SSL_CA_FILE !== undefined && values.KAFKA_SSL !== 'true') {
    problems.push(`${shown('KAFKA_SSL_CA_FILE')}: needs KAFKA_SSL=true`);
  }
  if (values.KAFKA_SASL_MECHANISM !== undefined) {
    if (values.KAFKA_SASL_USERNAME === undefined)
      problems.push(`KAFKA_SASL_USERNAME: must be set with KAFKA_SASL_MECHANISM=${values.KAFKA_SASL_MECHANISM}`);
    if (values.KAFKA_SASL_PASSWORD === undefined)
      problems.push(`KAFKA_SASL_PASSWORD: must be set with KAFKA_SASL_MECHANISM=${values.KAFKA_SASL_MECHANISM}`);
  } else if (values.KAFKA_SASL_USERNAME !== undefined || values.KAFKA_SASL_PASSWORD !== undefined) {
    problems.push(
      `KAFKA_SASL_MECHANISM: must be set (one of ${KAFKA_SASL_MECHANISMS.join(', ')}) when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is`,
    );
  }
  return problems;
}
