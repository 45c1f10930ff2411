import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../app.module';
import { loadServiceConfig } from '../config/service-config';
import { inventoryOpenApiDocument } from './openapi';

type Class = new (...args: never[]) => object;

/** Every route the service serves, as "METHOD /path/{param}", read from the controllers' own decorators. */
function servedRoutes(): string[] {
  const controllers = (AppModule.forConfig(loadServiceConfig({})).controllers ?? []) as Class[];
  const routes: string[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const path = ['', base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')]
        .join('/')
        .replace(/\/+/g, '/')
        .replace(/\/$/, '')
        .replace(/:(\w+)/g, '{$1}');
      routes.push(`${method} ${path}`);
    }
  }
  return routes.sort();
}

describe('OpenAPI document', () => {
  it('documents exactly the routes the service serves', () => {
    const documented = Object.entries(inventoryOpenApiDocument().paths)
      .flatMap(([path, operations]) => Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(servedRoutes());
  });

  it("names the contract's endpoints", () => {
    const paths = Object.keys(inventoryOpenApiDocument().paths);
    for (const path of ['/v1/locations/{locationId}', '/v1/stock/{sku}', '/v1/stock', '/v1/stock/{sku}/pickup', '/v1/pos/events']) expect(paths).toContain(path);
  });
});
