import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { TSchema } from '@sinclair/typebox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { apiRoutes } from '../api/routes.js';
import { EventQuerySchema } from '../api/schemas.js';
import { AuditQuerySchema, auditRoutes } from '../audit/audit.js';
import { PUBLIC_API_ROUTES, ROUTE_PERMISSIONS } from '../auth/permissions.js';
import { type AuthRouteOptions, authRoutes, LoginInputSchema } from '../auth/routes.js';
import { collectorRoutes } from '../collector/routes.js';
import { ConsentPayloadSchema, TrackPayloadSchema } from '../collector/schema.js';
import { consentTypeRoutes } from '../consents/routes.js';
import { DebugInputSchema } from '../flows/debug.js';
import { FlowInputSchema } from '../flows/flows.js';
import { flowRoutes, RollbackInputSchema } from '../flows/routes.js';
import { metricsRoute } from '../observability/http.js';
import { resourceRoutes } from '../resources/routes.js';
import { SourceInputSchema } from '../sources/sources.js';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { openApiDocument, openApiRoutes } from './openapi.js';
import { openApiPath } from './openapi-json.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Operation {
  operationId: string;
  security?: unknown[];
  'x-cairn-permission'?: string | null;
  description: string;
  parameters?: { name?: string; in?: string; schema?: unknown; $ref?: string }[];
  requestBody?: { required: boolean; content: Record<string, { schema?: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { content: object }> };
}

const document = openApiDocument() as unknown as Document;

/** The schema without TypeBox's symbol keys, as JSON would carry it. */
const sansSymbols = (schema: TSchema) => JSON.parse(JSON.stringify(schema)) as unknown;

/** Replaces every `$ref` to a component by the component, recursively. */
function dereference(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dereference);
  if (value === null || typeof value !== 'object') return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    return dereference(document.components.schemas[ref.slice('#/components/schemas/'.length)]);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, dereference(item)]));
}

const key = (method: string, path: string) => `${method.toUpperCase()} ${openApiPath(path)}`;

const documented = new Map<string, Operation>(
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [key(method, path), op] as const),
  ),
);

function operation(method: string, path: string): Operation {
  const op = documented.get(key(method, path));
  if (!op) throw new Error(`${key(method, path)} is not in the document`);
  return op;
}

/** The reference's own static files: served, public, and not part of the API. */
const isDocsAsset = (path: string) => path.startsWith('/api/docs/assets/');

/**
 * The routes the routers register. The route factories only register handlers, which use their
 * dependencies when a request arrives, so placeholders do for listing them.
 */
function servedRoutes(): string[] {
  const none = {} as never;
  const routers: Router[] = [
    collectorRoutes(none),
    apiRoutes(none, none, none),
    flowRoutes(none, none, none, none, none),
    consentTypeRoutes(none, none),
    resourceRoutes(none, none),
    authRoutes({ ...(none as object), loginAttempts: 5, loginWindowMinutes: 15 } as AuthRouteOptions),
    auditRoutes(none),
    metricsRoute(none),
    openApiRoutes(),
  ];
  const routes = new Set(['GET /healthz', 'GET /readyz']);
  for (const router of routers) {
    for (const layer of router.stack) {
      const path = String(layer.path).replace(/(.)\/$/, '$1');
      if (isDocsAsset(path)) continue;
      for (const method of layer.methods) if (method !== 'HEAD') routes.add(key(method, path));
    }
  }
  return [...routes].sort();
}

