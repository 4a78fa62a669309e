import type { Json, JsonObject, NodeContext, notation, ProfileView } from '@cairn/sdk';

/** The parts of `ctx` that references, templates and conditions can read. */
export type ReadableContext = Pick<
  NodeContext<unknown, string>,
  'event' | 'profile' | 'session' | 'payload' | 'flow'
>;

/**
 * The notation context of one node call: `profile@`, `event@`, `session@`, `payload@` and
 * `flow@` references read from it. Each source is a getter, so a template that reads only the
 * event never makes the sandbox parse the profile.
 */
export function notationContext(ctx: ReadableContext): notation.NotationContext {
  const context = {};
  // Copying the profile's data out of its view is the one step with a cost, so it is done once.
  let profile: Json | undefined;
  Object.defineProperties(context, {
    profile: { enumerable: true, get: () => (profile ??= profileData(ctx.profile)) },
    event: { enumerable: true, get: () => ctx.event as JsonObject },
    session: { enumerable: true, get: () => ctx.session as JsonObject | null },
    payload: { enumerable: true, get: () => ctx.payload as Json },
    flow: { enumerable: true, get: () => ctx.flow as JsonObject },
  });
  return context as notation.NotationContext;
}

/**
 * The profile's data without its operation methods. An event without a profile gets an empty
 * view from the sandbox; references read it as `null`, as the notation documents.
 */
function profileData(profile: ProfileView): Json {
  const entries = Object.entries(profile);
  return entries.length === 0 ? null : (Object.fromEntries(entries) as JsonObject);
}
