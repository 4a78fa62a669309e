import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import {
  EventPageSchema,
  EventQuerySchema,
  EventViewSchema,
  ProfileErasureSchema,
  ProfileExportSchema,
  ProfileOverviewSchema,
  ProfilePageSchema,
  ProfileSearchQuerySchema,
  ProfileViewSchema,
  SessionPageSchema,
  SessionQuerySchema,
  SessionViewSchema,
} from '../api/schemas.js';
import { EventStatsQuerySchema } from '../api/stats.js';
import { AuditQuerySchema } from '../audit/audit.js';
import { UserInputSchema } from '../auth/accounts.js';
import { TokenInputSchema } from '../auth/credentials.js';
import {
  LoginInputSchema,
  PasswordChangeSchema,
  PasswordResetSchema,
  TokenListQuerySchema,
} from '../auth/routes.js';
import { ConsentPayloadSchema, TrackedEventSchema, TrackPayloadSchema } from '../collector/schema.js';
import { ConsentTypeInputSchema } from '../consents/consents.js';
import { DebugInputSchema } from '../flows/debug.js';
import { FlowInputSchema } from '../flows/flows.js';
import { RollbackInputSchema } from '../flows/routes.js';
import { RuleInputSchema } from '../flows/rules.js';
import { InstallInputSchema, MarketplaceQuerySchema } from '../plugins/routes.js';
import { ResourceInputSchema } from '../resources/resources.js';
import { ConnectionTestInputSchema } from '../resources/routes.js';
import { SourceInputSchema } from '../sources/sources.js';
import {
  CollectAnswerSchema,
  ConsentAnswerSchema,
  ErrorSchema,
  EventStatsSchema,
  HealthSchema,
  ItemListSchema,
  LoginAnswerSchema,
  PasswordResetAnswerSchema,
  ReadySchema,
  SessionProbeSchema,
  TokenCreatedSchema,
  TrackAnswerSchema,
  UserSchema,
  WhoAmISchema,
} from './openapi-schemas.js';

/** Client errors an operation can answer, beyond those its shape implies (see `openapi.ts`). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503;

export interface OperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Koa-style, `:name` for a parameter, exactly as in the route table and the router. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** No credential at all (collector, health, sign-in, this reference). */
  public?: boolean;
  /** Path parameters: schema and description; a parameter left out is a plain string. */
  params?: Record<string, { schema?: TSchema; description: string }>;
  /** The schema the handler validates its query with; each property becomes a query parameter. */
  query?: TObject;
  /** The schema the handler validates its body with; `optional`: the body may be left out. */
  body?: TSchema;
  bodyOptional?: boolean;
  /** Media types of the body other than JSON that the handler reads, with their schemas. */
  otherBodies?: Record<string, TSchema>;
  success: { status: 200 | 201 | 204; description: string; schema?: TSchema; contentType?: string };
  errors?: ErrorStatus[];
  /** Extra parameters: headers and free-form query parameters the handler reads. */
  extraParameters?: object[];
}

const id = (description: string) => ({ id: { description } });

const EventTypeParam = TrackedEventSchema.properties.type;

/** The write key a source may require, in a header or (for webhooks that cannot set one) the query. */
const WRITE_KEY: object[] = [
  {
    name: 'X-Cairn-Write-Key',
    in: 'header',
    required: false,
    description: "The source's write key, when the source has one.",
    schema: { type: 'string' },
  },
  {
    name: 'write_key',
    in: 'query',
    required: false,
    description: 'The write key, for callers that cannot set a header.',
    schema: { type: 'string' },
  },
];

interface CollectionSpec {
  path: string;
  tag: string;
  /** Singular and plural nouns: `event source`, `event sources`. */
  noun: string;
  plural: string;
  /** The operation id stem: `Source` → `listSources`, `createSource`, … */
  stem: string;
  input: TSchema;
  item: TSchema | undefined;
  notes?: Partial<Record<'list' | 'create' | 'get' | 'replace' | 'remove', string>>;
  createErrors?: ErrorStatus[];
  replaceErrors?: ErrorStatus[];
  removeErrors?: ErrorStatus[];
}

const article = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

