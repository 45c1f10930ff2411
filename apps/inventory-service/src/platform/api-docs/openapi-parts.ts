import { ref, type JsonSchema } from './json-schema';

/** The pieces the path files share: JSON answers, the error answer, and the stock views' position, ETag and minPosition. */
export const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });
export const error = (description: string) => json(ref('Error'), description);
export const pathParam = (name: string, schema: JsonSchema = { type: 'string' }) => ({ name, in: 'path', required: true, schema });

export const positionParam = {
  name: 'minPosition',
  in: 'query',
  required: false,
  description: 'A position from an earlier answer: wait (bounded) until the view has reached it, else 503 with Retry-After.',
  schema: { type: 'string', pattern: '^\\d+\\.\\d+$' },
};
export const ifNoneMatch = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'An ETag from an earlier answer: 304 if nothing changed.',
  schema: { type: 'string' },
};
export const viewBehind = { '503': error('minPosition not reached in time; retry after the Retry-After seconds') };
export const notModified = { '304': { description: 'Not modified since the ETag given in If-None-Match' } };
export const stockReadResponses = (body: JsonSchema) => ({
  '200': { ...json(body, 'The stock, with the view position it reflects'), headers: { ETag: { schema: { type: 'string' } } } },
  ...notModified,
  '400': error('A parameter is not valid: details name it'),
  ...viewBehind,
});
export const pageParams = (max: number) => [
  { name: 'after', in: 'query', required: false, description: 'The `next` of the previous page', schema: { type: 'string' } },
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: max, default: 100 } },
];
export const alertLimitParam = {
  name: 'limit',
  in: 'query',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
};
