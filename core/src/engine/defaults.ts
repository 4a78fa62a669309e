import type { JsonObject, JsonSchema } from '@cairn/sdk';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { NodeCatalog } from './catalog.js';

// Only fills defaults: errors are reported by `validateFlow`, formats are not checked here.
const ajv = new Ajv2020({
  strict: false,
  useDefaults: true,
  logger: false,
  addUsedSchema: false,
  validateFormats: false,
});
const fillers = new Map<string, ValidateFunction | null>();

function filler(schema: JsonSchema): ValidateFunction | null {
  const key = JSON.stringify(schema);
  let fill = fillers.get(key);
  if (fill === undefined) {
    try {
      fill = ajv.compile(schema);
    } catch {
      fill = null;
    }
    fillers.set(key, fill);
  }
  return fill;
}

interface GraphLike {
  nodes?: { data?: { plugin?: unknown; version?: unknown; node?: unknown; config?: unknown } }[];
}

/**
 * A copy of the flow in which each node's config has the defaults its schema declares for the
 * fields it leaves out, so a node configured with only what matters still validates and runs
 * with the documented defaults. Nodes of unknown plugins are left as they are.
 */
export function withConfigDefaults<T>(flow: T, catalog: NodeCatalog): T {
  const copy = structuredClone(flow) as T & GraphLike;
  for (const node of copy.nodes ?? []) {
    const data = node?.data;
    if (typeof data?.plugin !== 'string' || typeof data.version !== 'string' || typeof data.node !== 'string')
      continue;
    if (data.config === null || typeof data.config !== 'object' || Array.isArray(data.config)) continue;
    const manifest = catalog.findNode({ plugin: data.plugin, version: data.version, node: data.node });
    if (manifest) filler(manifest.config)?.(data.config as JsonObject);
  }
  return copy;
}
