import type { ProfileOperation } from '@cairn/sdk';
import Router from '@koa/router';
import type { Context } from 'koa';
import { type ConsentTypes, effectiveConsents, type StoredConsents } from '../consents/consents.js';
import type { EventProcessor } from '../flows/processor.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import type { LiveHub } from '../live/live.js';
import type { Metrics } from '../observability/metrics.js';
import type { SourceRegistry } from '../sources/sources.js';
import { originAllowed } from '../sources/sources.js';
import type { EventSource } from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import type { CollectBatch, Collector, RequestMeta } from './collector.js';
import { loadProfileForRead } from './identity.js';
import {
  ConsentPayloadSchema,
  checkEvents,
  normaliseEventType,
  TrackedEventSchema,
  TrackPayloadSchema,
} from './schema.js';

export interface CollectorRoutesOptions {
  db: Database;
  collector: Collector;
  processor: EventProcessor;
  sources: SourceRegistry;
  consentTypes: ConsentTypes;
  metrics: Metrics;
  live: LiveHub;
  maxEventsPerRequest: number;
}

const validateTrack = validator(TrackPayloadSchema);
const validateEventType = validator(TrackedEventSchema.properties.type, 'event type');
const validateConsent = validator(ConsentPayloadSchema);

function requestMeta(ctx: Context): RequestMeta {
  return {
    ip: ctx.ip || null,
    userAgent: ctx.get('User-Agent') || undefined,
    language: ctx.get('Accept-Language') || undefined,
  };
}

function writeKeyOf(ctx: Context): string | undefined {
  const header = ctx.get('X-Cairn-Write-Key');
  if (header) return header;
  const query = ctx.query.write_key;
  return typeof query === 'string' ? query : undefined;
}

/** Browsers send `Origin`; a source only accepts the origins it lists. Server-to-server calls send none. */
function checkOrigin(ctx: Context, source: EventSource): void {
  const origin = ctx.get('Origin');
  if (origin && !originAllowed(source.allowedOrigins, origin)) {
    throw new ApiError(
      403,
      'origin_not_allowed',
      `Origin ${origin} may not send events to source "${source.id}".`,
    );
  }
}

/** `navigator.sendBeacon` posts JSON as text/plain; accept it as JSON. */
function trackBody(ctx: Context): unknown {
  const body = ctx.request.body;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ApiError(
      400,
      'malformed_body',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** Dot path lookup in a parsed webhook body: `customer.id`. */
function valueAt(body: Record<string, unknown>, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function webhookProperties(ctx: Context): Record<string, unknown> {
  const { profile_id: _profileId, write_key: _writeKey, ...query } = ctx.query;
  const body = ctx.request.body;
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0))
    return { ...query };
  if (typeof body === 'string') {
    if (body.trim() === '') return { ...query };
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return { ...query, ...(parsed as object) };
    } catch {
      // Not JSON: plain text is kept as it came.
    }
    return { ...query, text: body };
  }
  if (Array.isArray(body)) return { ...query, items: body };
  return { ...query, ...(body as Record<string, unknown>) };
}

