import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { sameSecret } from '../auth/secrets.js';
import { ApiError } from '../http/errors.js';
import { type EventSource, EventSourceSchema, SOURCE_TYPES } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';

const Origin = Type.String({ minLength: 1, maxLength: 255, pattern: '^(\\*|https?://(\\*\\.)?[^/\\s*]+)$' });

export const SourceConfigSchema = Type.Object(
  {
    /** Webhook bridge: dot path in the body where the profile id is found, e.g. `customer.id`. */
    profilePath: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, pattern: '^[^.\\s]+(\\.[^.\\s]+)*$' }),
    ),
  },
  { additionalProperties: true },
);

export const SourceInputSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' })),
    name: Type.String({ minLength: 1, maxLength: 191 }),
    type: Type.Union(SOURCE_TYPES.map((t) => Type.Literal(t))),
    enabled: Type.Optional(Type.Boolean()),
    allowedOrigins: Type.Optional(Type.Array(Origin, { maxItems: 100 })),
    writeKey: Type.Optional(Type.Union([Type.String({ minLength: 16, maxLength: 191 }), Type.Null()])),
    config: Type.Optional(SourceConfigSchema),
  },
  { additionalProperties: false },
);
export type SourceInput = Static<typeof SourceInputSchema>;

export interface SourceView {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  allowedOrigins: string[];
  writeKey: string | null;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export function viewOf(source: EventSource): SourceView {
  return {
    id: source.id,
    name: source.name,
    type: source.type,
    enabled: source.enabled,
    allowedOrigins: source.allowedOrigins,
    writeKey: source.writeKey ?? null,
    config: source.config,
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}

/** `https://shop.example.com` against `*`, an exact origin, or `https://*.example.com`. */
export function originAllowed(allowed: readonly string[], origin: string): boolean {
  return allowed.some((pattern) => {
    if (pattern === '*' || pattern === origin) return true;
    const wildcard = /^(https?:\/\/)\*\.(.+)$/.exec(pattern);
    if (!wildcard) return false;
    const [, scheme, domain] = wildcard;
    return origin.startsWith(scheme!) && origin.endsWith(`.${domain}`);
  });
}

/** Every setting of a source, defaults filled in: a create and a replace store the same. */
function settingsOf(input: SourceInput) {
  return {
    name: input.name,
    type: input.type,
    enabled: input.enabled ?? true,
    allowedOrigins: input.allowedOrigins ?? ['*'],
    writeKey: input.writeKey ?? null,
    config: input.config ?? {},
  };
}

const CACHE_TTL_MS = 2000;

/**
 * Event sources: CRUD plus the checks the collector makes on every request (exists, enabled,
 * write key, origin). Lookups are cached briefly; changes made through this process invalidate
 * the cache at once, changes from other processes show within the TTL.
 */
export class SourceRegistry {
  private readonly cache = new Map<string, { source: EventSource | null; until: number }>();

  constructor(private readonly db: Database) {}

  async find(id: string): Promise<EventSource | null> {
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return cached.source;
    const source = await this.db.em().findOne(EventSourceSchema, { id });
    this.cache.set(id, { source, until: Date.now() + CACHE_TTL_MS });
    return source;
  }

  /** The source, or a 404. */
  async get(id: string): Promise<EventSource> {
    const source = await this.find(id);
    if (!source) throw new ApiError(404, 'not_found', `Event source "${id}" does not exist.`);
    return source;
  }

  /** The source a collector request names, or a 401 saying why it may not send. */
  async authorise(id: string, writeKey: string | undefined): Promise<EventSource> {
    const source = await this.find(id);
    if (!source)
      throw new ApiError(401, 'unknown_source', `Event source "${id}" does not exist.`, 'source.id');
    if (!source.enabled)
      throw new ApiError(401, 'source_disabled', `Event source "${id}" is disabled.`, 'source.id');
    if (source.writeKey && !(writeKey && sameSecret(source.writeKey, writeKey))) {
      throw new ApiError(401, 'invalid_write_key', `Event source "${id}" requires a valid write key.`);
    }
    return source;
  }

  /** True if any enabled source accepts this origin (used for CORS preflights, which carry no body). */
  async anyAllows(origin: string): Promise<boolean> {
    const sources = await this.list();
    return sources.some((s) => s.enabled && originAllowed(s.allowedOrigins, origin));
  }

  async list(): Promise<EventSource[]> {
    return this.db.em().find(EventSourceSchema, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async create(input: SourceInput): Promise<EventSource> {
    const em = this.db.em();
    const id = input.id ?? randomBytes(9).toString('base64url');
    if (await em.findOne(EventSourceSchema, { id })) {
      throw new ApiError(409, 'source_exists', `Event source "${id}" already exists.`, 'id');
    }
    const now = new Date();
    const source = em.create(EventSourceSchema, { id, ...settingsOf(input), createdAt: now, updatedAt: now });
    await em.flush();
    this.cache.delete(id);
    return source;
  }

  async replace(id: string, input: SourceInput): Promise<EventSource> {
    if (input.id !== undefined && input.id !== id) {
      throw new ApiError(422, 'validation_failed', 'id cannot be changed.', 'id');
    }
    const em = this.db.em();
    const source = await em.findOne(EventSourceSchema, { id });
    if (!source) throw new ApiError(404, 'not_found', `Event source "${id}" does not exist.`);
    em.assign(source, { ...settingsOf(input), updatedAt: new Date() });
    await em.flush();
    this.cache.delete(id);
    return source;
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.db.em().nativeDelete(EventSourceSchema, { id });
    this.cache.delete(id);
    if (deleted === 0) throw new ApiError(404, 'not_found', `Event source "${id}" does not exist.`);
  }
}
