import type { Json, JsonObject, NodeContext, notation } from '@cairn/sdk';

/** The parts of `ctx` that templates can read. */
export type TemplateSources = Pick<
  NodeContext<unknown, string>,
  'event' | 'profile' | 'session' | 'payload' | 'flow'
>;

/**
 * The notation context of one call. Each source is a getter, so a template that reads only the
 * payload never makes the sandbox parse the profile. The profile's operation methods are left
 * out, and an empty profile view (an event without a profile) reads as `null`.
 */
export function notationContext(ctx: TemplateSources): notation.NotationContext {
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
    event: { enumerable: true, get: () => ctx.event as JsonObject },
    session: { enumerable: true, get: () => ctx.session as JsonObject | null },
    payload: { enumerable: true, get: () => ctx.payload as Json },
    flow: { enumerable: true, get: () => ctx.flow as JsonObject },
  });
  return context as notation.NotationContext;
}