/** An ajv for JSON Schema 2020-12 that knows the document's component schemas. */
function schemaChecker() {
  const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
  const defs = JSON.parse(
    JSON.stringify(document.components.schemas).replaceAll('#/components/schemas/', 'defs#/$defs/'),
  ) as Record<string, unknown>;
  ajv.addSchema({ $id: 'defs', $defs: defs });
  return (schema: unknown) =>
    ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'defs#/$defs/')));
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(
      structuredClone(document) as unknown as Record<string, unknown>,
    );
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('has only valid JSON Schema 2020-12 in its components, parameters, bodies and answers', () => {
    const compile = schemaChecker();
    for (const name of Object.keys(document.components.schemas))
      compile({ $ref: `#/components/schemas/${name}` });
    for (const [route, op] of documented) {
      const schemas = [
        ...(op.parameters ?? []).map((p) => p.schema),
        ...Object.values(op.requestBody?.content ?? {}).map((m) => m.schema),
        ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((m) => m.schema)),
      ].filter((schema) => schema !== undefined);
      for (const schema of schemas) {
        expect(() => compile(schema), route).not.to.throw();
      }
    }
  });

  it('documents every route of the permission table, naming its permission', () => {
    for (const route of ROUTE_PERMISSIONS) {
      const op = operation(route.method, route.path);
      expect(op['x-cairn-permission'], key(route.method, route.path)).to.equal(route.permission);
      expect(op.security, key(route.method, route.path)).to.equal(undefined);
      expect(op.description).to.contain(
        route.permission
          ? `Requires the \`${route.permission}\` permission.`
          : 'Open to any valid credential',
      );
    }
  });

  it('documents every public route as needing no credential', () => {
    for (const route of PUBLIC_API_ROUTES.filter((r) => !isDocsAsset(r.path))) {
      const op = operation(route.method, route.path);
      expect(op.security, key(route.method, route.path)).to.deep.equal([]);
      expect(op).not.to.have.property('x-cairn-permission');
    }
  });

  it('documents every route the server routes', () => {
    const missing = servedRoutes().filter((route) => !documented.has(route));
    expect(missing).to.deep.equal([]);
  });

  it('documents no route that is neither in the permission table, public, nor a collector route', () => {
    const table = new Set(ROUTE_PERMISSIONS.map((r) => key(r.method, r.path)));
    const publicApi = new Set(PUBLIC_API_ROUTES.map((r) => key(r.method, r.path)));
    const collector = new Set(servedRoutes().filter((route) => !route.split(' ')[1]!.startsWith('/api/')));
    for (const [route, op] of documented) {
      if (table.has(route)) continue;
      expect(publicApi.has(route) || collector.has(route), `${route} is not a route of the server`).to.equal(
        true,
      );
      expect(op.security, route).to.deep.equal([]);
    }
  });

  it('gives every operation a distinct operationId', () => {
    const ids = [...documented.values()].map((op) => op.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('takes request bodies from the schemas the handlers validate with', () => {
    const bodies: [string, string, TSchema][] = [
      ['POST', '/api/flows', FlowInputSchema],
      ['PUT', '/api/flows/:id', FlowInputSchema],
      ['POST', '/api/flows/:id/rollback', RollbackInputSchema],
      ['POST', '/api/flows/:id/debug', DebugInputSchema],
      ['POST', '/api/sources', SourceInputSchema],
      ['POST', '/track', TrackPayloadSchema],
      ['POST', '/customer/consent', ConsentPayloadSchema],
      ['POST', '/api/auth/login', LoginInputSchema],
    ];
    for (const [method, path, schema] of bodies) {
      const json = operation(method, path).requestBody?.content['application/json']?.schema;
      expect(json, key(method, path)).to.have.property('$ref');
      expect(dereference(json), key(method, path)).to.deep.equal(sansSymbols(schema));
    }
    expect(document.components.schemas.FlowInput).to.deep.equal(sansSymbols(FlowInputSchema));
  });

  it('takes query parameters from the schemas the handlers validate with', () => {
    for (const [path, schema] of [
      ['/api/audit', AuditQuerySchema],
      ['/api/events', EventQuerySchema],
    ] as const) {
      const query = operation('GET', path).parameters?.filter((p) => p.in === 'query') ?? [];
      expect(Object.fromEntries(query.map((p) => [p.name, p.schema]))).to.deep.equal(
        (sansSymbols(schema) as { properties: object }).properties,
      );
    }
  });

  it('answers every client error with the error shape', () => {
    for (const [route, op] of documented) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('4')) continue;
        const name = response.$ref?.replace('#/components/responses/', '') ?? '';
        expect(document.components.responses[name]?.content, `${route} ${status}`).to.deep.equal({
          'application/json': { schema: { $ref: '#/components/schemas/Error' } },
        });
      }
    }
  });
});

