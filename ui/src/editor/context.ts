import type { InjectionKey, Ref, ShallowRef } from 'vue';
import type { FlowProblem, JsonObject, Resource, TraceEntry } from '../api/types';
import type { CatalogEntry } from '../stores/catalog';

/** What the canvas nodes and the config forms read from the editor around them. */
export interface EditorContext {
  /** Validation problems of the saved draft, by node id. */
  problems: ShallowRef<Map<string, FlowProblem[]>>;
  /** The shown trace (a debug run or a live event), by node id; a node may run several times. */
  traces: ShallowRef<Map<string, TraceEntry[]>>;
  /** References offered by the dot-notation inputs, from the sample event and profile. */
  references: Ref<string[]>;
  resources: Ref<Resource[]>;
  find(plugin: string, version: string, node: string): CatalogEntry | undefined;
  canEdit: Ref<boolean>;
}

export const EDITOR: InjectionKey<EditorContext> = Symbol('cairn-editor');

export type SampleInput = { event: JsonObject; profile: JsonObject | null };

/** The drag-and-drop type a palette item carries: its catalog key. */
export const DRAG_TYPE = 'application/x-cairn-node';
