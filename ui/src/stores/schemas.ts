import { defineStore } from 'pinia';
import { api } from '../api/http';
import type { JsonSchema } from '../api/types';

/**
 * Request schemas from the server's OpenAPI document, so console forms check exactly what the
 * API will check and change with it.
 */
export const useSchemas = defineStore('schemas', () => {
  let document: Promise<{ components: { schemas: Record<string, JsonSchema> } }> | null = null;

  async function schema(name: string): Promise<JsonSchema> {
    document ??= api.get('/api/openapi.json');
    try {
      const found = (await document).components.schemas[name];
      if (!found) throw new Error(`The server's API description has no ${name} schema.`);
      return JSON.parse(JSON.stringify(found)) as JsonSchema;
    } catch (error) {
      document = null;
      throw error;
    }
  }

  return { schema };
});
