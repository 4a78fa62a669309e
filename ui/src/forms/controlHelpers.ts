import type { JsonSchema } from '../api/types';

/** The last segment of a JSON Forms control path: the config property it edits. */
export function propertyName(path: string): string {
  return path.split('.').pop() ?? path;
}

/** The choices of an `enum`, or of an `anyOf`/`oneOf` made only of `const`s (as TypeBox writes unions of literals). */
export function choicesOf(schema: JsonSchema): { label: string; value: string | number | boolean }[] | null {
  if (Array.isArray(schema.enum)) {
    return schema.enum
      .filter((v): v is string | number | boolean => v !== null && typeof v !== 'object')
      .map((v) => ({ label: String(v), value: v }));
  }
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options?.length && options.every((o) => o && 'const' in o)) {
    return options
      .filter((o) => o.const !== null && typeof o.const !== 'object')
      .map((o) => ({ label: o.title ?? String(o.const), value: o.const as string | number | boolean }));
  }
  return null;
}

/** Config fields that hold longer templates get a multi-line input. */
const LONG_TEXT = new Set(['text', 'html', 'message', 'template', 'body', 'value']);
export function isLongText(name: string): boolean {
  return LONG_TEXT.has(name);
}

/** Text for editing any JSON value: strings as they are unless they would read back as JSON. */
export function jsonToText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
      return JSON.stringify(value);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** The value typed into an any-JSON field: JSON when it parses, the text itself otherwise. */
export function textToJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
