import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Router from '@koa/router';
import { send } from '@koa/send';
import type { TSchema } from '@sinclair/typebox';
import { ROUTE_PERMISSIONS } from '../auth/permissions.js';
import { ApiError } from './errors.js';
import { openApiPath, openApiSchemas } from './openapi-json.js';
import {
  COMPONENT_SCHEMAS,
  type ErrorStatus,
  OPERATIONS,
  type OperationSpec,
  TAGS,
} from './openapi-operations.js';

const require = createRequire(import.meta.url);

const { jsonSchema, schemaRef } = openApiSchemas(COMPONENT_SCHEMAS);

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The error answers, by name; each is `{error: {code, message, path?, details?}}`. */
const ERROR_RESPONSES = {
  MalformedBody: errorResponse('The body is not valid JSON or form data (`malformed_body`).'),
  Unauthorized: errorResponse(
    'No valid credential (`unauthorized`): none was sent, or it is invalid, expired or revoked.',
  ),
  InvalidCredentials: errorResponse(
    'The e-mail or password is wrong, or the account is disabled (`invalid_credentials`).',
  ),
  SourceRefused: errorResponse(
    'The event source does not exist (`unknown_source`), is disabled (`source_disabled`), or its write key is missing or wrong (`invalid_write_key`).',
  ),
  Forbidden: errorResponse(
    "The caller's permissions do not include the one this operation needs (`forbidden`), or a write signed in by cookie did not send the session's CSRF token (`csrf_failed`).",
  ),
  OriginNotAllowed: errorResponse('A browser origin the source does not list (`origin_not_allowed`).'),
  NotFound: errorResponse('The object does not exist (`not_found`).'),
  Conflict: errorResponse(
    'The change conflicts with what is stored: an id or e-mail already taken, a flow a routing rule still uses, or the last admin.',
  ),
  PayloadTooLarge: errorResponse('The body is larger than `CAIRN_MAX_BODY` (`payload_too_large`).'),
  UnsupportedMediaType: errorResponse(
    'A body encoding or charset the server does not read (`unsupported_media_type`).',
  ),
  ValidationFailed: errorResponse(
    'The request breaks its schema (`validation_failed`) or a rule the schema cannot express; `path` names the field, and `details` lists every problem when there are several.',
  ),
  TooManyAttempts: errorResponse(
    'Too many failed sign-ins (`too_many_attempts`); `Retry-After` says how many seconds to wait.',
  ),
  NotReady: errorResponse('The database does not answer (`not_ready`).'),
  BadGateway: errorResponse(
    'A plugin registry did not answer, answered with an error, or sent a package over the size limit (`registry_unreachable`, `registry_error`, `package_too_large`).',
  ),
} as const;
type ErrorResponseName = keyof typeof ERROR_RESPONSES;

const ERROR_RESPONSE_OF: Record<ErrorStatus, ErrorResponseName> = {
  400: 'MalformedBody',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'ValidationFailed',
  429: 'TooManyAttempts',
  502: 'BadGateway',
  503: 'NotReady',
};

const isCollector = (op: OperationSpec) => op.public && !op.path.startsWith('/api/');

/** The error answers of an operation: those its shape implies, and those it lists. */
function errorResponses(op: OperationSpec): Record<string, { $ref: string }> {
  const statuses = new Set<ErrorStatus>(op.errors ?? []);
  if (!op.public) {
    statuses.add(401);
    statuses.add(403);
  }
  if (op.path.startsWith('/api/') && op.path.includes(':')) statuses.add(404);
  if (op.body) for (const status of [400, 413, 415, 422] as const) statuses.add(status);
  if (op.query) statuses.add(422);
  const name = (status: ErrorStatus): ErrorResponseName => {
    if (isCollector(op) && status === 401) return 'SourceRefused';
    if (isCollector(op) && status === 403) return 'OriginNotAllowed';
    if (op.public && status === 401) return 'InvalidCredentials';
    return ERROR_RESPONSE_OF[status];
  };
  return Object.fromEntries(
    [...statuses]
      .sort((a, b) => a - b)
      .map((status) => [String(status), { $ref: `#/components/responses/${name(status)}` }]),
  );
}

