import type { Json, JsonObject, NodeManifest, PortEmission, ProfileOperation } from '../contract.js';

/** A node result without its logs, which the host collects itself while the node runs. */
export interface NodeReply {
  emissions: PortEmission[];
  operations: ProfileOperation[];
  ux: JsonObject[];
  response: JsonObject;
}

export type ReplyCheck = { ok: true; value: NodeReply } | { ok: false; message: string };

/** Keys that would reach object prototypes if a consumer copied the value with plain assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__']);
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

class InvalidReply extends Error {}

function fail(path: string, message: string): never {
  throw new InvalidReply(`${path}: ${message}`);
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Values come from `JSON.parse`, so they are JSON already; only prototype keys are refused. */
function checkJson(value: unknown, path: string): Json {
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        checkJson(item, `${path}[${index}]`);
      });
    } else {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) fail(`${path}.${key}`, 'key is not allowed');
        checkJson((value as { [key: string]: unknown })[key], `${path}.${key}`);
      }
    }
  }
  return value as Json;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
  return value;
}

function profilePath(value: unknown, path: string): string {
  const result = text(value, path);
  for (const segment of result.split('.')) {
    if (segment === '') fail(path, `'${result}' has an empty segment`);
    if (FORBIDDEN_SEGMENTS.has(segment)) fail(path, `segment '${segment}' is not allowed`);
  }
  return result;
}

function present(value: unknown, path: string): Json {
  if (value === undefined) fail(path, 'is missing');
  return checkJson(value, path);
}

function operation(value: unknown, path: string): ProfileOperation {
  if (!isObject(value)) fail(path, 'must be an object');
  switch (value.op) {
    case 'set':
      return {
        op: 'set',
        path: profilePath(value.path, `${path}.path`),
        value: present(value.value, `${path}.value`),
      };
    case 'unset':
      return { op: 'unset', path: profilePath(value.path, `${path}.path`) };
    case 'increment':
      if (typeof value.by !== 'number' || !Number.isFinite(value.by))
        fail(`${path}.by`, 'must be a finite number');
      return { op: 'increment', path: profilePath(value.path, `${path}.path`), by: value.by };
    case 'append':
      return {
        op: 'append',
        path: profilePath(value.path, `${path}.path`),
        value: present(value.value, `${path}.value`),
      };
    case 'segment.add':
    case 'segment.remove':
      return { op: value.op, segment: text(value.segment, `${path}.segment`) };
    case 'consent.revoke':
      return { op: 'consent.revoke', consent: text(value.consent, `${path}.consent`) };
    case 'consent.grant': {
      const consent = text(value.consent, `${path}.consent`);
      if (value.revokeAt === undefined) return { op: 'consent.grant', consent };
      const revokeAt = text(value.revokeAt, `${path}.revokeAt`);
      if (Number.isNaN(Date.parse(revokeAt)))
        fail(`${path}.revokeAt`, `'${revokeAt}' is not an ISO-8601 time`);
      return { op: 'consent.grant', consent, revokeAt };
    }
    default:
      return fail(`${path}.op`, `unknown operation ${JSON.stringify(value.op) ?? 'undefined'}`);
  }
}

function emission(value: unknown, path: string, node: NodeManifest): PortEmission {
  if (!isObject(value)) fail(path, 'must be an emission created by ctx.emit(port, payload)');
  const port = text(value.port, `${path}.port`);
  if (!node.outputs.includes(port)) {
    fail(
      `${path}.port`,
      `'${port}' is not an output of node '${node.id}' (outputs: ${node.outputs.join(', ')})`,
    );
  }
  return { port, payload: present(value.payload, `${path}.payload`) };
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value;
}

function plainObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, 'must be an object');
  return checkJson(value, path) as JsonObject;
}

/**
 * Validate a node's reply (already parsed from the JSON the isolate produced) against the
 * contract and the node's manifest. Returned values are fresh objects; unknown fields are dropped.
 */
export function checkNodeReply(value: unknown, node: NodeManifest): ReplyCheck {
  try {
    if (!isObject(value)) fail('result', 'must be an object');
    return {
      ok: true,
      value: {
        emissions: list(value.emissions, 'emissions').map((item, index) =>
          emission(item, `emissions[${index}]`, node),
        ),
        operations: list(value.operations, 'operations').map((item, index) =>
          operation(item, `operations[${index}]`),
        ),
        ux: list(value.ux, 'ux').map((item, index) => plainObject(item, `ux[${index}]`)),
        response: plainObject(value.response, 'response'),
      },
    };
  } catch (error) {
    if (error instanceof InvalidReply) return { ok: false, message: error.message };
    throw error;
  }
}