/** The five operations of a CRUD collection, as `crud()` lists them in the permission table. */
function collection(c: CollectionSpec): OperationSpec[] {
  const one = `${c.path}/:id`;
  const params = id(`The ${c.noun}'s id.`);
  const answer = (description: string, status: 200 | 201 = 200) =>
    c.item ? { status, description, schema: c.item } : { status, description };
  return [
    {
      method: 'GET',
      path: c.path,
      operationId: `list${c.stem}s`,
      tag: c.tag,
      summary: `List ${c.plural}`,
      description: c.notes?.list,
      success: { status: 200, description: `\`{"items": [...]}\`: every ${c.noun}.`, schema: ItemListSchema },
    },
    {
      method: 'POST',
      path: c.path,
      operationId: `create${c.stem}`,
      tag: c.tag,
      summary: `Create ${article(c.noun)}`,
      description: c.notes?.create,
      body: c.input,
      success: answer(`The ${c.noun} as stored.`, 201),
      errors: c.createErrors,
    },
    {
      method: 'GET',
      path: one,
      operationId: `get${c.stem}`,
      tag: c.tag,
      summary: `Get ${article(c.noun)}`,
      description: c.notes?.get,
      params,
      success: answer(`The ${c.noun}.`),
    },
    {
      method: 'PUT',
      path: one,
      operationId: `replace${c.stem}`,
      tag: c.tag,
      summary: `Replace ${article(c.noun)}`,
      description: c.notes?.replace,
      params,
      body: c.input,
      success: answer(`The ${c.noun} as stored.`),
      errors: c.replaceErrors,
    },
    {
      method: 'DELETE',
      path: one,
      operationId: `delete${c.stem}`,
      tag: c.tag,
      summary: `Delete ${article(c.noun)}`,
      description: c.notes?.remove,
      params,
      success: { status: 204, description: 'Deleted.' },
      errors: c.removeErrors,
    },
  ];
}

const collector: OperationSpec[] = [
  {
    method: 'POST',
    path: '/track',
    operationId: 'track',
    tag: 'Collector',
    summary: 'Collect events (tracker payload)',
    description:
      "Stores the events, the profile and the session in one transaction, then runs the flows routed to each event and returns what they produced. Tracardi's payload shape; a `text/plain` body (as `navigator.sendBeacon` sends) is read as JSON. Browsers may call it from the origins the source lists. An event whose `id` is already stored is acknowledged and not stored again, so retries are safe.",
    public: true,
    body: TrackPayloadSchema,
    otherBodies: { 'text/plain': Type.String({ description: 'The same payload as JSON text.' }) },
    extraParameters: WRITE_KEY,
    success: { status: 200, description: 'Stored; what the flows produced.', schema: TrackAnswerSchema },
    errors: [401, 403],
  },
  ...(['GET', 'POST'] as const).map(
    (method): OperationSpec => ({
      method,
      path: '/collect/:eventType/:sourceId',
      operationId: method === 'GET' ? 'collectWebhookGet' : 'collectWebhook',
      tag: 'Collector',
      summary: `Collect one event from a webhook (${method})`,
      description:
        method === 'GET'
          ? "The event's properties are the query parameters (other than `profile_id` and `write_key`)."
          : 'The event\'s properties are the JSON object body, the form fields or a plain-text body (as `{"text": …}`), merged over the query parameters. The profile comes from the dot path the source configures (`config.profilePath`), else from `profile_id`; an id the server has not seen creates a profile that keeps it as an external id.',
      public: true,
      params: {
        eventType: { schema: EventTypeParam, description: 'The event type, e.g. `payment-succeeded`.' },
        sourceId: { description: 'The event source.' },
      },
      ...(method === 'POST'
        ? {
            body: Type.Unknown({ description: 'Any JSON value; an object becomes the properties.' }),
            bodyOptional: true,
            otherBodies: {
              'application/x-www-form-urlencoded': Type.Object({}, { additionalProperties: true }),
              'text/plain': Type.String(),
            },
          }
        : {}),
      extraParameters: [
        ...WRITE_KEY,
        {
          name: 'profile_id',
          in: 'query',
          required: false,
          description: "The customer's id in the calling system, when the source names no profile path.",
          schema: { type: 'string', minLength: 1, maxLength: 191 },
        },
      ],
      success: { status: 200, description: 'Stored; what the flows produced.', schema: CollectAnswerSchema },
      errors: [401, 403],
    }),
  ),
  {
    method: 'POST',
    path: '/customer/consent',
    operationId: 'changeConsents',
    tag: 'Collector',
    summary: "Give or withdraw a customer's consents",
    description:
      'Authorised like `/track` (source, write key, origin). Each change is also stored as a `consent-changed` event. Withdrawing a consent that is not revokable is refused (422 `not_revokable`), as is an unknown consent type (422 `unknown_consent`).',
    public: true,
    body: ConsentPayloadSchema,
    otherBodies: { 'text/plain': Type.String({ description: 'The same payload as JSON text.' }) },
    extraParameters: WRITE_KEY,
    success: {
      status: 200,
      description: 'Recorded; the consents that hold now.',
      schema: ConsentAnswerSchema,
    },
    errors: [401, 403, 404],
  },
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    tag: 'Health',
    summary: 'Liveness',
    public: true,
    success: { status: 200, description: 'The process serves.', schema: HealthSchema },
  },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'ready',
    tag: 'Health',
    summary: 'Readiness',
    public: true,
    success: { status: 200, description: 'The database answers.', schema: ReadySchema },
    errors: [503],
  },
];

