import type { JsonObject } from '@cairn/sdk';
import type { Logger } from 'pino';
import { eventView, profileView, sessionView } from '../api/views.js';
import type { Collector, FlowCommit } from '../collector/collector.js';
import { type ConsentTypes, effectiveConsents, type StoredConsents } from '../consents/consents.js';
import { applyOperations, type NodeCatalog } from '../engine/index.js';
import type { LiveHub } from '../live/live.js';
import type { Metrics } from '../observability/metrics.js';
import type { PluginStore } from '../plugins/store.js';
import type { ResourceStore } from '../resources/resources.js';
import { SandboxRunError } from '../sandbox/pool.js';
import type { EventRunRequest, EventRunResult, FlowToRun } from '../sandbox/protocol.js';
import { FlowSchema, FlowVersionSchema } from '../storage/flow-entities.js';
import type { Database } from '../storage/orm.js';
import type { EventRecord, ProfileRecord, SessionRecord } from '../storage/records.js';
import { resourceRefs } from './resource-refs.js';
import type { RuleService } from './rules.js';

/** Runs the flows of one event; the sandbox pool in the server. */
export interface FlowExecutor {
  run(request: EventRunRequest): Promise<EventRunResult>;
}

export interface ProcessInput {
  sourceId: string;
  /** The rows the collector just committed. */
  profile: ProfileRecord | null;
  session: SessionRecord | null;
  events: EventRecord[];
}

/** The deployed flows routing rules select for each event type of a request, in rule order. */
export type Route = Map<string, FlowToRun[]>;

export interface ProcessOptions {
  /** The route `route` gave for these events; looked up again when left out. */
  route?: Route | null;
  /**
   * Mark the events no flow runs for `collected`: for pending events whose flows are run again
   * (`PendingEvents`), when the rules that selected them are gone.
   */
  settle?: boolean;
}

export interface ProcessorOptions {
  /**
   * How long after an event was stored a request may still start its flows. Later, a sweep of
   * `PendingEvents` may take the event before the flows end; the request leaves it to the sweep.
   */
  startWithinMs: number;
}

export interface ProcessOutcome {
  ux: JsonObject[];
  response: JsonObject;
  errors: string[];
}

const CACHE_TTL_MS = 2000;
const MAX_CACHED_VERSIONS = 500;

/** A deployed flow version as the processor keeps it: graphs never change once deployed. */
interface DeployedVersion {
  graph: unknown;
  /** Resources its nodes name, as the catalog below reads their config schemas. */
  resourceIds: string[];
  catalog: NodeCatalog;
}

function resourceIdsOf(graph: unknown, catalog: NodeCatalog): string[] {
  return [...new Set(resourceRefs(graph, catalog).map((ref) => ref.id))];
}

/**
 * Runs the deployed flows that routing rules select for stored events, then hands the profile
 * operations they produced to the collector's writer, which re-applies them to the locked, stored
 * profile (so concurrent events for one profile lose no update) and marks the events `processed`
 * or `error`.
 */
export class EventProcessor {
  private readonly versions = new Map<string, DeployedVersion>();
  private deployed:
    | { flows: Map<string, { name: string; version: number | null }>; until: number }
    | undefined;

  constructor(
    private readonly db: Database,
    private readonly rules: RuleService,
    private readonly executor: FlowExecutor,
    private readonly collector: Collector,
    private readonly consentTypes: ConsentTypes,
    private readonly plugins: PluginStore,
    private readonly resources: ResourceStore,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: ProcessorOptions,
    private readonly live?: LiveHub,
  ) {}

  private observe(source: string, type: string, result: EventRunResult): void {
    this.metrics.eventsProcessed.inc({
      source,
      type,
      status: result.status === 'ok' ? 'processed' : 'error',
    });
    for (const flow of result.flows) {
      let seconds = 0;
      for (const entry of flow.trace) {
        if (entry.skipped) continue;
        seconds += entry.durationMs / 1000;
        this.metrics.observeNode(entry.plugin, entry.node, entry.durationMs / 1000);
      }
      this.metrics.observeFlow(flow.flowId, seconds);
    }
  }

  /** Forget cached deployments (after a deploy, rollback or delete in this process). */
  invalidate(): void {
    this.deployed = undefined;
  }

  /** The deployed flows that run for events of these types from `sourceId`; null when none does. */
  async route(sourceId: string, types: Iterable<string>): Promise<Route | null> {
    const route: Route = new Map();
    for (const type of new Set(types)) {
      const rules = await this.rules.matching(sourceId, type);
      if (rules.length === 0) continue;
      const flows = await this.deployedFlows(rules.map((r) => r.flowId));
      if (flows.length) route.set(type, flows);
    }
    return route.size ? route : null;
  }