function parameters(op: OperationSpec): object[] {
  const inPath = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const path = inPath.map((name) => {
    const param = op.params?.[name];
    return {
      name,
      in: 'path',
      required: true,
      ...(param?.description ? { description: param.description } : {}),
      schema: param?.schema ? jsonSchema(param.schema) : { type: 'string' },
    };
  });
  const required = new Set(op.query?.required ?? []);
  const query: object[] = Object.entries(op.query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema: jsonSchema(schema),
  }));
  // Query keys matched by pattern (`trait.<path>`): an exploded object whose keys are the names.
  const patterns = op.query?.patternProperties as Record<string, TSchema> | undefined;
  if (patterns) {
    query.push({
      name: 'filters',
      in: 'query',
      required: false,
      description: Object.values(patterns)
        .map((schema) => schema.description)
        .filter(Boolean)
        .join(' '),
      style: 'form',
      explode: true,
      schema: jsonSchema({ type: 'object', patternProperties: patterns, additionalProperties: false }),
    });
  }
  const csrf = !op.public && op.method !== 'GET' ? [{ $ref: '#/components/parameters/CsrfToken' }] : [];
  return [...path, ...query, ...(op.extraParameters ?? []), ...csrf];
}

function requestBody(op: OperationSpec): object | undefined {
  if (!op.body) return undefined;
  const others = Object.entries(op.otherBodies ?? {}).map(([type, schema]) => [
    type,
    { schema: schemaRef(schema) },
  ]);
  return {
    required: !op.bodyOptional,
    content: { 'application/json': { schema: schemaRef(op.body) }, ...Object.fromEntries(others) },
  };
}

function successResponse(op: OperationSpec): object {
  const { status, description, schema, contentType = 'application/json' } = op.success;
  if (status === 204) return { description };
  const media = schema
    ? { schema: schemaRef(schema) }
    : contentType === 'application/json'
      ? {}
      : { schema: { type: 'string' } };
  return { description, content: { [contentType]: media } };
}

/** The sentence that says who may call an operation, and its `x-cairn-permission`. */
function access(op: OperationSpec): { sentence: string; extension: object } {
  if (op.public) return { sentence: 'Needs no credential.', extension: {} };
  const entry = ROUTE_PERMISSIONS.find((r) => r.method === op.method && r.path === op.path);
  if (!entry) {
    return { sentence: 'Not in the permission table, so refused to every caller.', extension: {} };
  }
  return entry.permission
    ? {
        sentence: `Requires the \`${entry.permission}\` permission.`,
        extension: { 'x-cairn-permission': entry.permission },
      }
    : {
        sentence: "Open to any valid credential; acts on the caller's own account.",
        extension: { 'x-cairn-permission': null },
      };
}

function operationObject(op: OperationSpec): object {
  const { sentence, extension } = access(op);
  const params = parameters(op);
  const body = requestBody(op);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, sentence].filter(Boolean).join('\n\n'),
    ...extension,
    ...(op.public ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { [String(op.success.status)]: successResponse(op), ...errorResponses(op) },
  };
}

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      '`Authorization: Bearer <token>` with an API token (`ct_…`, from `POST /api/tokens`), a session token (`cs_…`, from `POST /api/auth/login` with `mode: "token"`), or the machine admin token configured as `CAIRN_ADMIN_TOKEN`.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'cairn_session',
    description:
      'The httpOnly session cookie `POST /api/auth/login` sets (`mode: "cookie"`, the default). Writes (`POST`, `PUT`, `PATCH`, `DELETE`) made with it must also send the session\'s CSRF token in the `X-CSRF-Token` header: the login answer carries it as `csrfToken`, and so does `GET /api/auth/me`. A write without it is refused with 403 `csrf_failed`. When a request carries both, the `Authorization` header wins.',
  },
};

