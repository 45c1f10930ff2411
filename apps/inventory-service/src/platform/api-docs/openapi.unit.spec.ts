import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { controllersOfModule, routeTable } from '../access/route-table';
import { AppModule } from '../../app.module';
import { loadServiceConfig } from '../config/service-config';
import { inventoryOpenApiDocument } from './openapi';

/** Every route the service serves, with its access rule, read from the controllers' own decorators. */
const served = () => routeTable(controllersOfModule(AppModule.forConfig(loadServiceConfig({}))));
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

describe('OpenAPI response schemas', () => {
  const document = documentFor(false) as unknown as {
    paths: Record<string, Record<string, Operation & { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const refsIn = (node: unknown): string[] =>
    node && typeof node === 'object'
      ? Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : refsIn(value)))
      : [];

  it('takes every JSON answer from a response schema of @app/contracts, by reference', () => {
    for (const [path, operations] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(operations))
        for (const [status, response] of Object.entries(operation.responses)) {
          const json = response.content?.['application/json'];
          if (json)
            expect(json.schema, `${method.toUpperCase()} ${path} ${status}`).toEqual({
              $ref: expect.stringMatching(/^#\/components\/schemas\//),
            });
        }
  });

  it('resolves every $ref to a component, and keeps objects open to fields the service may add', () => {
    for (const ref of refsIn(document))
      expect(Object.keys(document.components.schemas)).toContain(ref.replace('#/components/schemas/', ''));
    expect(JSON.stringify(document.components.schemas)).not.toContain('"additionalProperties":false');
    expect(document.components.schemas).toMatchObject({
      SkuStock: { required: ['sku', 'onHand', 'reserved', 'available', 'onlineAvailableToPromise', 'locations', 'position'] },
      Error: { required: ['error', 'details'] },
    });
  });
});
