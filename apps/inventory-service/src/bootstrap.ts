import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import type { ServiceConfig } from './config/service-config';

/** Build, start and return the service for a configuration (used by main and by the end-to-end tests). */
export async function startInventoryService(config: ServiceConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forConfig(config), { bufferLogs: false });
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  new Logger('InventoryService').log(`listening on http://${config.http.host}:${config.http.port}`);
  return app;
}
