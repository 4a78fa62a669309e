export type { NodeOptions } from './authoring/define.js';
export { defineNode, definePlugin } from './authoring/define.js';
export type {
  DeepReadonly,
  Emission,
  HttpRequestInit,
  HttpResponse,
  NodeContext,
  NodeDefinition,
  NodeRunReturn,
  PluginDefinition,
  ProfileOperations,
  ProfileView,
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
/** Dot notation, text/object templates and the condition language; pure, safe to bundle into plugins. */
export * as notation from './notation/index.js';
export type { NodeCallOutcome, SandboxErrorCode, SandboxFailure } from './sandbox/errors.js';
export type { SandboxLimits } from './sandbox/limits.js';
