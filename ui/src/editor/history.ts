import type { FlowGraph } from '../api/types';

/**
 * Undo and redo over whole graph snapshots. A flow is small JSON, so snapshots are simpler and
 * safer than inverse operations; consecutive edits of one field share a step.
 */
export class GraphHistory {
  private past: string[] = [];
  private future: string[] = [];
  private present: string;
  private lastGroup: string | null = null;

  constructor(
    initial: FlowGraph,
    private readonly limit = 200,
  ) {
    this.present = JSON.stringify(initial);
  }

  /** Records the graph after a change; `group` merges a run of changes (typing in one field). */
  record(graph: FlowGraph, group: string | null = null): boolean {
    const text = JSON.stringify(graph);
    if (text === this.present) return false;
    if (!(group && group === this.lastGroup)) {
      this.past.push(this.present);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.present = text;
    this.future = [];
    this.lastGroup = group;
    return true;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  undo(): FlowGraph | null {
    const previous = this.past.pop();
    if (previous === undefined) return null;
    this.future.push(this.present);
    this.present = previous;
    this.lastGroup = null;
    return JSON.parse(previous) as FlowGraph;
  }

  redo(): FlowGraph | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.present);
    this.present = next;
    this.lastGroup = null;
    return JSON.parse(next) as FlowGraph;
  }

  reset(graph: FlowGraph): void {
    this.past = [];
    this.future = [];
    this.present = JSON.stringify(graph);
    this.lastGroup = null;
  }
}
