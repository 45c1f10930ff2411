import type { INestApplication } from '@nestjs/common';
import { serviceUrl, startInventoryService } from '../../apps/inventory-service/src/bootstrap';
import { loadServiceConfig, type ServiceConfig } from '../../apps/inventory-service/src/platform/config/service-config';
import { isolatedServiceEnv } from './isolated-env';
import { bearer, issueTestOperatorKey } from './operator-keys';
import { dropSchema } from './test-database';

export interface RunningTestService {
  app: INestApplication;
  config: ServiceConfig;
  baseUrl: string;
  /** An operator key with every scope, issued in this service's schema at start. */
  operatorKey: string;
  /** `{ authorization: 'Bearer <operatorKey>' }`, to spread into a request's headers. */
  operatorHeaders: Record<string, string>;
  stop(options?: { dropSchema?: boolean }): Promise<void>;
}

/** The real service, in this process, on its own schema, topics and consumer group, on a free port. */
export async function startTestService(overrides: Record<string, string> = {}): Promise<RunningTestService> {
  // Quiet logs: warnings and errors only, unless LOG_LEVEL says otherwise.
  const { schema, env } = isolatedServiceEnv('e2e', { PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...overrides });
  const config = loadServiceConfig(env);
  const app = await startInventoryService(config);
  const operatorKey = await issueTestOperatorKey(app);
  return {
    app,
    config,
    baseUrl: serviceUrl(app),
    operatorKey,
    operatorHeaders: bearer(operatorKey),
    async stop(options = { dropSchema: true }) {
      await app.close();
      if (options.dropSchema) await dropSchema(schema);
    },
  };
}
