import { httpResponseSchemas } from '@app/contracts';
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** A request schema as JSON Schema (2020-12, as OpenAPI 3.1 takes it), from the same zod schema that validates it. */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return jsonSchema;
}

/** `#/components/schemas/<id>`: a response schema of @app/contracts by its registered id (the unit test checks each resolves). */
export const ref = (id: string): JsonSchema => ({ $ref: `#/components/schemas/${id}` });

/**
 * Every response body of @app/contracts as a component schema, with `$ref`s between them. Objects
 * stay open (the contract lets the service add fields, so a client must not reject one), integers
 * carry no ±2^53 bounds and timestamps say `format: date-time` without zod's long pattern.
 */
export function responseComponents(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(httpResponseSchemas, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      const node = jsonSchema as JsonSchema;
      if (node.additionalProperties === false) delete node.additionalProperties;
      if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
      if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
      if (node.format === 'date-time') delete node.pattern;
    },
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema as JsonSchema]));
}
