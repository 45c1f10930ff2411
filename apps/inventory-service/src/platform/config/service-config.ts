import { topicNamesFromEnv, type TopicNames } from '@app/contracts';
import type { z } from 'zod';
import { envSchema, KAFKA_SASL_MECHANISMS, type KafkaSaslMechanism, type LogFormat, type LogLevel, type SessionLimits } from './env-schema';

// The settings' vocabulary lives beside their schema; importers of this file keep finding it here.
export { DEFAULT_SESSION_LIMITS, KAFKA_SASL_MECHANISMS, LOG_FORMATS, LOG_LEVELS } from './env-schema';
export type { KafkaSaslMechanism, LogFormat, LogLevel, SessionLimits } from './env-schema';

/** The service's settings; the class doubles as the DI token (inject `ServiceConfig`). */
export abstract class ServiceConfig {
  /**
   * stockCacheEntries: SKU answers kept per instance until the view changes them (0: no cache);
   * stockReadModel: the whole stock view in memory, answering stock reads before NestJS.
   */
  declare http: {
    port: number;
    host: string;
    minPositionWaitMs: number;
    stockCacheEntries: number;
    stockReadModel: boolean;
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
   * retryMaxMs: a failing batch is retried after 25 ms, doubling up to this. stockChangesFeed: a
   * processor behind the stock view sends the changed SKUs' stock to retail.stock.changes
   * (STOCK_CHANGES_FEED), one batch per stockChangesWindowMs (STOCK_CHANGES_WINDOW_MS).
   */
  declare projections: {
    batchSize: number;
    idleMs: number;
    idleMaxMs: number;
    retryMaxMs: number;
    stockChangesFeed: boolean;
    stockChangesWindowMs: number;
  };
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
      stockReadModel: values.STOCK_READ_MODEL === 'on',
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
      stockChangesWindowMs: values.STOCK_CHANGES_WINDOW_MS,
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
