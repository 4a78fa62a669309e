export type {
  Json,
  JsonSchema,
  JsonObject,
  LogEntry,
  LogLevel,
  NodeManifest,
  NodeRunInput,
  NodeRunResult,
  PluginManifest,
  PortEmission,
  ProfileOperation,
} from './contract.js';
