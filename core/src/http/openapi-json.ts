import type { TSchema } from '@sinclair/typebox';

/**
 * Turns TypeBox schemas into JSON Schema 2020-12, the dialect of OpenAPI 3.1: TypeBox's symbol keys
 * (`Kind`, `Optional`) are left out, and a nested schema that is itself one of `components` becomes a
 * `$ref` to it. Shared by the server's and the registry's OpenAPI documents.
 */
export function openApiSchemas(components: Record<string, TSchema>) {
  const names = new Map<unknown, string>(Object.entries(components).map(([name, schema]) => [schema, name]));
  const jsonSchema = (value: unknown, root = true): unknown => {
    if (Array.isArray(value)) return value.map((item) => jsonSchema(item, false));
    if (value === null || typeof value !== 'object') return value;
    const name = root ? undefined : names.get(value);
    if (name) return { $ref: `#/components/schemas/${name}` };
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      if (item !== undefined) copy[key] = jsonSchema(item, false);
    return copy;
  };
  return {
    jsonSchema,
    /** A `$ref` to the schema's component when it has one, else the schema itself. */
    schemaRef: (schema: TSchema) => jsonSchema(schema, false),
  };
}

/** `/api/flows/:id/deploy` → `/api/flows/{id}/deploy`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');
