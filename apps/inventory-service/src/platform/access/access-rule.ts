import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { OperatorScope } from './operator-scopes';

/**
 * Who may call a route. Every route declares one (the AccessGuard refuses a route that does not):
 * - open: anyone (health, the dashboard's page, the location registry);
 * - storefront: stock reads; anyone, unless STOREFRONT_READ_KEY_REQUIRED=true, then an operator key with stock:read;
 * - operator: an operator key with this scope;
 * - posStore: a store's POS key; the route gets the key's store (@PosKeyStore()) and checks the event is for it.
 */
export type AccessRule = { kind: 'open' } | { kind: 'storefront' } | { kind: 'operator'; scope: OperatorScope } | { kind: 'posStore' };

export const ACCESS_RULE = 'inventory:access-rule';

export const Access = {
  open: () => SetMetadata(ACCESS_RULE, { kind: 'open' } satisfies AccessRule),
  storefront: () => SetMetadata(ACCESS_RULE, { kind: 'storefront' } satisfies AccessRule),
  operator: (scope: OperatorScope) => SetMetadata(ACCESS_RULE, { kind: 'operator', scope } satisfies AccessRule),
  posStore: () => SetMetadata(ACCESS_RULE, { kind: 'posStore' } satisfies AccessRule),
};

/** What the guard learnt about the caller, kept on the request. */
export type Caller =
  { kind: 'anyone' } | { kind: 'operator'; keyId: string; name: string } | { kind: 'posStore'; keyId: string; storeId: string };
export const CALLER = Symbol('inventory:caller');
export type RequestWithCaller = { [CALLER]?: Caller };

/** The store of the POS key the request was authenticated with (on a route declared @Access.posStore()). */
export const PosKeyStore = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>()[CALLER];
  if (caller?.kind !== 'posStore') throw new Error('@PosKeyStore() is only for routes declared @Access.posStore()');
  return caller.storeId;
});
