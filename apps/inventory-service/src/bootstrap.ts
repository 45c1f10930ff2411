import { Logger, type INestApplication } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { routeTable, type RouteAccess } from './platform/access';
import { AppModule } from './app.module';
import { answerBeforeNest, useBodyLimits, type EarlyAnswer } from './platform/http';
import { StockReadFastPath } from './stock-views';
import { inventoryOpenApiDocument } from './platform/api-docs';
import { httpRequestLogging } from './platform/logging';
import { nestLoggerFor, rootLoggerFor } from './platform/logging';
import { ServiceMetrics } from './platform/metrics';
import type { ServiceConfig } from './platform/config';
import type { Server } from 'node:http';

/** Build, start and return the service for a configuration (used by main and by the end-to-end tests). */
export async function startInventoryService(config: ServiceConfig): Promise<INestApplication> {
  // JSON lines from the first one on (Nest's own start-up lines and start-up failures included).
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), { logger: nestLoggerFor(config.logging) });
  app.enableShutdownHooks();
  const logging = httpRequestLogging(rootLoggerFor(config.logging));
  app.use(logging);
  recordHttpLatency(app);
  if (config.http.stockReadModel) answerStockReadsFirst(app, logging);
  useBodyLimits(app); // 16 KiB for locations and policies, 1 MiB elsewhere
  SwaggerModule.setup('docs', app, inventoryOpenApiDocument(servedRoutes(app), config.access), { jsonDocumentUrl: 'docs-json' });
  await app.listen(config.http.port, config.http.host);
  new Logger('InventoryService').log(`listening on ${serviceUrl(app)}`);
  return app;
}

/** Every route the running service serves, with its access rule, from the app's own controllers (Nest's DiscoveryService). */
export function servedRoutes(app: INestApplication): RouteAccess[] {
  const controllers = app
    .get(DiscoveryService)
    .getControllers()
    .map((wrapper) => wrapper.metatype as new (...args: never[]) => object);
  return routeTable(controllers);
}

/**
 * Stock reads the in-process read model can answer are answered before Express and NestJS see them
 * (the rest go on to NestJS), logged and timed as NestJS's requests are.
 */
function answerStockReadsFirst(app: INestApplication, logging: ReturnType<typeof httpRequestLogging>): void {
  const fastPath = app.get(StockReadFastPath);
  const { httpSeconds } = app.get(ServiceMetrics);
  answerBeforeNest(
    app.getHttpServer() as Server,
    (request) => fastPath.take(request),
    (request, response, answer: EarlyAnswer) => {
      const stop = httpSeconds.startTimer();
      response.once('finish', () => stop({ method: 'GET', route: answer.route, status: String(response.statusCode) }));
      logging(request, response, () => answer.send(response));
    },
  );
}

/** Every HTTP request's latency into inventory_http_request_seconds, labelled by route pattern. */
function recordHttpLatency(app: INestApplication): void {
  const { httpSeconds } = app.get(ServiceMetrics);
  app.use((request: Request, response: Response, next: NextFunction) => {
    const stop = httpSeconds.startTimer();
    response.on('finish', () => {
      const route = (request as Request & { route?: { path?: string } }).route?.path;
      stop({ method: request.method, route: route ? `${request.baseUrl}${route}` : 'unmatched', status: String(response.statusCode) });
    });
    next();
  });
}

/** The base URL the service answers on (the real port when it was started on port 0). */
export function serviceUrl(app: INestApplication): string {
  const address = app.getHttpServer().address() as { address: string; port: number };
  return `http://${address.address}:${address.port}`;
}
