import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import semver from 'semver';
import type { PluginManifest } from '../contract.js';

/** One reason a manifest is rejected, with the field it concerns, e.g. `nodes[1].outputs[0]`. */
export interface ManifestIssue {
  path: string;
  message: string;
}

const NonEmpty = Type.String({ minLength: 1 });

/** Structural schema of `manifest.json`; the semantic rules live in `validatePluginManifest`. */
export const PluginManifestSchema = Type.Object({
  name: NonEmpty,
  version: NonEmpty,
  title: NonEmpty,
  description: Type.String(),
  cairn: NonEmpty,
  nodes: Type.Array(
    Type.Object({
      id: NonEmpty,
      title: NonEmpty,
      description: Type.String(),
      category: NonEmpty,
      icon: Type.Optional(Type.String()),
      inputs: Type.Array(Type.String()),
      outputs: Type.Array(Type.String()),
      config: Type.Object({ type: Type.Literal('object') }),
      permissions: Type.Object({
        http: Type.Optional(Type.Object({ hosts: Type.Array(Type.String()) })),
        smtp: Type.Optional(Type.Boolean()),
        profile: Type.Optional(Type.Object({ write: Type.Array(Type.String()) })),
      }),
      resources: Type.Array(Type.String()),
    }),
    { minItems: 1 },
  ),
});

// The schema's static type must stay assignable to the contract type it validates.
const schemaMatchesContract = (manifest: Static<typeof PluginManifestSchema>): PluginManifest => manifest;

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const NODE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PORT_NAME = /^[a-z][a-z0-9_-]*$/;
const PROFILE_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const HOST_PATTERN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$|^\[[0-9a-f:.]+\]$/;

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function checkPorts(issues: ManifestIssue[], path: string, ports: string[]): void {
  const seen = new Set<string>();
  ports.forEach((port, index) => {
    if (!PORT_NAME.test(port)) {
      issues.push({
        path: `${path}[${index}]`,
        message: `port name '${port}' must start with a lower-case letter and use only a-z, 0-9, '-' and '_'`,
      });
    }
    if (seen.has(port))
      issues.push({ path: `${path}[${index}]`, message: `port '${port}' is declared twice` });
    seen.add(port);
  });
}

/**
 * Check a plugin manifest: structure, package name, semver version and range, unique node ids,
 * port names, and HTTP host patterns. Returns every issue found; an empty list means valid.
 */
export function validatePluginManifest(value: unknown): ManifestIssue[] {
  const structural = [...Value.Errors(PluginManifestSchema, value)].map((error) => ({
    path: pointerToPath(error.path) || '(manifest)',
    message: error.message,
  }));
  if (structural.length > 0) return structural;
  const manifest = schemaMatchesContract(value as Static<typeof PluginManifestSchema>);
  const issues: ManifestIssue[] = [];
  if (!PACKAGE_NAME.test(manifest.name)) {
    issues.push({ path: 'name', message: `'${manifest.name}' is not a valid npm package name` });
  }
  if (semver.valid(manifest.version) === null) {
    issues.push({ path: 'version', message: `'${manifest.version}' is not a semver version such as 1.2.3` });
  }
  if (semver.validRange(manifest.cairn) === null) {
    issues.push({ path: 'cairn', message: `'${manifest.cairn}' is not a semver range such as ^0.1.0` });
  }
  const ids = new Set<string>();
  manifest.nodes.forEach((node, index) => {
    const at = `nodes[${index}]`;
    if (!NODE_ID.test(node.id)) {
      issues.push({
        path: `${at}.id`,
        message: `node id '${node.id}' must be lower-case words joined by '-', e.g. 'set-value'`,
      });
    }
    if (ids.has(node.id)) issues.push({ path: `${at}.id`, message: `node id '${node.id}' is used twice` });
    ids.add(node.id);
    checkPorts(issues, `${at}.inputs`, node.inputs);
    checkPorts(issues, `${at}.outputs`, node.outputs);
    node.permissions.profile?.write.forEach((pattern, patternIndex) => {
      if (pattern !== '*' && !PROFILE_PATH.test(pattern)) {
        issues.push({
          path: `${at}.permissions.profile.write[${patternIndex}]`,
          message: `'${pattern}' is not a profile path such as 'traits.plan', or '*'`,
        });
      }
    });
    node.permissions.http?.hosts.forEach((host, hostIndex) => {
      // `*` is any host the operator configures (private addresses stay refused unless allowed).
      if (host !== '*' && !HOST_PATTERN.test(host)) {
        issues.push({
          path: `${at}.permissions.http.hosts[${hostIndex}]`,
          message: `'${host}' is not a lower-case host name, '*.domain' pattern, IP address or '*'`,
        });
      }
    });
  });
  return issues;
}

/** Thrown when a manifest (read from disk or derived by the build) is invalid. */
export class ManifestError extends Error {
  readonly issues: ManifestIssue[];
  constructor(subject: string, issues: ManifestIssue[]) {
    super(`${subject}:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`);
    this.name = 'ManifestError';
    this.issues = issues;
  }
}

/** Validate and return a manifest, or throw a `ManifestError` listing every issue. */
export function parsePluginManifest(value: unknown, subject = 'invalid plugin manifest'): PluginManifest {
  const issues = validatePluginManifest(value);
  if (issues.length > 0) throw new ManifestError(subject, issues);
  return value as PluginManifest;
}
