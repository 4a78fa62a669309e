import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import {
  DeprecateInputSchema,
  ManifestSchema,
  PackageListQuerySchema,
  PackageListSchema,
  PackagePageQuerySchema,
  PackagePageSchema,
  PackageSummarySchema,
  PublishedSchema,
  VersionDetailSchema,
  VersionStateSchema,
  VersionSummarySchema,
  YankInputSchema,
} from '../packages/schemas.js';
import {
  KeyInputSchema,
  KeyListSchema,
  KeyViewSchema,
  LoginAnswerSchema,
  LoginInputSchema,
  PublisherAccountSchema,
  PublisherInputSchema,
  PublisherProfileSchema,
  TokenCreatedSchema,
  TokenInputSchema,
  TokenListSchema,
  TokenViewSchema,
} from '../publishers/schemas.js';

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable, for programs: `version_exists`, `invalid_signature`, …' }),
    message: Type.String({ description: 'For people: what is wrong and what to do.' }),
    path: Type.Optional(
      Type.String({
        description:
          'The field at fault: a body or query field, a header (`X-Cairn-Signature`), a manifest field (`nodes[0].id`) or a file of the package (`package/README.md`).',
      }),
    ),
    details: Type.Optional(
      Type.Array(
        Type.Object({ code: Type.String(), message: Type.String(), path: Type.Optional(Type.String()) }),
        {
          description: 'Every problem, when a body breaks its schema in several places.',
        },
      ),
    ),
  }),
});

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export const ReadySchema = Type.Object({ status: Type.Literal('ready'), database: Type.String() });

/** Schemas the document names under `components/schemas`; nested uses become `$ref`s. */
export const COMPONENT_SCHEMAS: Record<string, TSchema> = {
  Error: ErrorSchema,
  PublisherInput: PublisherInputSchema,
  PublisherAccount: PublisherAccountSchema,
  PublisherProfile: PublisherProfileSchema,
  LoginInput: LoginInputSchema,
  LoginAnswer: LoginAnswerSchema,
  TokenInput: TokenInputSchema,
  TokenView: TokenViewSchema,
  TokenCreated: TokenCreatedSchema,
  TokenList: TokenListSchema,
  KeyInput: KeyInputSchema,
  KeyView: KeyViewSchema,
  KeyList: KeyListSchema,
  PluginManifest: ManifestSchema,
  PackageSummary: PackageSummarySchema,
  PackageList: PackageListSchema,
  VersionSummary: VersionSummarySchema,
  PackagePage: PackagePageSchema,
  VersionDetail: VersionDetailSchema,
  Published: PublishedSchema,
  DeprecateInput: DeprecateInputSchema,
  YankInput: YankInputSchema,
  VersionState: VersionStateSchema,
  Health: HealthSchema,
  Ready: ReadySchema,
};

export interface OperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Koa-style, `:name` for a parameter, exactly as the router registers it. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Answered without a publisher token. */
  public?: boolean;
  params?: Record<string, string>;
  query?: TObject;
  /** A JSON body validated with this schema. */
  body?: TSchema;
  bodyOptional?: boolean;
  /** A binary body instead of JSON: media type → description. */
  binaryBody?: { types: string[]; description: string };
  headers?: { name: string; required: boolean; description: string }[];
  success: {
    status: 200 | 201 | 204;
    description: string;
    schema?: TSchema;
    /** Media types of a binary answer. */
    binary?: string[];
    headers?: Record<string, string>;
  };
  /** Client errors by status, each with the codes it carries. */
  errors?: Partial<Record<304 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, string>>;
}

const NAME = 'The package name, URL-encoded: `%40acme%2Fplugin-x` for `@acme/plugin-x`.';
const VERSION = 'An exact version, e.g. `1.2.0`.';
const versionParams = { name: NAME, version: VERSION };

const VALIDATION = '`validation_failed`: the body breaks its schema; `path` names the field.';
const NOT_OWNER = '`not_owner`: the package belongs to another publisher.';

