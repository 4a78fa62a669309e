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
  try {
    return notation.render(template, context);
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}
