import { createRequire } from 'node:module';
import { openApiPath, openApiSchemas } from '@cairn/core/http/openapi-json';
import Router from '@koa/router';
import { COMPONENT_SCHEMAS, OPERATIONS, type OperationSpec, TAGS } from './operations.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const { jsonSchema, schemaRef } = openApiSchemas(COMPONENT_SCHEMAS);

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

function parameters(op: OperationSpec): object[] {
  const path = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((match) => ({
    name: match[1]!,
    in: 'path',
    required: true,
    description: op.params?.[match[1]!] ?? '',
    schema: { type: 'string' },
  }));
  const required = new Set(op.query?.required ?? []);
  const query = Object.entries(op.query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema: jsonSchema(schema),
  }));
  const headers = (op.headers ?? []).map((header) => ({
    name: header.name,
    in: 'header',
    required: header.required,
    description: header.description,
    schema: { type: 'string' },
  }));
  return [...path, ...query, ...headers];
}

function requestBody(op: OperationSpec): object | undefined {
  if (op.binaryBody) {
    return {
      required: true,
      description: op.binaryBody.description,
      content: Object.fromEntries(
        op.binaryBody.types.map((type) => [
          type,
          { schema: { type: 'string', contentMediaType: 'application/gzip' } },
        ]),
      ),
    };
  }
  if (!op.body) return undefined;
  return { required: !op.bodyOptional, content: { 'application/json': { schema: schemaRef(op.body) } } };
}

function successResponse(op: OperationSpec): object {
  const { description, schema, binary, headers } = op.success;
  const content = binary
    ? Object.fromEntries(binary.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]))
    : schema
      ? { 'application/json': { schema: schemaRef(schema) } }
      : undefined;
  return {
    description,
    ...(headers
      ? {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, text]) => [
              name,
              { description: text, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    ...(content ? { content } : {}),
  };
}

/** Error answers: those the operation lists, and those every operation of its kind may give. */
function errorResponses(op: OperationSpec): Record<string, object> {
  const errors: Record<string, string> = {};
  if (!op.public) {
    errors[401] = '`unauthorized`: no bearer token, or it is unknown, expired or revoked.';
  }
  if (op.body) {
    errors[400] = '`malformed_body`: the body is not valid JSON.';
    errors[413] = '`payload_too_large`: the body is too large.';
    errors[415] = '`unsupported_media_type`: a body encoding or charset the registry does not read.';
  }
  for (const [status, text] of Object.entries(op.errors ?? {})) errors[status] = text;
  return Object.fromEntries(
    Object.entries(errors)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, description]) => [
        status,
        status === '304' ? { description } : { description, content: errorContent },
      ]),
  );
}

function operationObject(op: OperationSpec): object {
  const params = parameters(op);
  const body = requestBody(op);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { [String(op.success.status)]: successResponse(op), ...errorResponses(op) },
  };
}

const DESCRIPTION = `The marketplace registry of Cairn plugins: publisher accounts and signing keys, signed package publishing, search, package pages and downloads.

Reading is open to everyone. Writing needs a publisher's bearer token: an API token (\`POST /api/tokens\`) or the token \`POST /api/auth/login\` returns.

Every error is \`{"error": {"code", "message", "path"?}}\`: \`code\` is stable, \`path\` names the field, header, manifest field or package file at fault.`;

/** The OpenAPI 3.1 document of every route the registry answers, built from the schemas the handlers validate with. */
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
      title: 'Cairn plugin registry',
      version,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENT_SCHEMAS).map(([name, schema]) => [name, jsonSchema(schema)]),
      ),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            "`Authorization: Bearer <token>` with a publisher's API token or sign-in token (`crt_…`). Creating a publisher when sign-up is closed takes the operator's `CAIRN_REGISTRY_ADMIN_TOKEN` instead.",
        },
      },
    },
  };
}

/** `GET /api/openapi.json`. */
export function openApiRoutes(): Router {
  const router = new Router();
  let document: string | undefined;
  router.get('/api/openapi.json', (ctx) => {
    document ??= JSON.stringify(openApiDocument());
    ctx.type = 'application/json';
    ctx.body = document;
  });
  return router;
}