const auth: OperationSpec[] = [
  {
    method: 'POST',
    path: '/api/auth/login',
    operationId: 'login',
    tag: 'Auth',
    summary: 'Sign in',
    description:
      'With `mode: "cookie"` (the default) the answer sets the httpOnly `cairn_session` cookie and carries the `csrfToken` that writes must send in `X-CSRF-Token`; with `mode: "token"` it carries a bearer `token` instead. Repeated failures are refused for a while (429, `Retry-After`).',
    public: true,
    body: LoginInputSchema,
    success: { status: 200, description: 'Signed in.', schema: LoginAnswerSchema },
    errors: [401, 429],
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    operationId: 'logout',
    tag: 'Auth',
    summary: 'Sign out',
    description: 'Ends the session the request was made with and clears the cookie.',
    success: { status: 204, description: 'Signed out.' },
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    operationId: 'whoAmI',
    tag: 'Auth',
    summary: 'The caller',
    success: { status: 200, description: 'Who the credential acts for.', schema: WhoAmISchema },
  },
  {
    method: 'GET',
    path: '/api/auth/session',
    operationId: 'sessionProbe',
    tag: 'Auth',
    summary: 'Whether the caller is signed in',
    description:
      'Like `GET /api/auth/me`, but public: without a valid credential it answers `{"user": null}` instead of 401, so a page can check without a refused request.',
    public: true,
    success: { status: 200, description: 'The caller, or no one.', schema: SessionProbeSchema },
  },
  {
    method: 'POST',
    path: '/api/auth/password',
    operationId: 'changeOwnPassword',
    tag: 'Auth',
    summary: 'Change your own password',
    body: PasswordChangeSchema,
    success: { status: 204, description: 'Changed.' },
  },
  ...collection({
    path: '/api/users',
    tag: 'Users',
    noun: 'user',
    plural: 'users',
    stem: 'User',
    input: UserInputSchema,
    item: UserSchema,
    notes: {
      create: '`password` is required when creating.',
      replace: 'A `password` left out keeps the current one. The last active admin keeps the admin role.',
      remove: 'The last active admin cannot be removed (409 `last_admin`).',
    },
    createErrors: [409],
    replaceErrors: [409],
    removeErrors: [409],
  }),
  {
    method: 'POST',
    path: '/api/users/:id/password',
    operationId: 'resetUserPassword',
    tag: 'Users',
    summary: "Set a user's password",
    description: 'Without `password`, a random one is generated and returned once.',
    params: id("The user's id."),
    body: PasswordResetSchema,
    bodyOptional: true,
    success: { status: 200, description: 'Set.', schema: PasswordResetAnswerSchema },
  },
  {
    method: 'GET',
    path: '/api/tokens',
    operationId: 'listTokens',
    tag: 'Tokens',
    summary: 'List API tokens',
    description: "The caller's own tokens; `all=true` lists everyone's for a caller with `users:read`.",
    query: TokenListQuerySchema,
    success: { status: 200, description: '`{"items": [token…]}`.', schema: ItemListSchema },
  },
  {
    method: 'POST',
    path: '/api/tokens',
    operationId: 'createToken',
    tag: 'Tokens',
    summary: 'Create an API token',
    description:
      "The token acts for its owner with the permissions given (never more than the owner's); the secret is in this answer only.",
    body: TokenInputSchema,
    success: { status: 201, description: 'Created, with its secret.', schema: TokenCreatedSchema },
  },
  {
    method: 'DELETE',
    path: '/api/tokens/:id',
    operationId: 'revokeToken',
    tag: 'Tokens',
    summary: 'Revoke an API token',
    description: "The caller's own token, or anyone's with `users:write`.",
    params: id("The token's id."),
    success: { status: 204, description: 'Revoked.' },
  },
];

