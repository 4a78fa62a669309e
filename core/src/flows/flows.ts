import type { JsonObject } from '@cairn/sdk';
import { type Static, Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import {
  type FlowError,
  type Flow as FlowGraph,
  type NodeCatalog,
  parseFlow,
  validateFlow,
  withConfigDefaults,
} from '../engine/index.js';
import { ApiError } from '../http/errors.js';
import type { ResourceStore } from '../resources/resources.js';
import { type Flow, FlowSchema, FlowVersionSchema, RoutingRuleSchema } from '../storage/flow-entities.js';
import type { Database } from '../storage/orm.js';
import { writeTransaction } from '../storage/transaction.js';
import { publicResources, resourceErrors, resourceRefs } from './resource-refs.js';

const EMPTY_GRAPH = { nodes: [], edges: [] };

export const FlowInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 191 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    draft: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
export type FlowInput = Static<typeof FlowInputSchema>;

export interface FlowView {
  id: string;
  name: string;
  description: string;
  draft: FlowGraph;
  deployedVersion: number | null;
  /** Problems that keep the draft from being deployed; empty when it is valid. */
  validation: { valid: boolean; errors: FlowError[] };
  createdAt: string;
  updatedAt: string;
}

export interface FlowVersionView {
  version: number;
  deployed: boolean;
  graph: FlowGraph;
  createdAt: string;
}

/**
 * Flows: the draft an operator edits, and the immutable versions made by deploying it. A draft is
 * saved even when it does not validate yet (an editor saves work in progress); the errors come
 * back with it, and deploying refuses an invalid draft.
 */
export class FlowService {
  constructor(
    private readonly db: Database,
    private readonly catalog: () => NodeCatalog,
    private readonly resources: ResourceStore,
    /** Called after a deploy, rollback or delete changes what runs. */
    private readonly onDeploymentChange: () => void = () => {},
  ) {}

  /** Checks the shape of a graph (422 naming the field); semantic problems are reported, not thrown. */
  private parseGraph(draft: unknown): FlowGraph {
    const parsed = parseFlow(draft ?? EMPTY_GRAPH);
    if (!parsed.ok) {
      const [first] = parsed.errors;
      throw new ApiError(
        422,
        'validation_failed',
        first?.message ?? 'The draft is not a flow graph.',
        `draft${first?.path ? `.${first.path}` : ''}`,
        parsed.errors.map((e) => ({ code: e.code, message: e.message, path: `draft.${e.path ?? ''}` })),
      );
    }
    // Fields left out take the defaults the node's schema declares, stored with the draft.
    return withConfigDefaults(parsed.flow, this.catalog());
  }

  /** Everything that keeps a graph from running: the engine's checks and the resources it names. */
  async problems(graph: unknown): Promise<FlowError[]> {
    const catalog = this.catalog();
    const errors = validateFlow(graph, catalog);
    const refs = resourceRefs(graph, catalog);
    if (refs.length === 0) return errors;
    const known = await this.resources.publicInfo(refs.map((r) => r.id));
    return [...errors, ...resourceErrors(refs, known)];
  }

  /** Public settings of the resources a graph names. */
  resourcesOf(graph: unknown): Promise<Record<string, JsonObject>> {
    return publicResources(graph, this.catalog(), this.resources);
  }

  async view(flow: Flow): Promise<FlowView> {
    const draft = flow.draft as FlowGraph;
    const errors = await this.problems(draft);
    return {
      id: flow.id,
      name: flow.name,
      description: flow.description,
      draft,
      deployedVersion: flow.deployedVersion ?? null,
      validation: { valid: errors.length === 0, errors },
      createdAt: flow.createdAt.toISOString(),
      updatedAt: flow.updatedAt.toISOString(),
    };
  }

  async list(): Promise<Flow[]> {
    return this.db.em().find(FlowSchema, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async get(id: string): Promise<Flow> {
    const flow = await this.db.em().findOne(FlowSchema, { id });
    if (!flow) throw new ApiError(404, 'not_found', `Flow "${id}" does not exist.`);
    return flow;
  }

  async create(input: FlowInput): Promise<Flow> {
    const draft = this.parseGraph(input.draft);
    const em = this.db.em();
    const now = new Date();
    const flow = em.create(FlowSchema, {
      id: uuidv7(),
      name: input.name,
      description: input.description ?? '',
      draft,
      deployedVersion: null,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    return flow;
  }

  async replace(id: string, input: FlowInput): Promise<Flow> {
    const draft = this.parseGraph(input.draft);
    const em = this.db.em();
    const flow = await em.findOne(FlowSchema, { id });
    if (!flow) throw new ApiError(404, 'not_found', `Flow "${id}" does not exist.`);
    em.assign(flow, { name: input.name, description: input.description ?? '', draft, updatedAt: new Date() });
    await em.flush();
    return flow;
  }

  /** Deletes a flow and its versions; refused while a routing rule still sends events to it. */
  async remove(id: string): Promise<void> {
    await writeTransaction(this.db, async (em) => {
      const flow = await em.findOne(FlowSchema, { id });
      if (!flow) throw new ApiError(404, 'not_found', `Flow "${id}" does not exist.`);
      const rules = await em.count(RoutingRuleSchema, { flowId: id });
      if (rules > 0) {
        throw new ApiError(
          409,
          'flow_in_use',
          `Flow "${id}" is used by ${rules} routing rule(s); delete them first.`,
        );
      }
      await em.nativeDelete(FlowVersionSchema, { flowId: id });
      em.remove(flow);
    });
    this.onDeploymentChange();
  }

  /** Snapshots the draft as the next version and makes it the deployed one. */
  async deploy(id: string): Promise<FlowVersionView> {
    // Validated outside the write transaction: the checks read other tables, and SQLite has one
    // connection, which the transaction holds.
    const draft = (await this.get(id)).draft;
    const errors = await this.problems(draft);
    if (errors.length > 0) {
      const [first] = errors;
      throw new ApiError(
        422,
        'invalid_flow',
        `The draft cannot be deployed: ${first!.message}`,
        first!.path ? `draft.${first!.path}` : undefined,
        errors.map((e) => ({
          code: e.code,
          message: e.message,
          ...(e.path ? { path: `draft.${e.path}` } : {}),
          ...(e.nodeId ? { nodeId: e.nodeId } : {}),
          ...(e.edgeId ? { edgeId: e.edgeId } : {}),
        })),
      );
    }
    const deployed = await writeTransaction(this.db, async (em) => {
      const flow = await em.findOne(FlowSchema, { id });
      if (!flow) throw new ApiError(404, 'not_found', `Flow "${id}" does not exist.`);
      const latest = await em.findOne(FlowVersionSchema, { flowId: id }, { orderBy: { version: 'desc' } });
      const version = (latest?.version ?? 0) + 1;
      const now = new Date();
      // The version is the draft that was validated, even if an edit was saved meanwhile.
      const created = em.create(FlowVersionSchema, {
        id: uuidv7(),
        flowId: id,
        version,
        graph: draft,
        createdAt: now,
      });
      flow.deployedVersion = version;
      flow.updatedAt = now;
      return versionView(created, version);
    });
    this.onDeploymentChange();
    return deployed;
  }

  async versions(id: string): Promise<FlowVersionView[]> {
    const flow = await this.get(id);
    const versions = await this.db
      .em()
      .find(FlowVersionSchema, { flowId: id }, { orderBy: { version: 'desc' } });
    return versions.map((v) => versionView(v, flow.deployedVersion ?? null));
  }

  /** Makes an earlier (or later) deployed version the one that runs again. */
  async rollback(id: string, version: number): Promise<FlowVersionView> {
    const restored = await writeTransaction(this.db, async (em) => {
      const flow = await em.findOne(FlowSchema, { id });
      if (!flow) throw new ApiError(404, 'not_found', `Flow "${id}" does not exist.`);
      const target = await em.findOne(FlowVersionSchema, { flowId: id, version });
      if (!target)
        throw new ApiError(422, 'unknown_version', `Flow "${id}" has no version ${version}.`, 'version');
      flow.deployedVersion = version;
      flow.updatedAt = new Date();
      return versionView(target, version);
    });
    this.onDeploymentChange();
    return restored;
  }
}

function versionView(
  version: { version: number; graph: unknown; createdAt: Date },
  deployed: number | null,
): FlowVersionView {
  return {
    version: version.version,
    deployed: version.version === deployed,
    graph: version.graph as FlowGraph,
    createdAt: version.createdAt.toISOString(),
  };
}
