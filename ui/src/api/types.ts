/** Shapes of the Cairn admin API as the console reads them (see docs/api.md, docs/flows.md). */

import type { NodeManifest as DeclaredNode, Json, JsonObject } from '@cairn/sdk';

export type { JsonObject };
export type JsonValue = Json;

export interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  permissions: string[];
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: JsonValue;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: JsonValue[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: JsonValue;
  [keyword: string]: unknown;
}

/** A node as `GET /api/plugins` lists it: the SDK's manifest, with the config schema the forms read. */
export type NodeManifest = Omit<DeclaredNode, 'config'> & { config: JsonSchema };

export interface PluginManifest {
  name: string;
  version: string;
  title: string;
  description: string;
  approved: boolean;
  /** Where the server loaded it from: shipped with Cairn, `CAIRN_PLUGIN_DIRS`, or a package installed here. */
  origin?: PluginOrigin;
  nodes: NodeManifest[];
}

export type PluginOrigin = 'built-in' | 'directory' | 'installed';

/** What a plugin version may do, as an admin approves it (docs/marketplace.md). */
export interface PermissionSummary {
  hosts: string[];
  capabilities: string[];
  resources: string[];
  profileWrites: string[];
  nodes: {
    id: string;
    title: string;
    category: string;
    hosts: string[];
    smtp: boolean;
    resources: string[];
    profileWrites: string[];
  }[];
}

export interface InstalledVersion {
  version: string;
  origin: PluginOrigin;
}

/** One package of a registry search (`GET /api/marketplace`). */
export interface MarketplaceItem {
  name: string;
  latest: string;
  title: string;
  description: string;
  categories: string[];
  publisher: string;
  downloads: number;
  updatedAt: string;
  deprecated?: string | null;
  installed: InstalledVersion[];
}

export interface MarketplacePage {
  registry: string;
  items: MarketplaceItem[];
  nextCursor: string | null;
}

export interface PackageVersion {
  version: string;
  publishedAt: string;
  /** The deprecation message, or null. */
  deprecated: string | null;
  yanked: boolean;
  /** The plugin API range the version supports. */
  cairn: string;
}

/** A registry package page as the server shows it (`GET /api/marketplace/:name`). */
export interface MarketplacePackage {
  registry: string;
  name: string;
  publisher: string;
  latest: string | null;
  versions: PackageVersion[];
  manifest: (Omit<PluginManifest, 'approved' | 'origin'> & { cairn: string; categories?: string[] }) | null;
  readme: string | null;
  downloads: number;
  installed: InstalledVersion[];
  /** This server's plugin API version. */
  apiVersion: string;
  compatible: boolean | null;
  permissions: PermissionSummary | null;
}

/** The first answer of `POST /api/plugins/install`, or the second once approved. */
export interface InstallOffer {
  status: 'approval_required' | 'installed';
  name: string;
  version: string;
  integrity: string;
  keyId: string;
  publisher: string | null;
  source: string;
  permissions: PermissionSummary;
  approve: string;
  installedAt?: string;
  approvedBy?: string;
}

/** `GET /api/plugins/installed`: versions installed from packages, with their approval record. */
export interface InstalledPackage {
  name: string;
  version: string;
  integrity: string;
  keyId: string;
  source: string;
  permissions: PermissionSummary;
  approvedBy: string;
  installedAt: string;
}

export interface FlowNodeData {
  plugin: string;
  version: string;
  node: string;
  config: JsonObject;
}

export interface FlowNode {
  id: string;
  type: 'cairn';
  position: { x: number; y: number };
  data: FlowNodeData;
}

export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface FlowProblem {
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  path?: string;
}

export interface Flow {
  id: string;
  name: string;
  description: string;
  deployedVersion: number | null;
  draft: FlowGraph;
  validation: { valid: boolean; errors: FlowProblem[] };
  createdAt: string;
  updatedAt: string;
}

export interface FlowVersion {
  version: number;
  deployed: boolean;
  graph: FlowGraph;
  createdAt: string;
}

export interface TraceEntry {
  nodeId: string;
  plugin: string;
  version: string;
  node: string;
  payload: JsonValue;
  emissions: { port: string; payload: JsonValue }[];
  operations: JsonObject[];
  logs: { level?: string; message?: string; [key: string]: JsonValue | undefined }[];
  durationMs: number;
  error?: { code: string; message: string; routed: boolean };
  skipped?: boolean;
}

export interface DebugResult {
  status: 'ok' | 'error';
  operations: JsonObject[];
  ux: JsonValue[];
  response: JsonObject;
  errors?: JsonValue[];
  flows: { flowId: string; version: number; status: string; trace: TraceEntry[]; error?: JsonObject }[];
}

export interface LiveTrace {
  flowId: string;
  flowVersion: number;
  eventId: string;
  profileId: string | null;
  trace: TraceEntry[];
}

export interface RoutingRule {
  id: string;
  name: string;
  eventType: string;
  sourceId: string | null;
  flowId: string;
  enabled: boolean;
  position: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface EventSource {
  id: string;
  name: string;
  type: 'rest' | 'javascript' | 'webhook';
  enabled: boolean;
  allowedOrigins: string[];
  writeKey: string | null;
  config: JsonObject;
}

export interface CredentialSet {
  config: JsonObject;
  secrets: Record<string, string | null>;
}

export interface Resource {
  id: string;
  type: string;
  name: string;
  production: CredentialSet;
  test: CredentialSet | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface ConsentType {
  id: string;
  name: string;
  description: string;
  revokable: boolean;
  defaultValue: boolean;
  autoRevoke: number | null;
}

export interface CairnEvent {
  id: string;
  type: string;
  metadata: { time: { create: string; insert?: string }; status: string };
  source: { id: string };
  session: { id: string } | null;
  profile: { id: string } | null;
  properties: JsonObject;
  context: JsonObject;
  tags: string[];
  request?: JsonObject;
}

export interface Profile {
  id: string;
  ids: string[];
  active: boolean;
  metadata: JsonObject;
  stats: { visits: number; views: number; counters: JsonObject };
  traits: JsonObject;
  data: JsonObject;
  consents: JsonObject;
  segments: string[];
  interests: JsonObject;
}

/** `GET /api/stats/events`: counts per bucket, by type, source and status. */
export interface EventStats {
  from: string;
  to: string;
  bucket: 'minute' | 'hour' | 'day';
  series: { t: string; total: number; errors: number }[];
  byType: { type: string; count: number }[];
  bySource: { source: string; count: number }[];
  byStatus: Record<string, number>;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  before?: JsonValue;
  after?: JsonValue;
}

export interface ManagedUser {
  id: string;
  email: string;
  name: string;
  roles: string[];
  enabled: boolean;
  expiresAt: string | null;
  createdAt?: string;
  lastLoginAt?: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  permissions?: string[] | null;
  expiresAt?: string | null;
  createdAt?: string;
  lastUsedAt?: string | null;
  token?: string;
}
