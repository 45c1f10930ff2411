import {
  CreateEventStore1763800000000,
  CreateProjectionStatus1763800012000,
  PartitionEventsByTransaction1763800020000,
} from '@app/event-store';
import { DataSource } from 'typeorm';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from '../config';
import { CreateIngestionAndViews1763800001000 } from './migrations/1763800001000-create-ingestion-and-views';
import { CreateLocations1763800002000 } from './migrations/1763800002000-create-locations';
import { CreatePosApiKeys1763800003000 } from './migrations/1763800003000-create-pos-api-keys';
import { IndexStockByLocation1763800004000 } from './migrations/1763800004000-index-stock-by-location';
import { CreateSkuPolicies1763800005000 } from './migrations/1763800005000-create-sku-policies';
import { CreateSmartLogisticsTables1763800006000 } from './migrations/1763800006000-create-smart-logistics-tables';
import { CreateOutboxRelayState1763800007000 } from './migrations/1763800007000-create-outbox-relay-state';
import { CreateDailySales1763800008000 } from './migrations/1763800008000-create-daily-sales';
import { IndexOutboxByTopic1763800009000 } from './migrations/1763800009000-index-outbox-by-topic';
import { KeepStockUpdatesOnTheirPage1763800010000 } from './migrations/1763800010000-keep-stock-updates-on-their-page';
import { WidenStockTotalsToBigint1763800011000 } from './migrations/1763800011000-widen-stock-totals-to-bigint';
import { CreateOrderIdDigests1763800011100 } from './migrations/1763800011100-create-order-id-digests';
import { CreateOperatorKeys1763800015000 } from './migrations/1763800015000-create-operator-keys';
import { CreateTransfersAwaitingShipment1763800018000 } from './migrations/1763800018000-create-transfers-awaiting-shipment';
import { ScopeInboundEventIdsBySender1763800016000 } from './migrations/1763800016000-scope-inbound-event-ids-by-sender';
import { CreateCancelsAwaitingConfirmation1763800019000 } from './migrations/1763800019000-create-cancels-awaiting-confirmation';
import { BackfillTransfersAwaitingShipment1763800019100 } from './migrations/1763800019100-backfill-transfers-awaiting-shipment';
import { IndexStockEventsByOccurredAt1763800019500 } from './migrations/1763800019500-index-stock-events-by-occurred-at';
import { SeedStockChangesCheckpoint1763800021000 } from './migrations/1763800021000-seed-stock-changes-checkpoint';

export const MIGRATIONS = [
  CreateEventStore1763800000000,
  CreateIngestionAndViews1763800001000,
  CreateLocations1763800002000,
  CreatePosApiKeys1763800003000,
  IndexStockByLocation1763800004000,
  CreateSkuPolicies1763800005000,
  CreateSmartLogisticsTables1763800006000,
  CreateOutboxRelayState1763800007000,
  CreateDailySales1763800008000,
  IndexOutboxByTopic1763800009000,
  KeepStockUpdatesOnTheirPage1763800010000,
  WidenStockTotalsToBigint1763800011000,
  CreateOrderIdDigests1763800011100,
  CreateProjectionStatus1763800012000,
  CreateOperatorKeys1763800015000,
  CreateTransfersAwaitingShipment1763800018000,
  ScopeInboundEventIdsBySender1763800016000,
  CreateCancelsAwaitingConfirmation1763800019000,
  BackfillTransfersAwaitingShipment1763800019100,
  IndexStockEventsByOccurredAt1763800019500,
  PartitionEventsByTransaction1763800020000,
  SeedStockChangesCheckpoint1763800021000,
];

/** What a DataSource is opened with: the service's settings, or a test's or tool's own (session limits then default). */
export interface DatabaseSettings {
  url: string;
  schema: string;
  poolSize: number;
  sessionLimits?: SessionLimits;
}

/**
 * Limits for migrations and the operator CLI: no statement timeout (a migration or a rebuild over a
 * large log may take minutes), the same bounds on waiting for a lock (a migration queued behind a
 * running transaction would block every later reader of its table) and on idling in a transaction.
 */
export function maintenanceLimits(limits: SessionLimits = DEFAULT_SESSION_LIMITS): SessionLimits {
  return { ...limits, statementTimeoutMs: 0 };
}

/** The startup options of every session: its schema and PostgreSQL's bounds on it. */
export function sessionOptions(schema: string, limits: SessionLimits = DEFAULT_SESSION_LIMITS): string {
  return [
    `-c search_path=${schema}`,
    `-c statement_timeout=${limits.statementTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`,
    `-c lock_timeout=${limits.lockTimeoutMs}`,
  ].join(' ');
}

/**
 * The service's DataSource: schema only through migrations, all tables in the configured schema,
 * every session bounded (statement, idle-in-transaction and lock timeouts). `applicationName` tells
 * the pools apart in pg_stat_activity.
 */
export function createDataSource(config: { database: DatabaseSettings }, applicationName = 'inventory-service'): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.database.url,
    schema: config.database.schema,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    extra: {
      max: config.database.poolSize,
      options: sessionOptions(config.database.schema, config.database.sessionLimits),
      application_name: applicationName,
    },
  });
}

/** Run the migrations on a DataSource of their own, with maintenance limits (no statement timeout), then close it. */
export async function migrateDatabase(database: DatabaseSettings): Promise<void> {
  const dataSource = createDataSource(
    { database: { ...database, poolSize: 2, sessionLimits: maintenanceLimits(database.sessionLimits) } },
    'inventory-service-migrations',
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
