import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../../app.module';
import { loadServiceConfig } from '../config/service-config';
import { controllersOf, routeTable } from './route-table';

describe("the service's route table", () => {
  const routes = routeTable(controllersOf(AppModule.forConfig(loadServiceConfig({}))));

  it('has every route declare who may call it (@Access...): a route without a rule is refused by the guard', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(
      routes.filter((route) => route.rule === null).map((route) => `${route.method} ${route.path} (${route.controller}.${route.handler})`),
    ).toEqual([]);
  });

  it("protects what the contract's Operator access section names, with the scope it needs", () => {
    const ruleOf = (method: string, path: string) => routes.find((route) => route.method === method && route.path === path)?.rule;
    expect(ruleOf('PUT', '/v1/locations/{locationId}')).toEqual({ kind: 'operator', scope: 'locations:write' });
    expect(ruleOf('PUT', '/v1/locations/{locationId}/skus/{sku}/policy')).toEqual({ kind: 'operator', scope: 'policies:write' });
    expect(ruleOf('GET', '/v1/orders/{orderId}/fulfillment')).toEqual({ kind: 'operator', scope: 'orders:read' });
    expect(ruleOf('GET', '/v1/dashboard/summary')).toEqual({ kind: 'operator', scope: 'operations:read' });
    expect(ruleOf('GET', '/metrics')).toEqual({ kind: 'operator', scope: 'operations:read' });
    expect(ruleOf('POST', '/v1/pos/events')).toEqual({ kind: 'posStore' });
    for (const path of ['/v1/stock/{sku}', '/v1/stock', '/v1/stock/stream', '/v1/stock/{sku}/pickup'])
      expect(ruleOf('GET', path)).toEqual({ kind: 'storefront' });
    for (const path of ['/health/live', '/health/ready', '/dashboard']) expect(ruleOf('GET', path)).toEqual({ kind: 'open' });
  });
});
