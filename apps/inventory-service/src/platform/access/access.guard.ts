import { SqlReader } from '@app/event-store';
import { HttpStatus, Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ServiceConfig } from '../config';
import { ApiError } from '../http';
import { storeOfPosKey } from './pos-api-keys';
import { ACCESS_RULE, CALLER, type AccessRule, type Caller, type RequestWithCaller } from './access-rule';
import { parseApiKey } from './api-keys';
import { operatorKeyMay, operatorKeyOf } from './operator-keys';
import type { OperatorScope } from './operator-scopes';

const REALM = 'Bearer realm="inventory-service"';

/**
 * The one guard in front of every route (APP_GUARD): it reads the route's @Access rule and lets the
 * request through only when the caller meets it. A route that declares no rule is refused, so a new
 * route is closed until someone decides who may call it. Keys are looked up on every request, so a
 * revoked key stops working at once.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<Request & RequestWithCaller>();
    const response = context.switchToHttp().getResponse<Response>();
    if (!rule) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access rule (@Access...): refused`);
      throw new ApiError(HttpStatus.FORBIDDEN, 'ACCESS.UNDECLARED_ROUTE', 'this route declares no access rule, so nobody may call it', [
        { field: 'route', problem: 'no access rule declared' },
      ]);
    }
    request[CALLER] = await this.callerFor(rule, request, response);
    return true;
  }

  private async callerFor(rule: AccessRule, request: Request, response: Response): Promise<Caller> {
    switch (rule.kind) {
      case 'open':
        return { kind: 'anyone' };
      case 'storefront':
        return this.config.access.storefrontReadKeyRequired ? this.operator('stock:read', request, response) : { kind: 'anyone' };
      case 'operator':
        return this.operator(rule.scope, request, response);
      case 'posStore':
        return this.posStore(request, response);
    }
  }

  private async operator(scope: OperatorScope, request: Request, response: Response): Promise<Caller> {
    const presented = bearerOf(request);
    if (presented === null) {
      response.setHeader('WWW-Authenticate', REALM);
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'ACCESS.KEY_REQUIRED',
        `send an operator key with the ${scope} scope as "Authorization: Bearer op_..." (npm run cli -- issue-operator-key NAME)`,
        [{ field: 'authorization', problem: 'missing' }],
      );
    }
    const key = await operatorKeyOf(this.reads, presented);
    if (key === null) {
      response.setHeader('WWW-Authenticate', `${REALM}, error="invalid_token"`);
      const problem = parseApiKey(presented)?.prefix === 'pos' ? 'a POS store key, not an operator key' : 'unknown or revoked key';
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'ACCESS.KEY_INVALID',
        'the key is not an active operator key; ask an operator for one (npm run cli -- issue-operator-key NAME)',
        [{ field: 'authorization', problem }],
      );
    }
    if (!operatorKeyMay(key, scope)) {
      response.setHeader('WWW-Authenticate', `${REALM}, error="insufficient_scope", scope="${scope}"`);
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'ACCESS.SCOPE_MISSING',
        `the key ${key.keyId} (${key.name}) may not do this: it needs the ${scope} scope`,
        [{ field: 'authorization', problem: `key lacks scope ${scope}` }],
      );
    }
    return { kind: 'operator', keyId: key.keyId, name: key.name };
  }

  private async posStore(request: Request, response: Response): Promise<Caller> {
    const presented = bearerOf(request);
    if (presented === null) {
      response.setHeader('WWW-Authenticate', REALM);
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'POS.KEY_REQUIRED', 'send the store\'s API key as "Authorization: Bearer pos_..."', [
        { field: 'authorization', problem: 'missing' },
      ]);
    }
    const storeId = await storeOfPosKey(this.reads, presented);
    if (storeId === null) {
      response.setHeader('WWW-Authenticate', `${REALM}, error="invalid_token"`);
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'POS.KEY_INVALID',
        'the API key is unknown or revoked; ask an operator for a key for this store',
        [{ field: 'authorization', problem: 'unknown or revoked key' }],
      );
    }
    return { kind: 'posStore', keyId: parseApiKey(presented)!.keyId, storeId };
  }
}

/** The credential of an `Authorization: Bearer <credential>` header (the scheme in any case), or null. */
export function bearerOf(request: Pick<Request, 'headers'>): string | null {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)[ ]*$/i.exec(header) : null;
  return match ? match[1]! : null;
}
