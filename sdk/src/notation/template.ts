/**
 * Text templates (`Hello {{profile@data.pii.firstname}}`) and object templates (JSON values whose
 * strings may be references or text templates).
 */
import type { Json, JsonObject } from '../contract.js';
import { get, isJsonObject, type NotationContext } from './access.js';
import { NotationError } from './errors.js';
import { isReference, parseReference, type Reference } from './reference.js';

/** Literal text (a string) or a reference whose value is written in its place. */
export type TemplatePart = string | Reference;

/**
 * Splits a text template into literal text and references, so a host can check a template once
 * and render it many times. The result is plain JSON. `\{{` stands for a literal `{{`.
 *
 * @throws NotationError `malformed-template` for an unclosed `{{`, an empty placeholder or a
 *   placeholder that does not hold a reference; the message names the column.
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    if (open === -1) {
      literal += text.slice(pos);
      break;
    }
    if (open > 0 && text[open - 1] === '\\') {
      literal += `${text.slice(pos, open - 1)}{{`;
      pos = open + 2;
      continue;
    }
    literal += text.slice(pos, open);
    const close = text.indexOf('}}', open + 2);
    if (close === -1) {
      throw new NotationError('malformed-template', `unclosed '{{' at column ${open + 1}`, open);
    }
    const inner = text.slice(open + 2, close);
    const reference = inner.trim();
    const at = open + 2 + inner.indexOf(reference);
    if (reference === '') {
      throw new NotationError('malformed-template', `empty placeholder at column ${open + 1}`, open);
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    try {
      parts.push(parseReference(reference));
    } catch (error) {
      if (!(error instanceof NotationError)) throw error;
      const offset = at + (error.offset ?? 0);
      throw new NotationError(
        'malformed-template',
        `placeholder '{{${inner}}}' at column ${open + 1} does not hold a reference: ${error.message}`,
        offset,
      );
    }
    pos = close + 2;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/**
 * Renders a text template. Missing values and `null` render as the empty string, strings as
 * themselves, numbers and booleans in their JSON form, objects and arrays as JSON text.
 *
 * @example render('Hello {{ profile@data.pii.firstname }}!', ctx) // → 'Hello Ann!'
 */
export function render(template: string | readonly TemplatePart[], context: NotationContext): string {
  const parts = typeof template === 'string' ? parseTemplate(template) : template;
  let text = '';
  for (const part of parts) {
    text += typeof part === 'string' ? part : toText(get(context, part));
  }
  return text;
}

/** The text a value renders as inside a template. */
export function toText(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * Renders every string inside a JSON value. A string that is exactly a reference is replaced by
 * the referenced value, keeping its type (`null` when missing); a string containing `{{…}}` is
 * rendered as a text template; other strings, numbers, booleans and object keys stay as they are.
 *
 * @example renderObject({ age: 'profile@traits.age', hi: 'Hi {{profile@traits.name}}' }, ctx)
 * // → { age: 42, hi: 'Hi Ann' }
 */
export function renderObject(template: Json, context: NotationContext): Json {
  if (typeof template === 'string') {
    if (isReference(template)) return get(context, template) ?? null;
    return template.includes('{{') ? render(template, context) : template;
  }
  if (Array.isArray(template)) return template.map((item) => renderObject(item, context));
  if (isJsonObject(template)) {
    const rendered: JsonObject = {};
    for (const [key, value] of Object.entries(template)) {
      Object.defineProperty(rendered, key, {
        value: renderObject(value, context),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return rendered;
  }
  return template;
}
