import { type Json, type JsonObject, type NodeContext, notation } from '@cairn/sdk';

/** The parts of `ctx` that templates can read. */
export type TemplateSources = Pick<
  NodeContext<unknown, string>,
  'event' | 'profile' | 'session' | 'payload' | 'flow'
>;

/**
 * The notation context of one call. Each source is read when a template first names it; the
 * profile is copied out of its view (which also carries the operation methods) once.
 */
export function templateContext(ctx: TemplateSources): notation.NotationContext {
  let profile: Json | undefined;
  const context = {};
  Object.defineProperties(context, {
    profile: {
      enumerable: true,
      get: () => {
        if (profile === undefined) {
          const entries = Object.entries(ctx.profile);
          profile = entries.length === 0 ? null : (Object.fromEntries(entries) as JsonObject);
        }
        return profile;
      },
    },
    event: { enumerable: true, get: () => ctx.event },
    session: { enumerable: true, get: () => ctx.session },
    payload: { enumerable: true, get: () => ctx.payload },
    flow: { enumerable: true, get: () => ctx.flow },
  });
  return context as notation.NotationContext;
}

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