const flows: OperationSpec[] = [
  {
    method: 'GET',
    path: '/api/plugins',
    operationId: 'listPlugins',
    tag: 'Plugins',
    summary: 'List installed plugins',
    description: 'Every installed plugin with its nodes, ports, config schemas, permissions and approval.',
    success: { status: 200, description: '`{"items": [manifest…]}`.', schema: ItemListSchema },
  },
  {
    method: 'GET',
    path: '/api/plugins/installed',
    operationId: 'listInstalledPackages',
    tag: 'Plugins',
    summary: 'List plugin versions installed from signed packages',
    description:
      'Each with its integrity, signing key, source, the permissions an admin approved, who approved them and when; `sources` lists the configured registries and package folders.',
    success: {
      status: 200,
      description: '`{"items": [installed…], "sources": [url…]}`.',
    },
  },
  {
    method: 'POST',
    path: '/api/plugins/install',
    operationId: 'installPlugin',
    tag: 'Plugins',
    summary: 'Install or upgrade a plugin from a registry or package folder',
    description:
      'Checks, in order: integrity against what the registry recorded (`integrity_mismatch`), a signature by a key in `CAIRN_TRUSTED_KEYS` (`untrusted_key`, `bad_signature`, `unsigned`), the package contents (`invalid_package`, `package_mismatch`) and compatibility with this server’s plugin API (`incompatible`). Without `approve` it installs nothing and answers 200 with `status: "approval_required"`, the permissions the plugin asks for and the `approve` value; sent again with that value, it installs the version and loads it into the sandbox without a restart (201). Another version of an installed plugin is an upgrade: both stay loaded, so deployed flows keep theirs.',
    body: InstallInputSchema,
    success: {
      status: 201,
      description:
        '`{"status": "installed", name, version, integrity, keyId, source, permissions, approvedBy, installedAt}` (200 with `status: "approval_required"` first).',
    },
    errors: [404, 409, 422, 502],
  },
  {
    method: 'GET',
    path: '/api/plugins/:name/:version/usage',
    operationId: 'pluginUsage',
    tag: 'Plugins',
    summary: 'Deployed flows that use a plugin version',
    params: {
      name: { description: 'Package name, URL-encoded (`%40acme%2Fplugin-x`).' },
      version: { description: 'Version.' },
    },
    success: { status: 200, description: '`{"flows": [{id, name, version}…]}`.' },
  },
  {
    method: 'DELETE',
    path: '/api/plugins/:name/:version',
    operationId: 'uninstallPlugin',
    tag: 'Plugins',
    summary: 'Uninstall a plugin version',
    description: 'Refused with 409 `plugin_in_use` while a deployed flow uses it, and for built-in plugins.',
    params: { name: { description: 'Package name, URL-encoded.' }, version: { description: 'Version.' } },
    success: { status: 204, description: 'Uninstalled and unloaded.' },
    errors: [404, 409],
  },
  {
    method: 'GET',
    path: '/api/marketplace',
    operationId: 'searchMarketplace',
    tag: 'Plugins',
    summary: 'Search a configured registry',
    description: 'Proxies the registry’s package search, marking the versions installed here.',
    query: MarketplaceQuerySchema,
    success: { status: 200, description: '`{"registry", "items": [package…], "nextCursor"}`.' },
    errors: [409, 422, 502],
  },
  {
    method: 'GET',
    path: '/api/marketplace/:name',
    operationId: 'marketplacePackage',
    tag: 'Plugins',
    summary: 'A registry package page',
    description:
      'Versions, manifest, README and publisher from the registry, plus the versions installed here, whether the latest is compatible with this server, and the permissions it would ask for.',
    params: { name: { description: 'Package name, URL-encoded.' } },
    query: MarketplaceQuerySchema,
    success: { status: 200, description: 'The package page.' },
    errors: [404, 409, 422, 502],
  },
  ...collection({
    path: '/api/flows',
    tag: 'Flows',
    noun: 'flow',
    plural: 'flows',
    stem: 'Flow',
    input: FlowInputSchema,
    item: undefined,
    notes: {
      create:
        'A draft is saved even when it does not validate yet; its problems come back in `validation.errors`. Only a draft that is not a flow graph at all is refused.',
      replace: 'Replaces name, description and draft. Deployed versions never change.',
      remove: 'Refused (409 `flow_in_use`) while a routing rule points at the flow.',
    },
    removeErrors: [409],
  }),
  {
    method: 'POST',
    path: '/api/flows/:id/deploy',
    operationId: 'deployFlow',
    tag: 'Flows',
    summary: 'Deploy the draft',
    description:
      'Snapshots the draft as the next version and runs it from now on. Refused (422 `invalid_flow`, with every problem) when the draft does not validate.',
    params: id("The flow's id."),
    success: { status: 201, description: '`{version, deployed, graph, createdAt}`.' },
    errors: [422],
  },
  {
    method: 'POST',
    path: '/api/flows/:id/rollback',
    operationId: 'rollbackFlow',
    tag: 'Flows',
    summary: 'Run another version',
    description: 'Runs an earlier (or later) deployed version again.',
    params: id("The flow's id."),
    body: RollbackInputSchema,
    success: { status: 200, description: 'The version that runs now.' },
  },
  {
    method: 'GET',
    path: '/api/flows/:id/versions',
    operationId: 'listFlowVersions',
    tag: 'Flows',
    summary: "List a flow's versions",
    description: 'Newest first; `deployed` marks the one that runs.',
    params: id("The flow's id."),
    success: { status: 200, description: '`{"items": [version…]}`.', schema: ItemListSchema },
  },
  {
    method: 'POST',
    path: '/api/flows/:id/debug',
    operationId: 'debugFlow',
    tag: 'Flows',
    summary: 'Run the draft on a sample event',
    description:
      'Runs the draft in the sandbox exactly as a deployed flow would, with the test credentials of its resources, and returns the per-node trace. Nothing is stored.',
    params: id("The flow's id."),
    body: DebugInputSchema,
    success: { status: 200, description: '`{status, operations, ux, response, flows: [{trace}]}`.' },
  },
  ...collection({
    path: '/api/rules',
    tag: 'Rules',
    noun: 'routing rule',
    plural: 'routing rules',
    stem: 'Rule',
    input: RuleInputSchema,
    item: undefined,
    notes: {
      list: 'In run order: ascending `position`, then id.',
      create: '`eventType` is normalised like event types; `flowId` and `sourceId` must exist.',
    },
  }),
];

