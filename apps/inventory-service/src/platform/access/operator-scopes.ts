/**
 * What an operator key may do. A key issued without --scopes may do all of it (now and later scopes).
 * stock:read is needed only when STOREFRONT_READ_KEY_REQUIRED=true puts the storefront reads behind keys.
 */
export const OPERATOR_SCOPES = [
  'locations:write',
  'policies:write',
  'movements:write',
  'orders:read',
  'operations:read',
  'stock:read',
] as const;
export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

export const OPERATOR_SCOPE_MEANING: Record<OperatorScope, string> = {
  'locations:write': 'register a location or change its profile (PUT /v1/locations/{id})',
  'policies:write': "set a SKU's policy at a location (PUT /v1/locations/{id}/skus/{sku}/policy)",
  'movements:write': 'post stock movements (POST /v1/stock/movements)',
  'orders:read': "read an order's fulfillment, delivery point included (GET /v1/orders/{id}/fulfillment)",
  'operations:read': "read the dashboard's data and /metrics",
  'stock:read': 'read stock (GET /v1/stock..., pickup search, the live stream) when STOREFRONT_READ_KEY_REQUIRED=true',
};

export function isOperatorScope(text: string): text is OperatorScope {
  return (OPERATOR_SCOPES as readonly string[]).includes(text);
}
