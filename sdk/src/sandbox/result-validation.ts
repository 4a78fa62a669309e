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

/** True if any object inside `value` has an own `__proto__` key; the fast path's check. */
function hasForbiddenKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) if (hasForbiddenKey(value[index])) return true;
    return false;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key) || hasForbiddenKey((value as { [key: string]: unknown })[key])) return true;
  }
  return false;
}

function quickText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function quickPath(value: unknown): value is string {
  if (!quickText(value)) return false;
  // No empty segment: no dot at either end, no two dots in a row.
  if (value.charCodeAt(0) === 46 || value.charCodeAt(value.length - 1) === 46 || value.includes('..')) {
    return false;
  }
  // A path that mentions a forbidden name anywhere is left to the detailed check.
  return !value.includes('__proto__') && !value.includes('prototype') && !value.includes('constructor');
}

/** `operation` without messages: the operation, or `undefined` when the detailed check must explain. */
function quickOperation(value: unknown, keysChecked: boolean): ProfileOperation | undefined {
  if (!isObject(value)) return undefined;
  switch (value.op) {
    case 'set':
    case 'append': {
      const { path, value: operand } = value;
      if (!quickPath(path) || operand === undefined) return undefined;
      if (!keysChecked && hasForbiddenKey(operand)) return undefined;
      return { op: value.op, path, value: operand as Json };
    }
    case 'unset':
      return quickPath(value.path) ? { op: 'unset', path: value.path } : undefined;
    case 'increment': {
      const { path, by } = value;
      if (!quickPath(path) || typeof by !== 'number' || !Number.isFinite(by)) return undefined;
      return { op: 'increment', path, by };
    }
    case 'segment.add':
    case 'segment.remove':
      return quickText(value.segment) ? { op: value.op, segment: value.segment } : undefined;
    default:
      // Consents are rare; the detailed check handles them.
      return undefined;
  }
}

/**
 * The common case of `checkNodeReply`, without building the field paths its messages need:
 * the same rules, answering `undefined` whenever anything is off or unusual. `keysChecked`
 * says the reply text cannot contain a `__proto__` key, so the values need no walk.
 */
function quickReply(value: unknown, node: NodeManifest, keysChecked: boolean): NodeReply | undefined {
  if (!isObject(value)) return undefined;
  const { emissions, operations, ux, response } = value;
  if (!Array.isArray(emissions) || !Array.isArray(operations) || !Array.isArray(ux)) return undefined;
  if (!isObject(response) || (!keysChecked && hasForbiddenKey(response))) return undefined;
  const outputs = node.outputs;
  const checkedEmissions: PortEmission[] = new Array(emissions.length);
  for (let index = 0; index < emissions.length; index += 1) {
    const item: unknown = emissions[index];
    if (!isObject(item)) return undefined;
    const { port, payload } = item;
    if (typeof port !== 'string' || !outputs.includes(port) || payload === undefined) return undefined;
    if (!keysChecked && hasForbiddenKey(payload)) return undefined;
    checkedEmissions[index] = { port, payload: payload as Json };
  }
  const checkedOperations: ProfileOperation[] = new Array(operations.length);
  for (let index = 0; index < operations.length; index += 1) {
    const checked = quickOperation(operations[index], keysChecked);
    if (checked === undefined) return undefined;
    checkedOperations[index] = checked;
  }
  for (const item of ux) {
    if (!isObject(item) || (!keysChecked && hasForbiddenKey(item))) return undefined;
  }
  return {
    emissions: checkedEmissions,
    operations: checkedOperations,
    ux: ux as JsonObject[],
    response: response as JsonObject,
  };
}

/**
 * Whether JSON text can hold no `__proto__` key: the name appears nowhere, literally or
 * through a `\u` escape (the only escape that can spell its letters).
 */
function freeOfForbiddenKeys(text: string): boolean {
  return !text.includes('__proto__') && !text.includes('\\u');
}

/**
 * Validate a node's reply (already parsed from the JSON the isolate produced) against the
 * contract and the node's manifest. Returned values are fresh objects; unknown fields are dropped.
 * Pass the reply's JSON `text` when there is one: when it cannot spell `__proto__`, the values
 * are not walked for that key.
 */
export function checkNodeReply(value: unknown, node: NodeManifest, text?: string): ReplyCheck {
  const quick = quickReply(value, node, text !== undefined && freeOfForbiddenKeys(text));
  if (quick !== undefined) return { ok: true, value: quick };
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