export const TAGS = [
  {
    name: 'Packages',
    description: 'Search, package pages, versions, downloads; publishing and its lifecycle.',
  },
  { name: 'Publishers', description: 'Publisher accounts and public profiles.' },
  { name: 'Auth', description: 'Sign-in and API tokens of publishers.' },
  { name: 'Keys', description: 'The ed25519 keys that sign packages.' },
  { name: 'Service', description: 'Health and this document.' },
];

export const OPERATIONS: OperationSpec[] = [
  {
    method: 'GET',
    path: '/api/packages',
    operationId: 'searchPackages',
    tag: 'Packages',
    summary: 'Search and browse packages',
    description:
      'Packages with an installable (not yanked) version, filtered by words and node category, most downloaded or most recently published first. Pages are keyset-paginated with `cursor`.',
    public: true,
    query: PackageListQuerySchema,
    success: { status: 200, description: 'A page of packages.', schema: PackageListSchema },
    errors: {
      422: '`validation_failed`: a query parameter is invalid, or `cursor` is not from this listing.',
    },
  },
  {
    method: 'GET',
    path: '/api/packages/:name',
    operationId: 'getPackage',
    tag: 'Packages',
    summary: 'Package page',
    description:
      'Every version (newest first), and the manifest (nodes and their permissions) and README of the latest version. With `?cairn=<version>`, each version says whether its `cairn` range includes that Cairn plugin API version.',
    public: true,
    params: { name: NAME },
    query: PackagePageQuerySchema,
    success: { status: 200, description: 'The package page.', schema: PackagePageSchema },
    errors: {
      404: '`not_found`: no package has this name.',
      422: '`validation_failed`: `cairn` is not a version.',
    },
  },
  {
    method: 'PUT',
    path: '/api/packages/:name/:version',
    operationId: 'publishVersion',
    tag: 'Packages',
    summary: 'Publish a version',
    description:
      "The body is the package tarball, signed by one of the publisher's registered keys. The registry checks, in this order: the size, the name and version in the URL, the signature headers, ownership of the name (a scope `@x/…` belongs to publisher `x`; an unscoped name to its first publisher), that the version does not exist (a version is never replaced, not even after a yank), the key, the signature over the exact bytes, the package layout and manifest, and that the manifest names this package and version. It then stores the tarball by its sha512 and records the version.",
    params: versionParams,
    binaryBody: {
      types: ['application/octet-stream'],
      description:
        'The package: a gzip tar of `package/manifest.json`, `plugin.js`, `README.md`, `LICENSE` and an optional `icon.svg` or `icon.png`.',
    },
    headers: [
      {
        name: 'X-Cairn-Signature',
        required: true,
        description: 'base64 ed25519 signature over the tarball bytes.',
      },
      { name: 'X-Cairn-Key-Id', required: true, description: 'The id of the registered key that made it.' },
    ],
    success: { status: 201, description: 'The version is published.', schema: PublishedSchema },
    errors: {
      403: '`scope_not_owned`: the scope belongs to another publisher; `name_taken`: the package belongs to another publisher; `unknown_key`: the key is not one of yours; `key_revoked`: the key was revoked.',
      409: '`version_exists`: this version was published before.',
      413: '`package_too_large`: the tarball, or its content unpacked, is over the limit.',
      415: '`unsupported_media_type`: the body is not `application/octet-stream`.',
      422: '`invalid_name`, `invalid_version`: the URL does not name a valid package or semver version; `signature_missing`: a signature header is missing; `invalid_signature`: the signature does not verify with the key; `bad_package`: not a gzip tar of the expected files (`path` names the file); `invalid_manifest`: `path` names the manifest field; `manifest_mismatch`: the manifest names another package or version; `file_too_large`, `bad_icon`: the README, LICENSE or icon is too large or not an image.',
    },
  },
  {
    method: 'GET',
    path: '/api/packages/:name/:version',
    operationId: 'getVersion',
    tag: 'Packages',
    summary: 'One version',
    description:
      'Integrity, signature and signing key, manifest, README and licence of a version, yanked or not.',
    public: true,
    params: versionParams,
    success: { status: 200, description: 'The version.', schema: VersionDetailSchema },
    errors: { 404: '`not_found`: no such package or version.' },
  },
  {
    method: 'GET',
    path: '/api/packages/:name/:version/tarball',
    operationId: 'downloadTarball',
    tag: 'Packages',
    summary: 'Download the tarball',
    description:
      'Counts a download (a `304` answer to `If-None-Match` does not count). Yanked versions stay downloadable by exact version. Check the bytes against `X-Cairn-Integrity` and the signature against the key of `GET /api/packages/{name}/{version}` before trusting them.',
    public: true,
    params: versionParams,
    success: {
      status: 200,
      description: 'The tarball, exactly as published.',
      binary: ['application/gzip'],
      headers: {
        ETag: 'The integrity, quoted.',
        'X-Cairn-Integrity': '`sha512-<base64>` of the body.',
        'X-Cairn-Signature': 'The base64 ed25519 signature of the body.',
        'X-Cairn-Key-Id': 'The id of the key that made it.',
      },
    },
    errors: {
      304: 'The client holds these bytes already (`If-None-Match`).',
      404: '`not_found`: no such package or version.',
    },
  },
  {
    method: 'GET',
    path: '/api/packages/:name/:version/icon',
    operationId: 'getIcon',
    tag: 'Packages',
    summary: 'The icon of a version',
    description: 'Served with a content security policy that lets an SVG run no script.',
    public: true,
    params: versionParams,
    success: { status: 200, description: 'The icon.', binary: ['image/svg+xml', 'image/png'] },
    errors: {
      304: 'The client holds this icon already.',
      404: '`not_found`: no such version, or it has no icon.',
    },
  },
  {
    method: 'POST',
    path: '/api/packages/:name/:version/deprecate',
    operationId: 'deprecateVersion',
    tag: 'Packages',
    summary: 'Deprecate a version, or take a deprecation back',
    description:
      'A deprecated version stays installable and can stay `latest`; its message is shown with it.',
    params: versionParams,
    body: DeprecateInputSchema,
    success: { status: 200, description: 'The version after the change.', schema: VersionStateSchema },
    errors: { 403: NOT_OWNER, 404: '`not_found`: no such package or version.', 422: VALIDATION },
  },
  {
    method: 'POST',
    path: '/api/packages/:name/:version/yank',
    operationId: 'yankVersion',
    tag: 'Packages',
    summary: 'Yank a version',
    description:
      'A yanked version is no longer `latest` and is hidden from new installs, but stays downloadable by exact version so existing installs keep working. A yank is final, and the version number stays used.',
    params: versionParams,
    body: YankInputSchema,
    bodyOptional: true,
    success: { status: 200, description: 'The version after the change.', schema: VersionStateSchema },
    errors: { 403: NOT_OWNER, 404: '`not_found`: no such package or version.', 422: VALIDATION },
  },
  {
    method: 'POST',
    path: '/api/publishers',
    operationId: 'createPublisher',
    tag: 'Publishers',
    summary: 'Create a publisher account',
    description:
      "Open to anyone when `CAIRN_REGISTRY_OPEN_SIGNUP` is true; otherwise only with the operator's admin token as bearer. A few names (`cairn`, `admin`, `registry`, …) are reserved for the operator.",
    public: true,
    body: PublisherInputSchema,
    success: { status: 201, description: 'The account.', schema: PublisherAccountSchema },
    errors: {
      403: '`signup_closed`: sign-up needs the admin token.',
      409: '`name_taken`, `email_taken`.',
      422: `${VALIDATION} \`name_reserved\`: the name is reserved.`,
    },
  },
  {
    method: 'GET',
    path: '/api/publishers/:name',
    operationId: 'getPublisher',
    tag: 'Publishers',
    summary: 'Public profile of a publisher',
    description: 'Its active signing keys and its packages.',
    public: true,
    params: { name: 'The publisher name.' },
    success: { status: 200, description: 'The profile.', schema: PublisherProfileSchema },
    errors: { 404: '`not_found`: no publisher has this name.' },
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    operationId: 'login',
    tag: 'Auth',
    summary: 'Sign in and get a bearer token',
    description: 'Failed sign-ins are limited per account and address.',
    public: true,
    body: LoginInputSchema,
    success: { status: 200, description: 'A token that expires.', schema: LoginAnswerSchema },
    errors: {
      401: '`invalid_credentials`: the name, e-mail or password is wrong.',
      422: VALIDATION,
      429: '`too_many_attempts`: wait the seconds `Retry-After` says.',
    },
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    operationId: 'whoAmI',
    tag: 'Auth',
    summary: 'The account of the token',
    success: { status: 200, description: 'The account.', schema: PublisherAccountSchema },
  },
  {
    method: 'GET',
    path: '/api/tokens',
    operationId: 'listTokens',
    tag: 'Auth',
    summary: 'Your tokens that still work',
    success: { status: 200, description: 'Newest first; never the secrets.', schema: TokenListSchema },
  },
  {
    method: 'POST',
    path: '/api/tokens',
    operationId: 'createToken',
    tag: 'Auth',
    summary: 'Create an API token',
    description: 'For CI and scripts: it works until revoked. The secret is in this answer only.',
    body: TokenInputSchema,
    success: { status: 201, description: 'The token and its secret.', schema: TokenCreatedSchema },
    errors: { 422: VALIDATION },
  },
  {
    method: 'DELETE',
    path: '/api/tokens/:id',
    operationId: 'revokeToken',
    tag: 'Auth',
    summary: 'Revoke a token',
    params: { id: 'The token id.' },
    success: { status: 204, description: 'Revoked; it is refused from now on.' },
    errors: { 404: '`not_found`: you have no token with this id.' },
  },
  {
    method: 'GET',
    path: '/api/keys',
    operationId: 'listKeys',
    tag: 'Keys',
    summary: 'Your signing keys, revoked ones too',
    success: { status: 200, description: 'Oldest first.', schema: KeyListSchema },
  },
  {
    method: 'POST',
    path: '/api/keys',
    operationId: 'addKey',
    tag: 'Keys',
    summary: 'Register a public key',
    body: KeyInputSchema,
    success: { status: 201, description: 'The key and its id.', schema: KeyViewSchema },
    errors: {
      409: '`key_exists`: you registered it already; `key_revoked`: you revoked it; `key_taken`: another publisher registered it.',
      422: `${VALIDATION} \`invalid_public_key\`: not a raw 32-byte ed25519 key.`,
    },
  },
  {
    method: 'DELETE',
    path: '/api/keys/:keyId',
    operationId: 'revokeKey',
    tag: 'Keys',
    summary: 'Revoke a key',
    description: 'It cannot sign new versions; versions it signed keep their signature and key.',
    params: { keyId: 'The key id.' },
    success: { status: 204, description: 'Revoked.' },
    errors: { 404: '`not_found`: you have no key with this id.' },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'getOpenApi',
    tag: 'Service',
    summary: 'This document',
    public: true,
    success: {
      status: 200,
      description: 'OpenAPI 3.1.',
      schema: Type.Object({}, { additionalProperties: true }),
    },
  },
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    tag: 'Service',
    summary: 'Liveness',
    public: true,
    success: { status: 200, description: 'The process answers.', schema: HealthSchema },
  },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'ready',
    tag: 'Service',
    summary: 'Readiness',
    public: true,
    success: { status: 200, description: 'The database answers.', schema: ReadySchema },
    errors: { 503: '`not_ready`: the database does not answer.' },
  },
];