  async process(input: ProcessInput, options: ProcessOptions = {}): Promise<ProcessOutcome> {
    const outcome: ProcessOutcome = { ux: [], response: {}, errors: [] };
    const route =
      options.route === undefined
        ? await this.route(
            input.sourceId,
            input.events.map((e) => e.type),
          )
        : options.route;
    const plans: { event: EventRecord; flows: FlowToRun[] }[] = [];
    const unrouted: string[] = [];
    for (const event of input.events) {
      const flows = route?.get(event.type);
      if (flows) plans.push({ event, flows });
      else unrouted.push(event.id);
    }
    const settled = (): FlowCommit['events'] =>
      new Map(options.settle ? unrouted.map((id) => [id, { status: 'collected', operations: [] }]) : []);
    if (plans.length === 0) {
      if (options.settle && unrouted.length) {
        await this.collector.commit({ profileId: null, operations: [], events: settled(), refused: [] });
      }
      return outcome;
    }

    // Flows see the consents that hold now: lapsed grants dropped, default-granted types added.
    const consentTypes = input.profile ? await this.consentTypes.list() : [];
    let profileJson = input.profile
      ? ({
          ...profileView(input.profile),
          consents: effectiveConsents(input.profile.consents as StoredConsents, consentTypes, new Date()),
        } as unknown as JsonObject)
      : null;
    const sessionJson = input.session ? (sessionView(input.session) as unknown as JsonObject) : null;
    const commit: FlowCommit = {
      profileId: input.profile?.id ?? null,
      operations: [],
      events: settled(),
      refused: [],
    };
    for (const [index, { event, flows }] of plans.entries()) {
      // Past this point `PendingEvents` may take the event as abandoned before its flows end: it
      // stays pending for that, rather than running twice at the same time.
      if (!options.settle && Date.now() - event.insertedAt.getTime() > this.options.startWithinMs) {
        outcome.errors.push(
          `Event ${event.id}: the request ran too long to start its flows; they run when the server next sweeps pending events.`,
        );
        continue;
      }
      let result: EventRunResult;
      try {
        result = await this.executor.run({
          flows,
          // Payloads and logs in the trace are only for live watchers: leaving them out when
          // nobody listens keeps the answer from the sandbox small.
          trace: this.live?.listening ? 'full' : 'timings',
          event: eventView(event) as unknown as JsonObject,
          profile: profileJson,
          session: sessionJson,
        });
      } catch (error) {
        const reason =
          error instanceof SandboxRunError ? `${error.code}: ${error.message}` : (error as Error).message;
        outcome.errors.push(`Event ${event.id}: ${reason}`);
        // The server is stopping: the event stays pending, and its flows run after the restart.
        if (error instanceof SandboxRunError && error.code === 'pool_closed') continue;
        commit.events.set(event.id, { status: 'error', operations: [] });
        this.metrics.eventsProcessed.inc({ source: input.sourceId, type: event.type, status: 'error' });
        this.logger.warn({ event: event.id, err: error }, 'flows failed');
        continue;
      }
      for (const flow of result.flows) {
        if (flow.status === 'ok') continue;
        const failed = flow.trace.filter((t) => t.error && !t.error.routed);
        const why =
          flow.error?.message ?? failed.map((t) => `node ${t.nodeId}: ${t.error!.message}`).join('; ');
        outcome.errors.push(`Flow ${flow.flowId} v${flow.version}: ${why}`);
      }
      commit.events.set(event.id, {
        status: result.status === 'ok' ? 'processed' : 'error',
        operations: result.operations,
      });
      this.observe(input.sourceId, event.type, result);
      this.live?.publishTraces(event, input.profile?.id ?? null, result);
      outcome.ux.push(...result.ux);
      Object.assign(outcome.response, result.response);
      // The next event of the request sees the profile as this one's flows left it.
      if (profileJson && result.operations.length && index < plans.length - 1) {
        const applied = applyOperations(profileJson, result.operations);
        if (applied.ok) profileJson = applied.profile;
      }
    }

    await this.collector.commit(commit);
    outcome.errors.push(...commit.refused);
    return outcome;
  }

  /** The deployed graph of each flow, in rule order; flows never deployed are skipped. */
  private async deployedFlows(flowIds: string[]): Promise<FlowToRun[]> {
    if (!this.deployed || this.deployed.until < Date.now()) {
      const flows = await this.db.em().find(FlowSchema, {}, { fields: ['id', 'name', 'deployedVersion'] });
      this.deployed = {
        flows: new Map(flows.map((f) => [f.id, { name: f.name, version: f.deployedVersion ?? null }])),
        until: Date.now() + CACHE_TTL_MS,
      };
    }
    const result: FlowToRun[] = [];
    const catalog = this.plugins.catalog();
    for (const id of flowIds) {
      const flow = this.deployed.flows.get(id);
      if (!flow || flow.version === null) continue;
      const key = `${id}@${flow.version}`;
      let deployed = this.versions.get(key);
      if (deployed === undefined) {
        const version = await this.db.em().findOne(FlowVersionSchema, { flowId: id, version: flow.version });
        if (!version) continue;
        deployed = { graph: version.graph, catalog, resourceIds: resourceIdsOf(version.graph, catalog) };
        if (this.versions.size >= MAX_CACHED_VERSIONS) this.versions.clear();
        this.versions.set(key, deployed);
      } else if (deployed.catalog !== catalog) {
        // Plugins were installed or removed: config schemas, so resource fields, may differ.
        deployed.resourceIds = resourceIdsOf(deployed.graph, catalog);
        deployed.catalog = catalog;
      }
      result.push({
        id,
        name: flow.name,
        version: flow.version,
        graph: deployed.graph,
        // Read for every event: an operator's change to a resource applies to the next event.
        resources: deployed.resourceIds.length ? await this.resources.publicInfo(deployed.resourceIds) : {},
      });
    }
    return result;
  }
}
