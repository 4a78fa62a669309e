import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import { parse as parseCookies } from 'cookie';
import type { Logger } from 'pino';
import { type Namespace, Server, type Socket } from 'socket.io';
import { eventView, profileView } from '../api/views.js';
import type { Credentials, Principal } from '../auth/credentials.js';
import { SESSION_COOKIE } from '../auth/credentials.js';
import { authenticate } from '../auth/guard.js';
import type { Permission } from '../auth/permissions.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import type { EventRunResult } from '../sandbox/protocol.js';
import type { EventRecord, ProfileRecord } from '../storage/records.js';

export const SubscriptionSchema = Type.Union([
  Type.Object(
    {
      stream: Type.Literal('events'),
      source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      type: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { stream: Type.Literal('traces'), flow: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
    { additionalProperties: false },
  ),
  Type.Object(
    { stream: Type.Literal('profile'), id: Type.String({ minLength: 1, maxLength: 191 }) },
    { additionalProperties: false },
  ),
]);
export type Subscription = Static<typeof SubscriptionSchema>;
const validateSubscription = validator(SubscriptionSchema, 'subscription');

const STREAM_PERMISSION: Record<Subscription['stream'], Permission> = {
  events: 'events:read',
  traces: 'flows:read',
  profile: 'profiles:read',
};

interface LiveSocketData {
  principal: Principal;
  subscriptions: Subscription[];
}
type LiveSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, LiveSocketData>;

export interface LiveOptions {
  /** Packets queued for one client before it counts as too slow and is disconnected. */
  maxQueuedPackets: number;
  logger: Logger;
  onDrop?: () => void;
}

const same = (a: Subscription, b: Subscription) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Live updates over socket.io (namespace `/live`): incoming events, per-node traces of flow runs and
 * changes of watched profiles. Publishing costs nothing while nobody listens; a client that reads
 * too slowly is disconnected rather than let its queue grow or slow the server.
 */
export class LiveHub {
  private namespace: Namespace | undefined;
  private io: Server | undefined;
  private readonly counts = { events: 0, traces: 0 };
  private readonly watched = new Map<string, number>();
  private readonly upgraded = new Set<Duplex>();

  constructor(private readonly options: LiveOptions) {}

  attach(server: HttpServer, credentials: Credentials): void {
    this.io = new Server(server, { serveClient: false, cors: { origin: false } });
    // Kept to cut at shutdown: a client that stopped reading never finishes a closing handshake.
    server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => {
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
    });
    const namespace = this.io.of('/live');
    this.namespace = namespace;
    namespace.use(async (socket, next) => {
      try {
        socket.data.principal = await this.authenticate(socket.request, socket.handshake.auth, credentials);
        socket.data.subscriptions = [];
        next();
      } catch (error) {
        const err = new Error((error as Error).message) as Error & { data?: unknown };
        err.data = { code: error instanceof ApiError ? error.code : 'unauthorized' };
        next(err);
      }
    });
    namespace.on('connection', (socket: LiveSocket) => {
      socket.on('subscribe', (raw: unknown, ack?: (answer: unknown) => void) => {
        try {
          const subscription = validateSubscription(raw);
          const permission = STREAM_PERMISSION[subscription.stream];
          if (!socket.data.principal.permissions.has(permission)) {
            throw new ApiError(
              403,
              'forbidden',
              `The ${subscription.stream} stream needs the ${permission} permission.`,
            );
          }
          if (!socket.data.subscriptions.some((s) => same(s, subscription))) {
            socket.data.subscriptions.push(subscription);
            this.count(subscription, 1);
          }
          ack?.({ ok: true });
        } catch (error) {
          ack?.(
            error instanceof ApiError
              ? error.toJSON()
              : { error: { code: 'invalid', message: 'Bad subscription.' } },
          );
        }
      });
      socket.on('unsubscribe', (raw: unknown, ack?: (answer: unknown) => void) => {
        const index = socket.data.subscriptions.findIndex((s) => same(s, raw as Subscription));
        if (index >= 0) this.count(socket.data.subscriptions.splice(index, 1)[0]!, -1);
        ack?.({ ok: true });
      });
      socket.on('disconnect', () => {
        for (const subscription of socket.data.subscriptions) this.count(subscription, -1);
        socket.data.subscriptions = [];
      });
    });
  }

  private async authenticate(
    request: IncomingMessage,
    auth: Record<string, unknown>,
    credentials: Credentials,
  ): Promise<Principal> {
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    const cookie = parseCookies(request.headers.cookie ?? '')[SESSION_COOKIE];
    const { principal, viaCookie } = await authenticate(
      credentials,
      token ? `Bearer ${token}` : request.headers.authorization,
      cookie,
    );
    if (!principal) throw new ApiError(401, 'unauthorized', 'Sign in, or pass auth: {token}.');
    if (viaCookie) {
      // A cookie rides along on any page's request: only the console's own origin may use it.
      const origin = request.headers.origin;
      if (origin && new URL(origin).host !== request.headers.host) {
        throw new ApiError(
          403,
          'origin_not_allowed',
          'A cookie session connects only from the console’s origin.',
        );
      }
    }
    if (!principal.permissions.has('live:read')) {
      throw new ApiError(403, 'forbidden', 'Live updates need the live:read permission.');
    }
    return principal;
  }

  private count(subscription: Subscription, delta: number): void {
    if (subscription.stream === 'profile') {
      const next = (this.watched.get(subscription.id) ?? 0) + delta;
      if (next > 0) this.watched.set(subscription.id, next);
      else this.watched.delete(subscription.id);
    } else {
      this.counts[subscription.stream] += delta;
    }
  }

  /** Whether someone watches this profile (by its id or one of its aliases). */
  watching(profile: { id: string; ids?: string[] } | null | undefined): boolean {
    if (!profile || this.watched.size === 0) return false;
    return this.watched.has(profile.id) || (profile.ids ?? []).some((id) => this.watched.has(id));
  }

  get listening(): boolean {
    return this.counts.events > 0 || this.counts.traces > 0 || this.watched.size > 0;
  }

  publishEvents(sourceId: string, events: readonly EventRecord[]): void {
    if (this.counts.events === 0 || !this.namespace) return;
    for (const event of events) {
      let view: unknown;
      this.deliver('event', (s) => {
        if (s.stream !== 'events' || (s.source && s.source !== sourceId) || (s.type && s.type !== event.type))
          return undefined;
        view ??= eventView(event);
        return view;
      });
    }
  }

  publishTraces(event: EventRecord, profileId: string | null, result: EventRunResult): void {
    // A run whose traces were asked for as timings only began before anyone watched: nothing to show.
    if (this.counts.traces === 0 || !this.namespace || result.traces !== 'full') return;
    for (const flow of result.flows) {
      const message = {
        flowId: flow.flowId,
        flowVersion: flow.version,
        eventId: event.id,
        eventType: event.type,
        profileId,
        status: flow.status,
        ...(flow.error ? { error: flow.error } : {}),
        trace: flow.trace,
      };
      this.deliver('trace', (s) =>
        s.stream === 'traces' && (!s.flow || s.flow === flow.flowId) ? message : undefined,
      );
    }
  }

  publishProfile(profile: ProfileRecord): void {
    if (!this.watching(profile) || !this.namespace) return;
    const ids = new Set([profile.id, ...(profile.ids ?? [])]);
    const view = profileView(profile);
    this.deliver('profile', (s) => (s.stream === 'profile' && ids.has(s.id) ? view : undefined));
  }

  /** Sends each socket the payload its subscriptions select, dropping clients that fall behind. */
  private deliver(name: string, select: (subscription: Subscription) => unknown): void {
    for (const socket of this.namespace!.sockets.values() as IterableIterator<LiveSocket>) {
      let payload: unknown;
      for (const subscription of socket.data.subscriptions) {
        payload = select(subscription);
        if (payload !== undefined) break;
      }
      if (payload === undefined) continue;
      const queued = (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
      if (queued >= this.options.maxQueuedPackets) {
        this.options.logger.warn({ socket: socket.id, queued }, 'live client too slow: disconnected');
        this.options.onDrop?.();
        socket.disconnect(true);
        continue;
      }
      (socket.emit as (event: string, data: unknown) => boolean)(name, payload);
    }
  }

  async close(): Promise<void> {
    if (!this.io) return;
    this.io.disconnectSockets(true);
    // The HTTP server is closed by its owner; socket.io only lets go of its sockets here.
    this.io.engine.close();
    for (const socket of this.upgraded) socket.destroy();
    this.upgraded.clear();
  }
}
