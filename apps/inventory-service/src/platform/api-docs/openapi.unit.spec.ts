import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { controllersOf, routeTable } from '../access/route-table';
import { AppModule } from '../../app.module';
import { loadServiceConfig } from '../config/service-config';
import { inventoryOpenApiDocument } from './openapi';

/** Every route the service serves, with its access rule, read from the controllers' own decorators. */
const served = () => routeTable(controllersOf(AppModule.forConfig(loadServiceConfig({}))));
const documentFor = (storefrontReadKeyRequired: boolean) => inventoryOpenApiDocument(served(), { storefrontReadKeyRequired });
type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, unknown> };
const operationOf = (document: ReturnType<typeof documentFor>, method: string, path: string) =>
  (document.paths as Record<string, Record<string, Operation>>)[path]![method.toLowerCase()]!;

describe('OpenAPI document', () => {
  it('documents exactly the routes the service serves', () => {
    const documented = Object.entries(documentFor(false).paths)
      .flatMap(([path, operations]) => Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(
      served()
        .map((route) => `${route.method} ${route.path}`)
        .sort(),
    );
  });

  it("names the contract's endpoints", () => {
    const paths = Object.keys(documentFor(false).paths);
    for (const path of ['/v1/locations/{locationId}', '/v1/stock/{sku}', '/v1/stock', '/v1/stock/{sku}/pickup', '/v1/pos/events'])
      expect(paths).toContain(path);
  });

  it("shows each route's security as its access rule declares it: the operator scope with 401 and 403, the POS key, or none", () => {
    const document = documentFor(false);
    for (const route of served()) {
      const operation = operationOf(document, route.method, route.path);
      if (route.rule?.kind === 'operator') {
        expect(operation.security, `${route.method} ${route.path}`).toEqual([{ operatorKey: [route.rule.scope] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      } else if (route.rule?.kind === 'posStore') {
        expect(operation.security).toEqual([{ posKey: [] }]);
        expect(Object.keys(operation.responses)).toContain('401');
      } else {
        expect(operation.security, `${route.method} ${route.path}`).toEqual([]);
      }
    }
    expect(operationOf(document, 'PUT', '/v1/locations/{locationId}').security).toEqual([{ operatorKey: ['locations:write'] }]);
    expect(operationOf(document, 'GET', '/metrics').security).toEqual([{ operatorKey: ['operations:read'] }]);
  });

  it('puts the storefront reads behind stock:read when STOREFRONT_READ_KEY_REQUIRED=true', () => {
    const open = documentFor(false);
    const keyed = documentFor(true);
    for (const route of served().filter((r) => r.rule?.kind === 'storefront')) {
      expect(operationOf(open, route.method, route.path).security).toEqual([]);
      expect(operationOf(keyed, route.method, route.path).security).toEqual([{ operatorKey: ['stock:read'] }]);
    }
    expect(operationOf(keyed, 'GET', '/health/ready').security).toEqual([]);
  });
});