describe('OpenAPI on a running server', () => {
  const [sqlite] = testDialects();
  let server: TestServer;
  before(async () => {
    server = await startTestServer(sqlite!);
  });
  after(() => server.stop());

  /** What is wrong with a real answer, measured against what the document says the operation answers. */
  const check = schemaChecker();
  async function undocumentedAnswer(
    method: string,
    path: string,
    res: Response,
  ): Promise<string | undefined> {
    const route = key(method, path);
    const response = operation(method, path).responses[String(res.status)];
    if (!response) return `${route} answered ${res.status}, which the document does not list`;
    const content = response.$ref
      ? document.components.responses[response.$ref.replace('#/components/responses/', '')]?.content
      : response.content;
    const schema = (content as Record<string, { schema?: unknown }> | undefined)?.['application/json']
      ?.schema;
    if (!schema) return undefined;
    const validate = check(schema);
    const body: unknown = await res.json();
    return validate(body) ? undefined : `${route} ${res.status}: ${JSON.stringify(validate.errors)}`;
  }
  const expectDocumentedAnswer = async (method: string, path: string, res: Response) =>
    expect(await undocumentedAnswer(method, path, res)).to.equal(undefined);

  it('serves the document at /api/openapi.json without a credential', async () => {
    const res = await server.request('/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(await res.json()).to.deep.equal(document);
  });

  it('serves the reference page and the files it loads without a credential', async () => {
    const page = await server.request('/api/docs');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).to.include.members([
      '/api/docs/assets/swagger-ui-bundle.js',
      '/api/docs/assets/cairn-docs.js',
    ]);
    for (const asset of assets) {
      const res = await server.request(asset);
      expect(res.status, asset).to.equal(200);
      expect((await res.arrayBuffer()).byteLength, asset).to.be.greaterThan(0);
    }
    const startup = await (await server.request('/api/docs/assets/cairn-docs.js')).text();
    expect(startup).to.contain("url: '/api/openapi.json'");
  });

  it('serves no other file of the package', async () => {
    for (const file of ['package.json', 'index.html', '..%2F..%2Fpackage.json']) {
      expect((await server.request(`/api/docs/assets/${file}`)).status, file).to.equal(404);
    }
  });

  it('routes every documented operation and answers as documented', async () => {
    const problems: string[] = [];
    for (const [route, op] of documented) {
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) =>
        name === 'eventType' ? 'openapi-probe' : 'openapi-probe-missing',
      );
      const res = await server.request(path, {
        method,
        admin: !op.security,
        ...(op.requestBody ? { json: {} } : {}),
      });
      if (res.status === 404 || res.status === 405) {
        const body = (await res.clone().json()) as { error?: { message?: string } };
        if (res.status === 405 || body.error?.message?.startsWith('No route')) {
          problems.push(`${route} is not routed (${res.status})`);
          continue;
        }
      }
      const mismatch = await undocumentedAnswer(method, template, res);
      if (mismatch) problems.push(mismatch);
    }
    expect(problems).to.deep.equal([]);
  });

  it('answers collected events as documented', async () => {
    const source = await server.request('/api/sources', {
      admin: true,
      json: { id: 'openapi-web', name: 'Web', type: 'javascript' },
    });
    await expectDocumentedAnswer('POST', '/api/sources', source);
    const track = await server.request('/track', {
      json: { source: { id: 'openapi-web' }, events: [{ type: 'page-view' }] },
    });
    expect(track.status).to.equal(200);
    await expectDocumentedAnswer('POST', '/track', track);
    const hook = await server.request('/collect/payment/openapi-web?profile_id=cus_1', {
      json: { amount: 10 },
    });
    expect(hook.status).to.equal(200);
    await expectDocumentedAnswer('POST', '/collect/:eventType/:sourceId', hook);
    const events = await server.request('/api/events?source=openapi-web', { admin: true });
    expect(events.status).to.equal(200);
    await expectDocumentedAnswer('GET', '/api/events', events);
  });

  it('answers who the caller is as documented', async () => {
    const me = await server.request('/api/auth/me', { admin: true });
    expect(me.status).to.equal(200);
    await expectDocumentedAnswer('GET', '/api/auth/me', me);
  });
});
