import 'reflect-metadata';
import { Controller, Get, Logger, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import type { DestinationStream } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { mintApiKey } from '../access/api-keys';
import type { LogLevel } from '../config/service-config';
import { ApiErrorFilter } from '../http/api-error.filter';
import { httpRequestLogging } from './http-request-logging';
import { withLogContext } from './log-context';
import { createRootLogger, nestLoggerFor } from './service-logger';

type Line = Record<string, unknown>;

function capture(): DestinationStream & { lines: Line[] } {
  const lines: Line[] = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Line) };
}

describe('the root logger', () => {
  it('writes one JSON object a line: level by name, ISO time, message and fields', () => {
    const out = capture();
    createRootLogger({ level: 'info', format: 'json' }, out).info({ context: 'Probe', n: 1 }, 'hello');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ level: 'info', context: 'Probe', n: 1, msg: 'hello' });
    expect(String(out.lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('keeps lines below its level out', () => {
    const out = capture();
    const logger = createRootLogger({ level: 'warn', format: 'json' }, out);
    logger.info('no');
    logger.debug('no');
    logger.warn('yes');
    expect(out.lines.map((line) => line.msg)).toEqual(['yes']);
  });

  it('adds the fields of the work in progress, however deep and across awaits; inner and own fields win', async () => {
    const out = capture();
    const logger = createRootLogger({ level: 'info', format: 'json' }, out);
    await withLogContext({ correlationId: 'batch', topic: 't', partition: 1 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('in the batch');
      withLogContext({ correlationId: 'e-1', unused: undefined }, () => logger.warn('dead letter'));
      logger.info({ topic: 'own' }, 'own field');
    });
    logger.info('outside');
    expect(out.lines.map(({ msg, correlationId, topic, partition }) => ({ msg, correlationId, topic, partition }))).toEqual([
      { msg: 'in the batch', correlationId: 'batch', topic: 't', partition: 1 },
      { msg: 'dead letter', correlationId: 'e-1', topic: 't', partition: 1 },
      { msg: 'own field', correlationId: 'batch', topic: 'own', partition: 1 },
      { msg: 'outside', correlationId: undefined, topic: undefined, partition: undefined },
    ]);
    expect(out.lines[1]).not.toHaveProperty('unused');
  });

  it('writes no key and no Authorization header: not in a field, not in a message, not in an error, json or pretty', () => {
    const operatorKey = mintApiKey('op').apiKey;
    const posKey = mintApiKey('pos').apiKey;
    for (const format of ['json', 'pretty'] as const) {
      const written: string[] = [];
      const logger = createRootLogger({ level: 'info', format }, { write: (line: string) => void written.push(line) });
      logger.info({ req: { headers: { authorization: `Bearer ${operatorKey}`, host: 'h' } } }, 'request');
      logger.info({ headers: { authorization: `bearer ${posKey}` }, apiKey: operatorKey }, 'fields');
      logger.warn(`refused ${posKey} from a POS; header was "Authorization: Bearer ${operatorKey}"`);
      logger.error({ err: new Error(`lookup of ${operatorKey} failed`) }, 'failed');
      const output = written.join('');
      expect(written).toHaveLength(4);
      for (const secret of [operatorKey, posKey, operatorKey.split('_').slice(2).join('_'), posKey.split('_').slice(2).join('_')])
        expect(output).not.toContain(secret);
      expect(output).toContain('[redacted]');
      if (format === 'json') expect(JSON.parse(written[0]!).req.headers).toEqual({ authorization: '[redacted]', host: 'h' });
    }
  });

  it('writes readable lines with LOG_FORMAT=pretty', () => {
    const written: string[] = [];
    createRootLogger({ level: 'info', format: 'pretty' }, { write: (line: string) => void written.push(line) }).info(
      { context: 'Probe' },
      'hello',
    );
    expect(written).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[Probe\] hello\n$/)]);
  });
});

@Controller('probe')
class ProbeController {
  private readonly logger = new Logger('Probe');

  @Get('ok')
  async ok(): Promise<{ ok: true }> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.logger.log('handling');
    return { ok: true };
  }

  @Get('broken')
  broken(): never {
    throw new Error('boom');
  }
}

describe('HTTP requests', () => {
  let app: INestApplication | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
    __resetOutOfContextForTests(); // nestjs-pino keeps its first root logger for the process
  });

  async function serve(level: LogLevel) {
    const out = capture();
    const settings = { level, format: 'json' as const };
    const root = createRootLogger(settings, out);
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [{ provide: APP_FILTER, useClass: ApiErrorFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: nestLoggerFor(settings, root) });
    app.use(httpRequestLogging(root));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers });
    const forRequest = (id: string) => out.lines.filter((line) => line.correlationId === id);
    return { out, get, forRequest };
  }

  it("echo the caller's x-correlation-id, or a new one, and every line written for the request carries it", async () => {
    const { get, forRequest } = await serve('debug');
    const response = await get('/probe/ok', { 'x-correlation-id': 'corr-123' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('corr-123');
    await response.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(forRequest('corr-123')).toEqual([
      expect.objectContaining({ level: 'info', context: 'Probe', msg: 'handling' }),
      expect.objectContaining({
        level: 'debug',
        context: 'HttpRequest',
        method: 'GET',
        url: '/probe/ok',
        statusCode: 200,
        msg: expect.stringMatching(/^GET \/probe\/ok 200 in \d+ ms$/),
      }),
    ]);

    const unnamed = await get('/probe/ok', { 'x-correlation-id': 'x'.repeat(201) });
    const made = unnamed.headers.get('x-correlation-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    await unnamed.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(forRequest(made).map((line) => line.context)).toEqual(['Probe', 'HttpRequest']);
  });

  it('at info, write no line for a request that went well and one for a 5xx, with the error logged under the same id', async () => {
    const { out, get, forRequest } = await serve('info');
    await (await get('/probe/ok', { 'x-correlation-id': 'fine' })).text();
    const broken = await get('/probe/broken', { 'x-correlation-id': 'broken' });
    expect(broken.status).toBe(500);
    await broken.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(forRequest('fine').map((line) => line.context)).toEqual(['Probe']);
    expect(forRequest('broken')).toEqual([
      expect.objectContaining({ level: 'error', context: 'ApiErrorFilter', msg: expect.stringContaining('Error: boom') }),
      expect.objectContaining({ level: 'warn', context: 'HttpRequest', url: '/probe/broken', statusCode: 500 }),
    ]);
    expect(out.lines.every((line) => typeof line.context === 'string')).toBe(true);
  });
});
