import { CreateEventStore1763800000000 } from '@app/event-store';
import { DataSource } from 'typeorm';
import type { ServiceConfig } from '../config/service-config';
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
import { ScopeInboundEventIdsBySender1763800016000 } from './migrations/1763800016000-scope-inbound-event-ids-by-sender';

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
  ScopeInboundEventIdsBySender1763800016000,
];

/** The service's DataSource: schema only through migrations, all tables in the configured schema. */
export function createDataSource(config: Pick<ServiceConfig, 'database'>): DataSource {
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
      options: `-c search_path=${config.database.schema}`,
      application_name: 'inventory-service',
    },
  });
}
