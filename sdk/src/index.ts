/** The schema builder for node configs, so a plugin needs no other dependency. */
export { Type } from '@sinclair/typebox';
export type { NodeOptions } from './authoring/define.js';
export { defineNode, definePlugin, RESOURCE_KEYWORD, Resource } from './authoring/define.js';
export { type NotationSources, notationContext } from './authoring/notation-context.js';
export type {
  DeepReadonly,
  Emission,
  HttpRequestInit,
  HttpResponse,
  MailMessage,
  MailReceipt,
  NodeContext,
  NodeDefinition,
  NodeRunReturn,
  PluginDefinition,
  ProfileOperations,
  ProfileView,
  ResourceInfo,
} from './authoring/types.js';
export type {
  Json,
  JsonObject,
  JsonSchema,
  LogEntry,
  LogLevel,
  NodeManifest,
  NodeRunInput,
  NodeRunResult,
  PluginManifest,
  PortEmission,
  ProfileOperation,
} from './contract.js';
export { operationTarget, PLUGIN_API_VERSION, profileWriteAllowed } from './contract.js';
/** Dot notation, text/object templates and the condition language; pure, safe to bundle into plugins. */
export * as notation from './notation/index.js';
export type { NodeCallOutcome, SandboxErrorCode, SandboxFailure } from './sandbox/errors.js';
export type { SandboxLimits } from './sandbox/limits.js';
