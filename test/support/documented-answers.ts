import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ExpectStatic } from 'vitest';

/**
 * vitest's expect where vitest keeps it while it runs (the symbol @vitest/expect defines), not
 * imported: the benchmarks (tsx, CommonJS) use these helpers through test/support/service-process,
 * and vitest cannot be required there. Outside vitest it is undefined and documentedFetch is fetch.
 */
const vitestExpect = () => (globalThis as Record<symbol, ExpectStatic | undefined>)[Symbol.for('expect-global')];
const expect = ((...args: Parameters<ExpectStatic>) => {
  const found = vitestExpect();
  if (!found) throw new Error('an answer was checked against the API document outside vitest');
  return found(...args);
}) as ExpectStatic;

type Responses = Record<string, { content?: Record<string, { schema: unknown }> }>;
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Responses }>>;
  components: { schemas: Record<string, unknown> };
}

const DOCUMENT_ID = 'https://inventory-service.test/docs-json';

/**
 * A running service's OpenAPI document (its /docs-json), to check real answers against: the status
 * is one the operation documents and a JSON body matches the response schema documented for it.
 * Stricter than the document itself on one point: an object may hold no field the document does not
 * name (the served document leaves objects open, as the contract lets the service add fields; the
 * tests make sure each field it adds is documented).
 */
export class ApiDocument {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ path: string; pattern: RegExp; params: number }>;

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    const closed = structuredClone(document);
    closeObjects(closed.components.schemas);
    this.ajv.addSchema({ ...closed, $id: DOCUMENT_ID });
    this.routes = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (path.match(/\{/g) ?? []).length,
    }));
  }

  /** The documented route a request path (`/v1/stock/SKU-1`, or the route itself) is served by: the most literal match, or null. */
  routeOf(method: string, requestPath: string): string | null {
    const candidates = this.routes.filter(
      (route) => route.pattern.test(requestPath) && this.document.paths[route.path]?.[method.toLowerCase()] !== undefined,
    );
    return candidates.sort((a, b) => a.params - b.params)[0]?.path ?? null;
  }

  /**
   * Fails the test unless the document describes this answer: a path no documented route serves is
   * 404; otherwise the status is one the operation documents, the Content-Type one it gives that
   * status, and a JSON body (when given) matches the schema documented for it.
   */
  expectResponse(method: string, requestPath: string, status: number, contentType: string | null, body?: unknown): void {
    if (this.routeOf(method, requestPath) === null) {
      expect(status, `${method} ${requestPath}: no documented route serves it, so the service must not either`).toBe(404);
      return;
    }
    this.expectAnswer(method, requestPath, status, body);
    this.expectMediaType(method, requestPath, status, contentType);
  }

  /** Fails the test unless the operation documents this status, and (when given) the JSON body matches its schema. */
  expectAnswer(method: string, requestPath: string, status: number, body?: unknown): void {
    const responses = this.responsesOf(method, requestPath, status);
    if (body === undefined) return;
    const route = this.routeOf(method, requestPath)!;
    const where = `${method} ${requestPath} answered ${status}`;
    const schema = responses[String(status)]!.content?.['application/json']?.schema;
    expect(schema, `${where} with a JSON body, but the document gives no JSON schema for it`).toBeDefined();
    const validate = this.validatorOf(method.toLowerCase(), route, String(status));
    const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`);
    expect(problems, `${where} with a body the document does not describe: ${JSON.stringify(body)}`).toEqual([]);
  }

  /**
   * Fails the test unless the answer's Content-Type is a media type the document gives for this
   * status (parameters such as charset aside), or, where the document gives that status no content,
   * the answer carries no Content-Type.
   */
  expectMediaType(method: string, requestPath: string, status: number, contentType: string | null): void {
    const content = this.responsesOf(method, requestPath, status)[String(status)]!.content;
    const where = `${method} ${requestPath} answered ${status} with Content-Type ${contentType ?? '(none)'}`;
    if (content === undefined) expect(contentType, `${where}, but the document gives that answer no content`).toBeNull();
    else expect(Object.keys(content), `${where}, not a media type the document gives it`).toContain(mediaTypeOf(contentType));
  }

  /** The documented answers of the operation serving this request; fails the test unless the status is one of them. */
  private responsesOf(method: string, requestPath: string, status: number): Responses {
    const route = this.routeOf(method, requestPath);
    const where = `${method} ${requestPath} answered ${status}`;
    expect(route, `${where}: no documented route serves it`).not.toBeNull();
    const responses = this.document.paths[route!]![method.toLowerCase()]!.responses;
    expect(Object.keys(responses), `${where}: not a documented status of ${method} ${route}`).toContain(String(status));
    return responses;
  }

  private validatorOf(method: string, route: string, status: string): ValidateFunction {
    const key = `${method} ${route} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const pointer = ['paths', route, method, 'responses', status, 'content', 'application/json', 'schema']
        .map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1')))
        .join('/');
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer}` });
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** Every object schema that names its properties and says nothing of others refuses others. */
function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema.properties !== undefined && schema.additionalProperties === undefined) schema.additionalProperties = false;
  Object.values(schema).forEach(closeObjects);
}

/** `application/json` of `application/json; charset=utf-8`; null for no Content-Type. */
export function mediaTypeOf(contentType: string | null): string | null {
  return contentType === null ? null : contentType.split(';')[0]!.trim().toLowerCase();
}

const documents = new Map<string, Promise<ApiDocument>>();

/** The document the service at this origin serves, fetched once (again after a failed fetch, or once forgotten). */
export function apiDocumentOf(origin: string): Promise<ApiDocument> {
  const base = new URL(origin).origin;
  let document = documents.get(base);
  if (!document) {
    document = fetch(`${base}/docs-json`).then(async (response) => {
      expect(response.status, `${base}/docs-json`).toBe(200);
      return new ApiDocument((await response.json()) as OpenApiDocument);
    });
    document.catch(() => documents.delete(base));
    documents.set(base, document);
  }
  return document;
}

/** Forget the document of the service at this origin: another service (perhaps configured otherwise) is to listen there. */
export function forgetApiDocumentOf(origin: string): void {
  documents.delete(new URL(origin).origin);
}

/**
 * `fetch`, checked against the service's own OpenAPI document: a documented route's status must be
 * documented, its Content-Type must be one the document gives that answer, and a JSON body (read
 * here, whether the test reads it or not) must match the schema documented for that status. A path
 * no documented route serves must be answered 404. Import it as `fetch` in a test file so every
 * answer the file gets is checked.
 */
export async function documentedFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(input);
  const method = (init?.method ?? 'GET').toUpperCase();
  const response = await fetch(input, init);
  if (/^\/docs(-json|\/|$)/.test(url.pathname) || !vitestExpect()) return response;
  const document = await apiDocumentOf(url.origin);
  const contentType = response.headers.get('content-type');
  let body: unknown;
  if (mediaTypeOf(contentType) === 'application/json') {
    const text = await response.clone().text();
    expect(
      () => (body = JSON.parse(text)),
      `${method} ${url.pathname} answered ${response.status} with JSON that does not parse`,
    ).not.toThrow();
  }
  document.expectResponse(method, url.pathname, response.status, contentType, body);
  return response;
}
