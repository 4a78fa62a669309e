import type { Json, JsonObject } from '../contract.js';
import type { NotationContext } from '../notation/index.js';
import type { NodeContext, ProfileView } from './types.js';

/** The parts of `ctx` that references, templates and conditions read. */
export type NotationSources = Pick<
  NodeContext<unknown, string>,
  'event' | 'profile' | 'session' | 'payload' | 'flow'
>;

type ContextSource = 'profile' | 'event' | 'session' | 'payload' | 'flow';

/** What one notation context reads from: the call's `ctx`, and the profile's data once read. */
interface Sources {
  readonly ctx: NotationSources;
  profile: Json | undefined;
}

const KEYS: readonly ContextSource[] = Object.freeze(['profile', 'event', 'session', 'payload', 'flow']);

function isContextSource(key: string | symbol): key is ContextSource {
  return key === 'profile' || key === 'event' || key === 'session' || key === 'payload' || key === 'flow';
}

function read(sources: Sources, key: ContextSource): Json {
  const { ctx } = sources;
  switch (key) {
    case 'profile':
      sources.profile ??= profileData(ctx.profile);
      return sources.profile;
    case 'event':
      return ctx.event as JsonObject;
    case 'session':
      return ctx.session as JsonObject | null;
    case 'payload':
      return ctx.payload as Json;
    case 'flow':
      return ctx.flow as JsonObject;
  }
}

/**
 * What `Object.getOwnPropertyDescriptor` tells of each source: an enumerable getter, shared by all
 * contexts (it reads the source of the context it is called on). Telling it reads nothing, so
 * `Object.hasOwn` and `Object.keys` leave the sources unread, as the getters of a plain object do.
 */
const DESCRIPTORS = Object.freeze(
  Object.fromEntries(
    KEYS.map((key) => [
      key,
      Object.freeze({
        get(this: NotationContext) {
          return this[key];
        },
        set: undefined,
        enumerable: true,
        configurable: true,
      }),
    ]),
  ) as Record<ContextSource, PropertyDescriptor>,
);

/**
 * One handler for every context: a call builds a proxy and the object it reads from, nothing
 * more. The five sources look like enumerable own getters (what `Object.hasOwn`, `Object.keys`,
 * spreading and `JSON.stringify` see), each read from `ctx` when asked for; any other key is
 * missing, read from `Object.prototype` as on a plain object. The context cannot be changed:
 * setting, defining or deleting a source, or freezing the context, fails.
 */
const handler: ProxyHandler<Sources> = {
  get: (sources, key, receiver) =>
    isContextSource(key) ? read(sources, key) : Reflect.get(Object.prototype, key, receiver),
  has: (_sources, key) => isContextSource(key) || key in Object.prototype,
  getOwnPropertyDescriptor: (_sources, key) => (isContextSource(key) ? DESCRIPTORS[key] : undefined),
  ownKeys: () => [...KEYS],
  set: () => false,
  defineProperty: () => false,
  deleteProperty: (_sources, key) => !isContextSource(key),
  preventExtensions: () => false,
  setPrototypeOf: () => false,
};

/**
 * The notation context of one node call, for `notation.render`, `renderObject`, `get` and
 * conditions: `profile@`, `event@`, `session@`, `payload@` and `flow@` read from it. Each source is
 * read from `ctx` only when a reference asks for it, so a template that reads only the event never
 * makes the sandbox parse the profile. The profile is read without its operation methods; an event
 * without a profile reads as `null`. Building a context costs one small object and a proxy.
 *
 * @example
 * ```ts
 * const text = notation.render(ctx.config.message, notationContext(ctx));
 * ```
 */
export function notationContext(ctx: NotationSources): NotationContext {
  return new Proxy<Sources>({ ctx, profile: undefined }, handler) as NotationContext;
}

/** The profile's own data, as a plain object; `null` for an empty profile (no profile). */
function profileData(profile: ProfileView): Json {
  const names = Object.keys(profile);
  if (names.length === 0) return null;
  const data: JsonObject = {};
  for (const name of names) {
    const value = profile[name] as Json;
    // `__proto__` must become an own property, as `Object.fromEntries` makes it, not a prototype.
    if (name === '__proto__') {
      Object.defineProperty(data, name, { value, enumerable: true, writable: true, configurable: true });
    } else data[name] = value;
  }
  return data;
}
