import type { INestApplication } from '@nestjs/common';
import { serviceUrl, startInventoryService } from '../../apps/inventory-service/src/bootstrap';
import { loadServiceConfig, type ServiceConfig } from '../../apps/inventory-service/src/config/service-config';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from './test-database';
import { TEST_KAFKA_BROKERS, uniqueTopicEnv } from './test-kafka';

export interface RunningTestService {
  app: INestApplication;
  config: ServiceConfig;
  baseUrl: string;
  stop(options?: { dropSchema?: boolean }): Promise<void>;
}

/** The real service, in this process, on its own schema, topics and consumer group, on a free port. */
export async function startTestService(overrides: Record<string, string> = {}): Promise<RunningTestService> {
  const schema = overrides.DATABASE_SCHEMA ?? uniqueSchemaName('e2e');
  const config = loadServiceConfig({
    PORT: '0',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_GROUP_ID: `inventory-${schema}`,
    ...uniqueTopicEnv(schema.replace(/_/g, '-')),
    ...overrides,
  });
  const app = await startInventoryService(config);
  return {
    app,
    config,
    baseUrl: serviceUrl(app),
    async stop(options = { dropSchema: true }) {
      await app.close();
      if (options.dropSchema) await dropSchema(schema);
    },
  };
}
