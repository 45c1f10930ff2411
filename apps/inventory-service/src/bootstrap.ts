import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import type { ServiceConfig } from './config/service-config';

/** Build, start and return the service for a configuration (used by main and by the end-to-end tests). */
export async function startInventoryService(config: ServiceConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forConfig(config), { bufferLogs: false });
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  new Logger('InventoryService').log(`listening on ${serviceUrl(app)}`);
  return app;
}

/** The base URL the service answers on (the real port when it was started on port 0). */
export function serviceUrl(app: INestApplication): string {
  const address = app.getHttpServer().address() as { address: string; port: number };
  return `http://${address.address}:${address.port}`;
}
