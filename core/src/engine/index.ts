export { catalogFromPlugins, type NodeCatalog } from './catalog.js';
export { withConfigDefaults } from './defaults.js';
export {
  type Flow,
  type FlowEdge,
  FlowEdgeSchema,
  type FlowError,
  type FlowErrorCode,
  type FlowNode,
  FlowNodeSchema,
  FlowSchema,
  type NodeRef,
  parseFlow,
} from './model.js';
export type { NodeRunFailure } from './node-result.js';
export {
  type ApplyOperationsResult,
  applyOperations,
  type OperationError,
  type OperationErrorCode,
  WRITABLE_ROOTS,
} from './operations.js';
export {
  DEFAULT_PREPARED_FLOWS,
  PreparedFlow,
  PreparedFlowCache,
  prepareFlow,
  type VersionedFlow,
} from './prepared.js';
export {
  DEFAULT_MAX_NODE_RUNS,
  type FlowRunResult,
  type JoinDelivery,
  type NodeError,
  type NodeExecutor,
  type RunFlowInput,
  type RunFlowOptions,
  runFlow,
  type TraceEntry,
} from './run.js';
export { validateFlow } from './validate.js';
