import type { JsonObject, NodeRunInput } from '@cairn/sdk';
import { type PluginSandbox, parseSealed } from '@cairn/sdk/sandbox';
import {
  type FlowNode,
  type NodeExecutor,
  PreparedFlowCache,
  runFlow,
  type TraceEntry,
} from '../engine/index.js';
import type { EventRunRequest, EventRunResult, TimingEntry } from './protocol.js';

/**
 * Reads the parts of a run request (see `decodeRunRequest`). The event and profile are sealed
 * with the texts they arrived as: the node calls of the run reuse those texts instead of
 * serialising the values again per call. Few nodes read the session, so it is only parsed
 * (sealing deep-freezes, which costs more than the one serialisation it would save).
 */
export function sealedParts(json: string, part: 'event' | 'profile' | 'session'): unknown {
  return part === 'session' ? JSON.parse(json) : parseSealed(json);
}

/** Finds the sandbox of an installed plugin version. */
export type SandboxLookup = (plugin: string, version: string) => PluginSandbox | undefined;

function executorFor(lookup: SandboxLookup): NodeExecutor {
  return {
    // Inputs cross into the isolate as JSON and results come back freshly parsed.
    copies: true,
    async execute(node: FlowNode, input: NodeRunInput) {
      const sandbox = lookup(node.data.plugin, node.data.version);
      if (!sandbox) {
        return {
          error: {
            code: 'plugin_not_installed',
            message: `Plugin ${node.data.plugin}@${node.data.version} is not installed.`,
          },
        };
      }
      const outcome = await sandbox.call(node.data.node, input);
      return outcome.ok ? outcome.result : { error: outcome.error, logs: outcome.logs };
    },
  };
}

/** Durations to the microsecond: more digits say nothing and cost time to write and read. */
const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;

/** A trace entry with what it says about timing and failure only: no payloads, emissions or logs. */
function timingsOnly(entry: TraceEntry): TimingEntry {
  const timing: TimingEntry = {
    nodeId: entry.nodeId,
    plugin: entry.plugin,
    version: entry.version,
    node: entry.node,
    durationMs: roundMs(entry.durationMs),
  };
  if (entry.error) timing.error = entry.error;
  if (entry.skipped) timing.skipped = true;
  return timing;
}

function withRoundedDuration(entry: TraceEntry): TraceEntry {
  entry.durationMs = roundMs(entry.durationMs);
  return entry;
}

/**
 * The graphs of the deployed flow versions this process has run, checked and indexed once: a
 * deployed version never changes, so its events skip parsing and analysing the graph again.
 */
const deployed = new PreparedFlowCache();

/**
 * Runs every flow of one event in order. Each flow sees the profile as the flows before it left
 * it; the operations of all flows are returned for the host to commit in one transaction.
 * Deployed graphs are taken from `prepared` (by flow id and version), drafts prepared per run.
 */
export async function runEvent(
  request: EventRunRequest,
  lookup: SandboxLookup,
  maxNodeRuns: number,
  prepared: PreparedFlowCache = deployed,
): Promise<EventRunResult> {
  const executor = executorFor(lookup);
  const traces = request.trace ?? 'full';
  const result: EventRunResult = { status: 'ok', traces, operations: [], ux: [], response: {}, flows: [] };
  let profile = request.profile;
  for (const flow of request.flows) {
    const run = await runFlow(
      prepared.prepare(flow),
      {
        event: request.event,
        profile,
        session: request.session,
        flow: {
          id: flow.id,
          name: flow.name,
          version: flow.version,
          ...(flow.resources ? { resources: flow.resources } : {}),
          ...(request.credentials === 'test' ? { credentials: 'test' } : {}),
        } as JsonObject,
      },
      executor,
      { clock: () => performance.now(), maxNodeRuns },
    );
    result.flows.push({
      flowId: flow.id,
      version: flow.version,
      status: run.status,
      ...(run.error ? { error: run.error } : {}),
      trace: traces === 'timings' ? run.trace.map(timingsOnly) : run.trace.map(withRoundedDuration),
    });
    if (run.status === 'error') result.status = 'error';
    result.operations.push(...run.operations);
    result.ux.push(...run.ux);
    Object.assign(result.response, run.response);
    profile = run.profile;
  }
  return result;
}