const config: OperationSpec[] = [
  ...collection({
    path: '/api/sources',
    tag: 'Sources',
    noun: 'event source',
    plural: 'event sources',
    stem: 'Source',
    input: SourceInputSchema,
    item: undefined,
    notes: {
      create: '`id` is generated when left out.',
      replace: 'Replaces every field but the id, which may be repeated but not changed.',
    },
    createErrors: [409],
  }),
  ...collection({
    path: '/api/resources',
    tag: 'Resources',
    noun: 'resource',
    plural: 'resources',
    stem: 'Resource',
    input: ResourceInputSchema,
    item: undefined,
    notes: {
      list: 'Secrets are masked (`"********"` for each secret that is set).',
      get: 'Secrets are masked.',
      replace: 'A secret left out keeps its stored value, `null` removes it; the type cannot change.',
    },
  }),
  {
    method: 'POST',
    path: '/api/resources/:id/test',
    operationId: 'testResource',
    tag: 'Resources',
    summary: "Test a resource's credentials",
    description:
      "An SMTP login, an authenticated read of the Twilio account, the AI provider's `/models`, or the `http-auth` credential against its `testUrl`.",
    params: id("The resource's id."),
    body: ConnectionTestInputSchema,
    bodyOptional: true,
    success: { status: 200, description: '`{ok, message}`.' },
  },
  ...collection({
    path: '/api/consents',
    tag: 'Consents',
    noun: 'consent type',
    plural: 'consent types',
    stem: 'ConsentType',
    input: ConsentTypeInputSchema,
    item: undefined,
    notes: { replace: 'Replaces every field but the id, which may be repeated but not changed.' },
    createErrors: [409],
  }),
];

