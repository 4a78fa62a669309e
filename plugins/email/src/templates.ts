import { notation } from '@cairn/sdk';

export { type NotationSources as TemplateSources, notationContext as templateContext } from '@cairn/sdk';

/**
 * A config text rendered as a text template.
 *
 * @throws Error prefixed with the config field when the template is malformed.
 */
export function renderText(field: string, template: string, context: notation.NotationContext): string {
  return inField(field, () => notation.render(template, context));
}

/**
 * An HTML template rendered with every inserted value escaped: the markup is the operator's,
 * the values come from customers and events, so `<script>` in a first name stays text.
 */
export function renderHtml(field: string, template: string, context: notation.NotationContext): string {
  return inField(field, () =>
    notation
      .parseTemplate(template)
      .map((part) =>
        typeof part === 'string' ? part : escapeHtml(notation.toText(notation.get(context, part))),
      )
      .join(''),
  );
}

const HTML_ESCAPES: { readonly [char: string]: string } = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function inField<T>(field: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}
