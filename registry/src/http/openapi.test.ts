import { healthRoutes } from '@cairn/core/http/health';
import { openApiPath } from '@cairn/core/http/openapi-json';
import { testDialects } from '@cairn/core/test-support/databases';
import { signPackage } from '@cairn/sdk/package';
import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { packageRoutes } from '../packages/routes.js';
import { publisherRoutes } from '../publishers/routes.js';
import {
  manifest,
  PASSWORD,
  release,
  startTestRegistry,
  type TestRegistry,
  tarballOf,
} from '../test-support/registry.js';
import { openApiDocument, openApiRoutes } from './openapi.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const document = openApiDocument() as unknown as Document;

/** The routes the routers register; their handlers only touch their dependencies per request. */
function servedRoutes(): string[] {
  const none = {} as never;
  const routers: Router[] = [
    healthRoutes(none),
    publisherRoutes({ loginAttempts: 1, loginWindowMinutes: 1 } as never),
    packageRoutes(none),
    openApiRoutes(),
  ];
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) =>
      layer.methods
        .filter((m) => m !== 'HEAD')
        .map((m) => `${m} ${openApiPath(String(layer.path)).replace(/\/$/, '')}`),
    ),
  );
}

const documentedRoutes = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('documents every route the registry serves, and serves every documented route', () => {
    expect([...servedRoutes()].sort()).to.deep.equal([...documentedRoutes].sort());
  });

  it('documents the publish checks, headers and binary body', () => {
    const publish = document.paths['/api/packages/{name}/{version}']!.put!;
    expect(publish.parameters?.map((p) => p.name)).to.include.members([
      'X-Cairn-Signature',
      'X-Cairn-Key-Id',
    ]);
    expect(Object.keys(publish.requestBody!.content)).to.deep.equal(['application/octet-stream']);
    expect(Object.keys(publish.responses)).to.include.members([
      '201',
      '401',
      '403',
      '409',
      '413',
      '415',
      '422',
    ]);
  });
});

const [sqlite] = testDialects();

describe('answers of a running registry match the document', function () {
  this.timeout(60_000);
  let registry: TestRegistry;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(document, 'openapi.json');
  const checked = new Set<string>();

  /** The documented operation of a request path (URL-encoded, query included). */
  function operationOf(method: string, url: string): [string, Operation] {
    const path = url.split('?')[0]!;
    for (const [template, item] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const op = item[method.toLowerCase()];
      if (pattern.test(path) && op) return [template, op];
    }
    throw new Error(`${method} ${path} is not documented`);
  }

  /** Calls the registry and checks that the status is documented and the JSON body fits its schema. */
  async function call(method: string, url: string, init: Parameters<TestRegistry['request']>[1] = {}) {
    const [template, op] = operationOf(method, url);
    const response = await registry.request(url, { ...init, method });
    const status = String(response.status);
    const documented = op.responses[status];
    expect(documented, `${method} ${template} answered ${status}, which is not documented`).to.not.equal(
      undefined,
    );
    const schema = documented!.content?.['application/json']?.schema as { $ref?: string } | undefined;
    if (schema?.$ref) {
      const validate = ajv.getSchema(`openapi.json${schema.$ref}`)!;
      const body = await response.clone().json();
      expect(validate(body), `${method} ${template} ${status}: ${JSON.stringify(validate.errors)}`).to.equal(
        true,
      );
    }
    checked.add(`${method} ${template} ${status}`);
    return response;
  }

  before(async () => {
    registry = await startTestRegistry(sqlite!);
  });
  after(() => registry.stop());

  it('for accounts, tokens and keys', async () => {
    const acme = await registry.publisher('acme');
    await call('POST', '/api/publishers', {
      json: { name: 'globex', email: 'g@example.com', password: PASSWORD },
    });
    await call('POST', '/api/publishers', {
      json: { name: 'globex', email: 'g@example.com', password: PASSWORD },
    });
    await call('POST', '/api/publishers', { json: { name: 'Globex' } });
    await call('POST', '/api/auth/login', { json: { name: 'globex', password: PASSWORD } });
    await call('POST', '/api/auth/login', { json: { name: 'globex', password: 'wrong password' } });
    await call('GET', '/api/auth/me', { bearer: acme.token });
    await call('GET', '/api/auth/me');
    const token = (await (
      await call('POST', '/api/tokens', { json: { name: 'ci' }, bearer: acme.token })
    ).json()) as {
      id: string;
    };
    await call('GET', '/api/tokens', { bearer: acme.token });
    await call('DELETE', `/api/tokens/${token.id}`, { bearer: acme.token });
    await call('GET', '/api/keys', { bearer: acme.token });
    await call('POST', '/api/keys', { json: { publicKey: acme.key.publicKey }, bearer: acme.token });
    await call('GET', '/api/publishers/acme');
    await call('GET', '/api/publishers/nobody');
  });

  it('for publishing, search, package pages, versions and their lifecycle', async () => {
    const initech = await registry.publisher('initech');
    const tarball = await tarballOf(manifest('@initech/tps', '1.0.0'));
    const publish = (version: string, bytes: Buffer) =>
      call('PUT', `/api/packages/%40initech%2Ftps/${version}`, {
        bearer: initech.token,
        headers: {
          'content-type': 'application/octet-stream',
          'x-cairn-signature': signPackage(bytes, initech.key.privateKey),
          'x-cairn-key-id': initech.key.keyId,
        },
        body: new Uint8Array(bytes),
      });
    expect((await publish('1.0.0', tarball)).status).to.equal(201);
    expect((await publish('1.0.0', tarball)).status).to.equal(409);
    await release(registry, initech, '@initech/tps', '1.1.0');
    await call('GET', '/api/packages?q=review&sort=date&limit=1');
    await call('GET', '/api/packages?limit=1000');
    await call('GET', '/api/packages/%40initech%2Ftps?cairn=0.1.0');
    await call('GET', '/api/packages/%40initech%2Ftps/1.0.0');
    await call('GET', '/api/packages/%40initech%2Ftps/1.0.0/tarball');
    await call('GET', '/api/packages/%40initech%2Ftps/1.0.0/icon');
    await call('POST', '/api/packages/%40initech%2Ftps/1.0.0/deprecate', {
      json: { message: 'use 1.1.0' },
      bearer: initech.token,
    });
    await call('POST', '/api/packages/%40initech%2Ftps/1.1.0/yank', { json: {}, bearer: initech.token });
    await call('DELETE', '/api/keys/0000000000000000', { bearer: initech.token });
    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/api/openapi.json');
    expect(checked.size).to.be.above(20);
  });
});