const profileId = id('A profile id or one of its aliases (a merged profile’s id, an external id).');

const data: OperationSpec[] = [
  {
    method: 'GET',
    path: '/api/profiles',
    operationId: 'searchProfiles',
    tag: 'Profiles',
    summary: 'Search profiles',
    description:
      'Newest first, one page at a time. Filters combine: `id` (an id or alias), `email`, and any number of `trait.<path>=value`.',
    query: ProfileSearchQuerySchema,
    success: { status: 200, description: 'One page of profiles.', schema: ProfilePageSchema },
  },
  {
    method: 'GET',
    path: '/api/profiles/:id',
    operationId: 'getProfile',
    tag: 'Profiles',
    summary: 'Get a profile',
    params: profileId,
    success: { status: 200, description: 'The profile, in Tracardi’s shape.', schema: ProfileViewSchema },
  },
  {
    method: 'GET',
    path: '/api/profiles/:id/overview',
    operationId: 'getProfileOverview',
    tag: 'Profiles',
    summary: "A profile's overview",
    description: 'The profile with its latest sessions and the first page of its events.',
    params: profileId,
    success: { status: 200, description: 'The overview.', schema: ProfileOverviewSchema },
  },
  {
    method: 'GET',
    path: '/api/profiles/:id/export',
    operationId: 'exportProfile',
    tag: 'Profiles',
    summary: 'Export a profile',
    description:
      'Everything stored about the customer, as one JSON document sent as a download (a data-subject access request). The export is recorded in the audit log.',
    params: profileId,
    success: { status: 200, description: 'The export.', schema: ProfileExportSchema },
  },
  {
    method: 'DELETE',
    path: '/api/profiles/:id',
    operationId: 'eraseProfile',
    tag: 'Profiles',
    summary: 'Erase a profile',
    description:
      'Erases the customer: the profile, its events, sessions and identities (a data-subject erasure request). The audit log keeps only the counts.',
    params: profileId,
    success: { status: 200, description: 'What was erased.', schema: ProfileErasureSchema },
  },
  {
    method: 'GET',
    path: '/api/events',
    operationId: 'listEvents',
    tag: 'Events',
    summary: 'List events',
    description: 'Newest first, one page at a time.',
    query: EventQuerySchema,
    success: { status: 200, description: 'One page of events.', schema: EventPageSchema },
  },
  {
    method: 'GET',
    path: '/api/events/:id',
    operationId: 'getEvent',
    tag: 'Events',
    summary: 'Get an event',
    params: id("The event's id."),
    success: { status: 200, description: 'The event.', schema: EventViewSchema },
  },
  {
    method: 'GET',
    path: '/api/stats/events',
    operationId: 'eventStats',
    tag: 'Events',
    summary: 'Event counts over time, by type, source and status',
    description:
      'For dashboards: per bucket (`minute`, `hour` or `day`) the events stored and those whose flows failed, plus the 20 most frequent types and sources and the count per status, over `[from, to)` (default: the last 60 buckets; at most 1440 buckets).',
    query: EventStatsQuerySchema,
    success: { status: 200, description: 'The counts.', schema: EventStatsSchema },
  },
  {
    method: 'GET',
    path: '/api/sessions',
    operationId: 'listSessions',
    tag: 'Sessions',
    summary: 'List sessions',
    description: 'Newest first, one page at a time.',
    query: SessionQuerySchema,
    success: { status: 200, description: 'One page of sessions.', schema: SessionPageSchema },
  },
  {
    method: 'GET',
    path: '/api/sessions/:id',
    operationId: 'getSession',
    tag: 'Sessions',
    summary: 'Get a session',
    params: id("The session's id."),
    success: { status: 200, description: 'The session.', schema: SessionViewSchema },
  },
];