export function collectorRoutes({
  db,
  collector,
  processor,
  sources,
  consentTypes,
  metrics,
  live,
  maxEventsPerRequest,
}: CollectorRoutesOptions): Router {
  const router = new Router();

  /** Stores the batch, then runs its flows: the answer both endpoints give. */
  const collectAndRun = async (batch: CollectBatch) => {
    // Routed first, so that events whose flows will run are stored `pending`.
    const route = await processor.route(
      batch.sourceId,
      batch.events.map((e) => normaliseEventType(e.type)),
    );
    const result = await collector.collect(route ? { ...batch, withFlows: route } : batch);
    for (const event of result.committed.events)
      metrics.eventsReceived.inc({ source: batch.sourceId, type: event.type });
    live.publishEvents(batch.sourceId, result.committed.events);
    const outcome = await processor.process({ sourceId: batch.sourceId, ...result.committed }, { route });
    if (live.watching(result.committed.profile)) {
      const stored = await loadProfileForRead(db.em(), result.committed.profile!.id);
      if (stored) live.publishProfile(stored);
    }
    return {
      profile: result.profile,
      session: result.session,
      events: result.events,
      ux: outcome.ux,
      response: outcome.response,
      errors: outcome.errors,
      warnings: result.warnings,
    };
  };

  router.post('/track', async (ctx) => {
    const payload = validateTrack(trackBody(ctx));
    checkEvents(payload.events, maxEventsPerRequest);
    const source = await sources.authorise(payload.source.id, writeKeyOf(ctx));
    checkOrigin(ctx, source);
    const answer = await collectAndRun({
      sourceId: source.id,
      profileId: payload.profile?.id,
      unknownProfile: 'new',
      sessionId: payload.session?.id,
      profileLess: false,
      context: payload.context ?? {},
      events: payload.events,
      request: requestMeta(ctx),
    });
    ctx.body = answer;
  });

  const collect = async (ctx: Context & { params: Record<string, string> }) => {
    const eventType = validateEventType(ctx.params.eventType);
    const source = await sources.authorise(ctx.params.sourceId!, writeKeyOf(ctx));
    checkOrigin(ctx, source);
    const properties = webhookProperties(ctx);
    const profilePath = typeof source.config.profilePath === 'string' ? source.config.profilePath : undefined;
    const fromBody = profilePath ? valueAt(properties, profilePath) : undefined;
    const fromQuery = ctx.query.profile_id;
    const profileId = [fromBody, fromQuery].find((v) => typeof v === 'string' || typeof v === 'number');
    if (profileId !== undefined && (String(profileId).length === 0 || String(profileId).length > 191)) {
      throw new ApiError(
        422,
        'validation_failed',
        'The profile id must be 1 to 191 characters long.',
        profilePath ?? 'profile_id',
      );
    }
    const event = { type: eventType, properties };
    checkEvents([event], maxEventsPerRequest);
    const { session: _none, ...answer } = await collectAndRun({
      sourceId: source.id,
      profileId: profileId === undefined ? undefined : String(profileId),
      unknownProfile: 'alias',
      sessionId: null,
      profileLess: profileId === undefined,
      context: {},
      events: [event],
      request: requestMeta(ctx),
    });
    ctx.body = answer;
  };
  router.post('/customer/consent', async (ctx) => {
    const payload = validateConsent(trackBody(ctx));
    const source = await sources.authorise(payload.source.id, writeKeyOf(ctx));
    checkOrigin(ctx, source);
    const types = new Map((await consentTypes.list()).map((t) => [t.id, t]));
    const now = Date.now();
    const operations: ProfileOperation[] = [];
    for (const [id, given] of Object.entries(payload.consents)) {
      const type = types.get(id);
      if (!type)
        throw new ApiError(422, 'unknown_consent', `Consent type "${id}" does not exist.`, `consents.${id}`);
      if (!given && !type.revokable) {
        throw new ApiError(422, 'not_revokable', `Consent "${id}" cannot be withdrawn.`, `consents.${id}`);
      }
      operations.push(
        given
          ? {
              op: 'consent.grant',
              consent: id,
              ...(type.autoRevokeSeconds
                ? { revokeAt: new Date(now + type.autoRevokeSeconds * 1000).toISOString() }
                : {}),
            }
          : { op: 'consent.revoke', consent: id },
      );
    }
    const profile = await loadProfileForRead(db.em(), payload.profile.id);
    if (!profile)
      throw new ApiError(
        404,
        'unknown_profile',
        `Profile "${payload.profile.id}" does not exist.`,
        'profile.id',
      );
    const commit = { profileId: profile.id, operations, events: new Map(), refused: [] as string[] };
    await collector.commit(commit);
    // Recorded as an event too, so flows can react to it and the timeline shows it.
    const answer = await collectAndRun({
      sourceId: source.id,
      profileId: profile.id,
      unknownProfile: 'new',
      sessionId: payload.session?.id ?? null,
      profileLess: false,
      context: {},
      events: [{ type: 'consent-changed', properties: { consents: payload.consents } }],
      request: requestMeta(ctx),
    });
    const stored = await loadProfileForRead(db.em(), profile.id);
    ctx.body = {
      ...answer,
      consents: effectiveConsents(
        (stored?.consents ?? {}) as StoredConsents,
        [...types.values()],
        new Date(),
      ),
      errors: [...commit.refused, ...answer.errors],
    };
  });

  router.get('/collect/:eventType/:sourceId', collect);
  router.post('/collect/:eventType/:sourceId', collect);

  return router;
}
