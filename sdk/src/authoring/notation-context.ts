import type { Json, JsonObject } from '../contract.js';
import type { NotationContext } from '../notation/index.js';
import type { NodeContext, ProfileView } from './types.js';

/** The parts of `ctx` that references, templates and conditions read. */
export type NotationSources = Pick<
  NodeContext<unknown, string>,
  'event' | 'profile' | 'session' | 'payload' | 'flow'
>;

/**
 * The notation context of one node call, for `notation.render`, `renderObject`, `get` and
 * conditions: `profile@`, `event@`, `session@`, `payload@` and `flow@` read from it. Each source is
 * a getter, so a template that reads only the event never makes the sandbox parse the profile.
 * The profile is read without its operation methods; an event without a profile reads as `null`.
 *
 * @example
 * ```ts
 * const text = notation.render(ctx.config.message, notationContext(ctx));
 * ```
 */
export function notationContext(ctx: NotationSources): NotationContext {
  const context = {};
  let profile: Json | undefined;
  Object.defineProperties(context, {
    profile: { enumerable: true, get: () => (profile ??= profileData(ctx.profile)) },
    event: { enumerable: true, get: () => ctx.event as JsonObject },
    session: { enumerable: true, get: () => ctx.session as JsonObject | null },
    payload: { enumerable: true, get: () => ctx.payload as Json },
    flow: { enumerable: true, get: () => ctx.flow as JsonObject },
  });
  return context as NotationContext;
}

function profileData(profile: ProfileView): Json {
  const entries = Object.entries(profile);
  return entries.length === 0 ? null : (Object.fromEntries(entries) as JsonObject);
}
