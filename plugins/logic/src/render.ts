import { type Json, notation } from '@cairn/sdk';
import { notationContext, type ReadableContext } from './notation-context.js';

/**
 * A config value rendered as an object template: a string that is exactly a reference copies
 * the referenced value (missing becomes `null`), a string with `{{…}}` is rendered as text.
 *
 * @throws Error prefixed with the config field when a template inside is malformed.
 */
export function renderValue(field: string, template: unknown, ctx: ReadableContext): Json {
  return inField(field, () => notation.renderObject(template as Json, notationContext(ctx)));
}

/** A config text rendered as a text template: `Hi {{profile@traits.name}}` → `Hi Ann`. */
export function renderText(field: string, template: string, ctx: ReadableContext): string {
  return inField(field, () => notation.render(template, notationContext(ctx)));
}

function inField<T>(field: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}
