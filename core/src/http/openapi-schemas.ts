import { Type } from '@sinclair/typebox';
import { PERMISSIONS, ROLES } from '../auth/permissions.js';

/**
 * Schemas of answers, for the OpenAPI document: handlers build their answers from views, which are
 * typed but carry no schema. Request schemas are not here; the document takes them from the routes.
 */

const Detail = Type.Object(
  {
    code: Type.String({ description: 'Stable machine-readable code, e.g. `required`.' }),
    message: Type.String({ description: 'What is wrong, for a person to act on.' }),
    path: Type.Optional(Type.String({ description: 'The field at fault, e.g. `events[0].type`.' })),
    nodeId: Type.Optional(Type.String({ description: 'For a flow problem: the node it concerns.' })),
    edgeId: Type.Optional(Type.String({ description: 'For a flow problem: the edge it concerns.' })),
  },
  { additionalProperties: false },
);

/** Every 4xx and 5xx answer, from `ApiError.toJSON()` and the error handler. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable machine-readable code, e.g. `validation_failed`.' }),
        message: Type.String({ description: 'What went wrong, for a person to act on.' }),
        path: Type.Optional(Type.String({ description: 'The request field at fault, when there is one.' })),
        details: Type.Optional(
          Type.Array(Detail, {
            description:
              'Each problem, when the request had more than one, or when they concern nodes of a flow.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** The envelope of every list answer. */
export const ItemListSchema = Type.Object(
  { items: Type.Array(Type.Object({}, { additionalProperties: true })) },
  { additionalProperties: false },
);

const Reference = Type.Union([
  Type.Object({ id: Type.String() }, { additionalProperties: false }),
  Type.Null(),
]);
const FreeObject = Type.Object({}, { additionalProperties: true });

const collectAnswer = {
  profile: Reference,
  events: Type.Array(Type.String(), { description: 'The ids of the events, in the order sent.' }),
  ux: Type.Array(FreeObject, { description: 'Widgets the flows asked the page to show.' }),
  response: Type.Object({}, { additionalProperties: true, description: 'Values the flows returned.' }),
  errors: Type.Array(Type.String(), { description: 'One line per flow or node that failed.' }),
  warnings: Type.Array(Type.String(), {
    description: 'What the server did differently than asked, e.g. a new profile for an unknown id.',
  }),
};

/** `POST /track`. */
export const TrackAnswerSchema = Type.Object(
  { ...collectAnswer, session: Reference },
  { additionalProperties: false },
);

/** `GET|POST /collect/:eventType/:sourceId`: no session. */
export const CollectAnswerSchema = Type.Object(collectAnswer, { additionalProperties: false });

/** `POST /customer/consent`: the track answer plus the consents that hold now. */
export const ConsentAnswerSchema = Type.Object(
  {
    ...collectAnswer,
    session: Reference,
    consents: Type.Record(
      Type.String(),
      Type.Object({ revoke: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) }),
      { description: 'Consent id → when the grant lapses (`null`: until withdrawn).' },
    ),
  },
  { additionalProperties: false },
);

export const HealthSchema = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

export const ReadySchema = Type.Object(
  { status: Type.Literal('ready'), database: Type.Union([Type.Literal('sqlite'), Type.Literal('mysql')]) },
  { additionalProperties: false },
);

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Permission = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));
const DateTimeOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

/** A user account as the API shows it (`userView`); never its password hash. */
export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    roles: Type.Array(Role),
    permissions: Type.Array(Permission, { description: 'Everything the roles grant.' }),
    enabled: Type.Boolean(),
    expiresAt: DateTimeOrNull,
    lastLoginAt: DateTimeOrNull,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** `POST /api/auth/login`. */
export const LoginAnswerSchema = Type.Object(
  {
    user: UserSchema,
    csrfToken: Type.Optional(
      Type.String({ description: 'Cookie sessions: send it as `X-CSRF-Token` on every write.' }),
    ),
    token: Type.Optional(Type.String({ description: 'Token sessions: send it as `Authorization: Bearer`.' })),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** `GET /api/auth/me`: who the credential acts for. */
export const WhoAmISchema = Type.Object(
  {
    user: Type.Union([UserSchema, Type.Null()], { description: '`null` for the machine admin token.' }),
    kind: Type.Union([Type.Literal('session'), Type.Literal('token'), Type.Literal('machine')]),
    permissions: Type.Array(Permission, { description: 'What this credential may do.' }),
    csrfToken: Type.Optional(Type.String({ description: 'Cookie sessions: the token writes must echo.' })),
  },
  { additionalProperties: false },
);

/** `GET /api/auth/session`: the caller if signed in, else no one (never a 401). */
export const SessionProbeSchema = Type.Union([
  WhoAmISchema,
  Type.Object(
    { user: Type.Null(), kind: Type.Null(), permissions: Type.Array(Permission, { maxItems: 0 }) },
    { additionalProperties: false },
  ),
]);

/** `GET /api/stats/events`. */
export const EventStatsSchema = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    bucket: Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')]),
    series: Type.Array(
      Type.Object(
        { t: Type.String({ format: 'date-time' }), total: Type.Integer(), errors: Type.Integer() },
        { additionalProperties: false },
      ),
      { description: 'One entry per bucket of the window, empty ones included.' },
    ),
    byType: Type.Array(
      Type.Object({ type: Type.String(), count: Type.Integer() }, { additionalProperties: false }),
    ),
    bySource: Type.Array(
      Type.Object({ source: Type.String(), count: Type.Integer() }, { additionalProperties: false }),
    ),
    byStatus: Type.Record(Type.String(), Type.Integer()),
  },
  { additionalProperties: false },
);

/** `POST /api/users/:id/password`. */
export const PasswordResetAnswerSchema = Type.Object(
  {
    reset: Type.Literal(true),
    password: Type.Optional(
      Type.String({ description: 'The generated password, when none was given; shown this once.' }),
    ),
  },
  { additionalProperties: false },
);

/** An API token as the API shows it (`tokenView`); the secret only in the answer that creates it. */
export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the secret, to recognise it.' }),
    permissions: Type.Array(Permission),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: DateTimeOrNull,
    lastUsedAt: DateTimeOrNull,
    revokedAt: DateTimeOrNull,
  },
  { additionalProperties: false },
);

/** `POST /api/tokens`: the token and, this once, its secret. */
export const TokenCreatedSchema = Type.Object(
  {
    ...TokenSchema.properties,
    token: Type.String({ description: 'The secret: send it as `Authorization: Bearer`. Shown only here.' }),
  },
  { additionalProperties: false },
);