const operations: OperationSpec[] = [
  {
    method: 'GET',
    path: '/api/audit',
    operationId: 'listAuditEntries',
    tag: 'Audit',
    summary: 'List audit entries',
    description:
      'Who created, changed, deployed, rolled back or deleted which object, and when, with the object before and after (secrets masked). Newest first.',
    query: AuditQuerySchema,
    success: { status: 200, description: '`{"items": [entry…]}`.', schema: ItemListSchema },
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'Metrics',
    summary: 'Prometheus metrics',
    description:
      'In Prometheus’ text format. When `CAIRN_METRICS_PORT` is set, this route is served on that port without a credential instead.',
    success: { status: 200, description: 'The metrics.', contentType: 'text/plain' },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'openApiDocument',
    tag: 'Reference',
    summary: 'This document',
    public: true,
    success: { status: 200, description: 'The OpenAPI 3.1 document.' },
  },
  {
    method: 'GET',
    path: '/api/docs',
    operationId: 'apiReferencePage',
    tag: 'Reference',
    summary: 'The browsable API reference',
    public: true,
    success: { status: 200, description: 'An HTML page.', contentType: 'text/html' },
  },
];

/** Every operation the server answers, grouped as in the reference. */
export const OPERATIONS: readonly OperationSpec[] = [
  ...collector,
  ...auth,
  ...config,
  ...flows,
  ...data,
  ...operations,
];

/** Tags in the order the reference shows them, with what each group is for. */
export const TAGS: readonly { name: string; description: string }[] = [
  {
    name: 'Collector',
    description:
      'Events and consents from sites, apps and webhooks; no credential, a write key when the source has one.',
  },
  { name: 'Health', description: 'Liveness and readiness probes.' },
  { name: 'Auth', description: 'Sign-in sessions and the caller’s own account.' },
  { name: 'Users', description: 'User accounts and their roles.' },
  { name: 'Tokens', description: 'API tokens for scripts and integrations.' },
  { name: 'Sources', description: 'Event sources: who may send events, from where, with which key.' },
  { name: 'Flows', description: 'Flow drafts, deployed versions, rollback and debug runs.' },
  { name: 'Rules', description: 'Routing rules: which flows an event runs through.' },
  { name: 'Plugins', description: 'Installed plugins and their nodes.' },
  { name: 'Resources', description: 'Credentials for connectors; secrets are never returned.' },
  { name: 'Consents', description: 'The consent types customers can give.' },
  { name: 'Profiles', description: 'Customer profiles.' },
  { name: 'Events', description: 'Collected events.' },
  { name: 'Sessions', description: 'Visits.' },
  { name: 'Audit', description: 'The audit log of configuration changes and sign-ins.' },
  { name: 'Metrics', description: 'Prometheus metrics.' },
  { name: 'Reference', description: 'This document and its browsable page.' },
];

/**
 * Schemas shown under `components.schemas` and referenced by name: the request bodies the handlers
 * validate, and the answers several operations share. A schema not listed here is written inline.
 */
export const COMPONENT_SCHEMAS: Readonly<Record<string, TSchema>> = {
  Error: ErrorSchema,
  ItemList: ItemListSchema,
  TrackPayload: TrackPayloadSchema,
  TrackAnswer: TrackAnswerSchema,
  CollectAnswer: CollectAnswerSchema,
  ConsentPayload: ConsentPayloadSchema,
  ConsentAnswer: ConsentAnswerSchema,
  LoginInput: LoginInputSchema,
  LoginAnswer: LoginAnswerSchema,
  WhoAmI: WhoAmISchema,
  PasswordChange: PasswordChangeSchema,
  PasswordReset: PasswordResetSchema,
  PasswordResetAnswer: PasswordResetAnswerSchema,
  UserInput: UserInputSchema,
  User: UserSchema,
  TokenInput: TokenInputSchema,
  TokenCreated: TokenCreatedSchema,
  SourceInput: SourceInputSchema,
  FlowInput: FlowInputSchema,
  RollbackInput: RollbackInputSchema,
  DebugInput: DebugInputSchema,
  RuleInput: RuleInputSchema,
  ResourceInput: ResourceInputSchema,
  ConnectionTestInput: ConnectionTestInputSchema,
  ConsentTypeInput: ConsentTypeInputSchema,
  Profile: ProfileViewSchema,
  ProfilePage: ProfilePageSchema,
  ProfileOverview: ProfileOverviewSchema,
  ProfileExport: ProfileExportSchema,
  ProfileErasure: ProfileErasureSchema,
  Event: EventViewSchema,
  EventPage: EventPageSchema,
  Session: SessionViewSchema,
  SessionPage: SessionPageSchema,
};
