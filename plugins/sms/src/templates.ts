import { notation } from '@cairn/sdk';

export { type NotationSources as TemplateSources, notationContext as templateContext } from '@cairn/sdk';

/**
 * A config text rendered as a text template.
 *
 * @throws Error prefixed with the config field when the template is malformed.
 */
export function renderText(field: string, template: string, context: notation.NotationContext): string {
  try {
    return notation.render(template, context);
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}
