import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * An ajv instance for JSON Schema 2020-12 (what TypeBox emits).
 *
 * `strict` is on for Cairn's own schemas and off for schemas written by plugin authors, which
 * may carry editor hints (`x-widget`, `ui:order`) that ajv does not know. Schemas are never
 * registered by `$id`, so two plugins that both call their config `Config` do not collide.
 */
export function createAjv(strict: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict, logger: false, addUsedSchema: false });
  addFormats.default(ajv);
  return ajv;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDEX = /^\d+$/;

/** Appends one property or index to a path written the way people read it: `nodes[2].data.config`. */
export function appendPath(base: string, segment: string): string {
  if (INDEX.test(segment)) return `${base}[${segment}]`;
  if (IDENTIFIER.test(segment)) return base === '' ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

function decodePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The field an ajv error is about, e.g. `nodes[2].data.config.threshold`. */
export function errorPath(base: string, error: ErrorObject): string {
  const segments = error.instancePath === '' ? [] : error.instancePath.split('/').slice(1).map(decodePointer);
  const missing = error.params.missingProperty ?? error.params.additionalProperty;
  if (typeof missing === 'string') segments.push(missing);
  return segments.reduce(appendPath, base);
}

/** A sentence naming the field and the reason, e.g. `nodes[0].id is required`. */
export function errorMessage(path: string, error: ErrorObject): string {
  const subject = path === '' ? 'value' : path;
  if (error.keyword === 'required') return `${subject} is required`;
  if (error.keyword === 'additionalProperties') return `${subject} is not allowed`;
  return `${subject} ${error.message ?? 'is invalid'}`;
}
