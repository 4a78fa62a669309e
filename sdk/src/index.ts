export type {
  Json,
  JsonObject,
  LogEntry,
  LogLevel,
  NodeRunInput,
  NodeRunResult,
  PortEmission,
  ProfileOperation,
} from './contract.js';
