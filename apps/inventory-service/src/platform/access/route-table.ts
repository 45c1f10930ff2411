import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_RULE, type AccessRule } from './access-rule';

type Class = new (...args: never[]) => object;

/** One route the service serves, as OpenAPI names it (`/v1/locations/{locationId}`), with its access rule (null: none declared). */
export interface RouteAccess {
  method: string;
  path: string;
  controller: string;
  handler: string;
  rule: AccessRule | null;
}

/**
 * Every route of these controllers with the access rule it declares (on the handler, else on the
 * controller), read from the controllers' own decorators. The OpenAPI document's security, the test
 * that every route declares a rule and the end-to-end test of 401/403/2xx all read this table.
 */
export function routeTable(controllers: readonly Class[]): RouteAccess[] {
  const routes: RouteAccess[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const path = ['', base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')]
        .join('/')
        .replace(/\/+/g, '/')
        .replace(/(.)\/$/, '$1')
        .replace(/:(\w+)/g, '{$1}');
      const rule = (Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, controller) ?? null) as AccessRule | null;
      routes.push({ method, path, controller: controller.name, handler: name, rule });
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/**
 * The controllers of a module and of the modules it imports, transitively (read from @Module and
 * DynamicModule fields, without starting Nest): what the running service serves, for tests that
 * read the route table without an application.
 */
export function controllersOf(root: Class | DynamicModule): Class[] {
  const controllers = new Set<Class>();
  const seen = new Set<unknown>();
  const visit = (module: unknown): void => {
    if (module === null || module === undefined || seen.has(module)) return;
    seen.add(module);
    const dynamic = typeof module === 'object' && 'module' in module ? (module as DynamicModule) : null;
    const moduleClass = (dynamic ? dynamic.module : module) as Class;
    const fields = (key: string): unknown[] => (Reflect.getMetadata(key, moduleClass) as unknown[] | undefined) ?? [];
    for (const controller of [...fields(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])])
      controllers.add(controller as Class);
    for (const imported of [...fields(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) visit(imported);
  };
  visit(root);
  return [...controllers];
}
