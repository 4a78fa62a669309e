import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ApiError, type ErrorDetail } from './errors.js';

// ajv-formats ships CommonJS whose default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = addFormats(new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: true }));

/** `/keys/0/name` → `keys[0].name`. */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path;
}

function describe(error: ErrorObject): ErrorDetail {
  let path = pointerToPath(error.instancePath);
  let message: string;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      path = path ? `${path}.${missing}` : missing;
      message = `${path} is required.`;
      break;
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      path = path ? `${path}.${extra}` : extra;
      message = `${path} is not an accepted field.`;
      break;
    }
    default:
      message = `${path || 'The body'} ${error.message ?? 'is invalid'}.`;
  }
  return { code: error.keyword, message, path };
}

export type Validator<T> = (value: unknown) => T;

/**
 * Compiles a TypeBox schema once; the returned function returns the value typed by the schema, or
 * throws a 422 `validation_failed` naming the first field at fault (and listing every problem).
 */
export function validator<S extends TSchema>(schema: S, where = 'body'): Validator<Static<S>> {
  const check = ajv.compile(schema);
  return (value: unknown) => {
    if (check(value)) return value as Static<S>;
    const details = (check.errors ?? []).map(describe);
    const first = details[0] ?? { code: 'invalid', message: `The ${where} is invalid.`, path: '' };
    throw new ApiError(422, 'validation_failed', first.message, first.path, details);
  };
}
