import { analyzeGraph, type FlowGraph } from './graph.js';
import { parseFlow } from './model.js';

/**
 * A flow checked and indexed once, for many runs: what `runFlow` otherwise does on every call
 * (shape check, graph analysis, the start-node check). A flow that cannot run is prepared too and
 * keeps the reason, so running it gives the same `invalid_flow` result as running the raw flow.
 *
 * The prepared flow keeps the flow's node objects (their configs go to the node calls as they
 * are): do not change the flow after preparing it.
 */
export class PreparedFlow {
  private constructor(
    /** The indexed graph, when the flow can run. */
    readonly graph: FlowGraph | undefined,
    /** Why the flow cannot run (the `invalid_flow` message), when it cannot. */
    readonly invalid: string | undefined,
  ) {}

  /** @see prepareFlow */
  static of(flow: unknown): PreparedFlow {
    const parsed = parseFlow(flow);
    if (!parsed.ok)
      return new PreparedFlow(undefined, parsed.errors.map((error) => error.message).join('; '));
    const { graph, errors } = analyzeGraph(parsed.flow);
    if (errors.length > 0) {
      return new PreparedFlow(undefined, errors.map((error) => error.message).join('; '));
    }
    const roots = graph.order.filter((id) => graph.incoming.get(id)!.length === 0);
    if (roots.length !== 1) {
      const found = roots.length === 0 ? 'none' : roots.join(', ');
      return new PreparedFlow(
        undefined,
        `flow must have exactly one node without incoming edges (its start node); found ${found}`,
      );
    }
    return new PreparedFlow(graph, undefined);
  }
}

/**
 * Checks and indexes a flow for `runFlow`, once for as many runs as the flow is used for (the
 * graph of a deployed flow version never changes). Never throws: a flow that cannot run gives a
 * prepared flow whose runs fail with `invalid_flow`, as the raw flow's would.
 *
 * @example
 * const prepared = prepareFlow(version.graph);
 * for (const event of events) await runFlow(prepared, { event, profile, session }, executor, options);
 */
export function prepareFlow(flow: unknown): PreparedFlow {
  return PreparedFlow.of(flow);
}

/** A flow to run as the sandbox gets it: which flow, which version, and its graph. */
export interface VersionedFlow {
  id: string;
  /** The deployed version; 0 stands for a draft, whose graph changes between runs. */
  version: number;
  graph?: unknown;
}

export const DEFAULT_PREPARED_FLOWS = 1000;

/**
 * Prepared graphs of deployed flow versions, keyed by flow id and version: a deployed version's
 * graph never changes, so it is checked and indexed on its first run only. Drafts (version 0) and
 * runs without a graph are prepared every time and not kept. Holds at most `capacity` versions;
 * the one used least recently goes first.
 */
export class PreparedFlowCache {
  private readonly prepared = new Map<string, PreparedFlow>();

  constructor(readonly capacity = DEFAULT_PREPARED_FLOWS) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** How many flow versions are held. */
  get size(): number {
    return this.prepared.size;
  }

  /** The prepared graph of this flow version: the one held, or `flow.graph` prepared now. */
  prepare(flow: VersionedFlow): PreparedFlow {
    if (flow.version === 0 || flow.graph === undefined) return prepareFlow(flow.graph);
    const key = `${flow.version}@${flow.id}`;
    const held = this.prepared.get(key);
    if (held !== undefined) {
      // Map order is insertion order: moving the entry to the end keeps the oldest first.
      this.prepared.delete(key);
      this.prepared.set(key, held);
      return held;
    }
    const prepared = prepareFlow(flow.graph);
    if (this.prepared.size >= this.capacity) {
      const oldest = this.prepared.keys().next();
      if (oldest.done !== true) this.prepared.delete(oldest.value);
    }
    this.prepared.set(key, prepared);
    return prepared;
  }
}