const CSRF_PARAMETER = {
  name: 'X-CSRF-Token',
  in: 'header',
  required: false,
  description:
    "Needed when the request is authenticated by the `cairn_session` cookie: the session's `csrfToken`. Not needed with a bearer token.",
  schema: { type: 'string' },
};

const DESCRIPTION = `The HTTP API of Cairn, an open-source customer data platform.

The **collector** routes (\`/track\`, \`/collect/…\`, \`/customer/consent\`) take events from sites, apps and webhooks; they need no credential, only the write key of sources that have one. Every **admin** route under \`/api\` needs a credential (see the security schemes) whose permissions include the one the operation names in \`x-cairn-permission\`; \`null\` there means any valid credential, for the caller's own account.

Every error is \`{"error": {"code", "message", "path"?, "details"?}}\`: \`code\` is stable, \`path\` names the field at fault.`;

const { version } = require('../../package.json') as { version: string };

/** The OpenAPI 3.1 document of every route the server answers, built from the schemas the handlers validate with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of OPERATIONS) {
    const path = openApiPath(op.path);
    paths[path] ??= {};
    paths[path][op.method.toLowerCase()] = operationObject(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cairn',
      version,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: TAGS,
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENT_SCHEMAS).map(([name, schema]) => [name, jsonSchema(schema)]),
      ),
      responses: ERROR_RESPONSES,
      parameters: { CsrfToken: CSRF_PARAMETER },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** The swagger-ui-dist files the reference page loads, served from the installed package. */
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

const ASSETS = '/api/docs/assets';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cairn API reference</title>
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
<link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="${ASSETS}/cairn-docs.js"></script>
</body>
</html>
`;

// A separate file rather than an inline script, so the page works under a CSP without
// 'unsafe-inline'. When the browser holds a cookie session, "Try it out" writes need its CSRF
// token: it is read from /api/auth/me at the first write (not on load, so a visitor who is not
// signed in sees no refused request) and added to every write the page sends.
const STARTUP = `(function () {
  var csrf;
  function csrfToken() {
    csrf = csrf || fetch('/api/auth/me', { credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (me) { return me && me.csrfToken; })
      .catch(function () { return undefined; });
    return csrf;
  }
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    persistAuthorization: true,
    requestInterceptor: function (req) {
      var method = String(req.method || 'GET').toUpperCase();
      if (req.loadSpec || method === 'GET' || method === 'HEAD' || req.headers['X-CSRF-Token'] || req.headers.Authorization) return req;
      return csrfToken().then(function (token) {
        if (token) req.headers['X-CSRF-Token'] = token;
        return req;
      });
    },
  });
})();
`;

/**
 * `GET /api/openapi.json`, the reference page `GET /api/docs`, and the files it loads under
 * `GET /api/docs/assets/:file` (from swagger-ui-dist; the server may have no internet access).
 */
export function openApiRoutes(): Router {
  const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));
  const router = new Router();
  let document: string | undefined;
  router.get('/api/openapi.json', (ctx) => {
    document ??= JSON.stringify(openApiDocument());
    ctx.type = 'application/json';
    ctx.body = document;
  });
  router.get('/api/docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = PAGE;
  });
  router.get(`${ASSETS}/:file`, async (ctx) => {
    const file = ctx.params.file!;
    if (file === 'cairn-docs.js') {
      ctx.type = 'application/javascript';
      ctx.body = STARTUP;
      return;
    }
    if (!SWAGGER_UI_FILES.has(file)) throw new ApiError(404, 'not_found', `No file ${ctx.path}.`);
    await send(ctx, file, { root: swaggerUi, maxage: 24 * 3_600_000 });
  });
  return router;
}
