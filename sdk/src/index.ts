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
