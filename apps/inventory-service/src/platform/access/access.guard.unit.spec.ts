import 'reflect-metadata';
import { SqlReader } from '@app/event-store';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceConfig, loadServiceConfig } from '../config/service-config';
import { ApiErrorFilter } from '../http/api-error.filter';
import { Access } from './access-rule';
import { AccessGuard, bearerOf } from './access.guard';

@Controller('probe')
class ProbeController {
  @Get('declared')
  @Access.open()
  declared() {
    return { ok: true };
  }

  @Get('undeclared')
  undeclared() {
    return { ok: true };
  }
}

@Controller('closed')
@Access.operator('operations:read')
class ClosedController {
  @Get()
  get() {
    return { ok: true };
  }

  @Get('open')
  @Access.open()
  open() {
    return { ok: true };
  }
}

/** No key is looked up by these routes' rules; a lookup would be a failure of the test. */
class NoDatabase extends SqlReader {
  async query(): Promise<never> {
    throw new Error('no database in this test');
  }
}

describe('AccessGuard', () => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController, ClosedController],
      providers: [
        { provide: ServiceConfig, useValue: loadServiceConfig({}) },
        { provide: SqlReader, useClass: NoDatabase },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => app?.close());

  it('refuses a route that declares no access rule (fail closed), and lets a declared open route through', async () => {
    expect((await fetch(`${base}/probe/declared`)).status).toBe(200);
    const refused = await fetch(`${base}/probe/undeclared`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: expect.any(String),
      code: 'ACCESS.UNDECLARED_ROUTE',
      details: [{ field: 'route', problem: 'no access rule declared' }],
    });
  });

  it("takes a controller's rule for its routes, a handler's own rule over it", async () => {
    const closed = await fetch(`${base}/closed`);
    expect(closed.status).toBe(401);
    expect(closed.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await closed.json()).toMatchObject({ code: 'ACCESS.KEY_REQUIRED', details: [{ field: 'authorization', problem: 'missing' }] });
    expect((await fetch(`${base}/closed/open`)).status).toBe(200);
  });

  it('reads a bearer credential in any case of the scheme, and nothing else', () => {
    expect(bearerOf({ headers: { authorization: 'Bearer op_abc' } })).toBe('op_abc');
    expect(bearerOf({ headers: { authorization: 'bearer  op_abc ' } })).toBe('op_abc');
    for (const authorization of [undefined, '', 'Bearer', 'Bearer ', 'Basic b3A=', 'Bearer a b', 'op_abc'])
      expect(bearerOf({ headers: { authorization } })).toBeNull();
  });
});
