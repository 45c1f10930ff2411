import type { OpenAPIObject } from '@nestjs/swagger';
import type { AccessRule } from '../access';
import { OPERATOR_SCOPE_MEANING, OPERATOR_SCOPES } from '../access';
import type { RouteAccess } from '../access';
import type { ServiceConfig } from '../config';
import { responseComponents } from './json-schema';
import { error } from './openapi-parts';
import { operationsPaths } from './operations-paths';
import { stockPaths } from './stock-paths';
import { writePaths } from './write-paths';

/**
 * The HTTP API as OpenAPI 3.1, served at /docs (UI) and /docs-json. Request and response bodies come
 * from the zod schemas of @app/contracts (requests: the schemas that validate them; responses: the
 * schemas whose inferred types the controllers return); each operation's security (and its 401/403 answers) comes from the
 * route's @Access rule in the route table. A unit test checks that every route the service serves
 * is here and nothing else is.
 */
export function inventoryOpenApiDocument(
  routes: readonly RouteAccess[],
  access: Pick<ServiceConfig['access'], 'storefrontReadKeyRequired'>,
): OpenAPIObject {
  const document = documentWithoutSecurity();
  for (const route of routes) {
    const operation = (document.paths[route.path] as Record<string, Record<string, unknown>> | undefined)?.[route.method.toLowerCase()];
    if (operation && route.rule) Object.assign(operation, securityOf(route.rule, access, operation.responses as Record<string, unknown>));
  }
  return document;
}

const unauthorized = error('No key, or not an active one (the answer carries WWW-Authenticate: Bearer)');
const forbidden = (scope: string) => error(`The key lacks the ${scope} scope`);

/** An operation's `security` and the answers its rule adds, as OpenAPI puts them. */
function securityOf(
  rule: AccessRule,
  access: Pick<ServiceConfig['access'], 'storefrontReadKeyRequired'>,
  responses: Record<string, unknown>,
): Record<string, unknown> {
  const operator = (scope: string) => ({
    security: [{ operatorKey: [scope] }],
    responses: { ...responses, '401': unauthorized, '403': forbidden(scope) },
  });
  switch (rule.kind) {
    case 'open':
      return { security: [] };
    case 'storefront':
      return access.storefrontReadKeyRequired ? operator('stock:read') : { security: [] };
    case 'operator':
      return operator(rule.scope);
    case 'posStore':
      return { security: [{ posKey: [] }], responses: { ...responses, '401': unauthorized } };
  }
}

function documentWithoutSecurity(): OpenAPIObject & { paths: Record<string, unknown> } {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Omnichannel inventory service',
      version: '1.0.0',
      description:
        'Wire contract v1.1 (shared/CONTRACT.md), HTTP side. Errors are `{"error","code","details":[{"field","problem"}]}` with a fitting status. ' +
        "Writes, order fulfillment, the dashboard's data and /metrics need an operator key (`Authorization: Bearer op_...`, the scope each operation names): 401 with `WWW-Authenticate: Bearer` without one, 403 when it lacks the scope.",
    },
    // A copy: the route table's security is then written into each operation of this document only.
    paths: structuredClone({ ...stockPaths, ...writePaths, ...operationsPaths }),
    components: {
      securitySchemes: {
        posKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A store key from `npm run cli -- issue-pos-key <storeId>`: pos_<keyId>_<secret>',
        },
        operatorKey: {
          type: 'http',
          scheme: 'bearer',
          description: `An operator key from \`npm run cli -- issue-operator-key NAME [--scopes SCOPE,...]\`: op_<keyId>_<secret>. Each operation names the scope it needs: ${OPERATOR_SCOPES.map((scope) => `${scope}: ${OPERATOR_SCOPE_MEANING[scope]}`).join('; ')}.`,
        },
      },
      schemas: responseComponents(),
    },
  } as unknown as OpenAPIObject & { paths: Record<string, unknown> };
}
