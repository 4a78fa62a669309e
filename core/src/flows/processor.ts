import type { JsonObject, ProfileOperation } from '@cairn/sdk';
import { LockMode } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { eventView, profileView, sessionView } from '../api/views.js';
import { applyOperations } from '../engine/index.js';
import { SandboxRunError } from '../sandbox/pool.js';
import type { EventRunResult, FlowToRun } from '../sandbox/protocol.js';
import { EventSchema, type Profile, ProfileSchema, SessionSchema } from '../storage/entities.js';
import { FlowSchema, FlowVersionSchema } from '../storage/flow-entities.js';
import type { Database } from '../storage/orm.js';
import { writeTransaction } from '../storage/transaction.js';
import type { RuleService } from './rules.js';

/** Runs the flows of one event; the sandbox pool in the server. */
export interface FlowExecutor {
  run(request: {
    flows: FlowToRun[];
    event: JsonObject;
    profile: JsonObject | null;
    session: JsonObject | null;
  }): Promise<EventRunResult>;
}

export interface ProcessInput {
  sourceId: string;
  profileId: string | null;
  sessionId: string | null;
  /** Events stored by this request, in order (duplicates already acknowledged are left out). */
  eventIds: string[];
}

export interface ProcessOutcome {
  ux: JsonObject[];
  response: JsonObject;
  errors: string[];
}

/** The parts of a profile that operations may change, as the engine sees them. */
function mutablePart(profile: Profile): JsonObject {
  return {
    traits: profile.traits,
    data: profile.data,
    interests: profile.interests,
    stats: profile.stats,
    segments: profile.segments,
    consents: profile.consents,
  } as unknown as JsonObject;
}

const MAX_CACHED_VERSIONS = 500;

/**
 * Runs the deployed flows that routing rules select for stored events, then commits the profile
 * operations they produced to the stored profile, atomically and operation by operation: the row
 * is locked and each operation re-applied to its current state, so concurrent events for one
 * profile lose no update. Events are marked `processed` or `error`.
 */
export class EventProcessor {
  private readonly versions = new Map<string, unknown>();

  constructor(
    private readonly db: Database,
    private readonly rules: RuleService,
    private readonly executor: FlowExecutor,
    private readonly logger: Logger,
  ) {}

  async process(input: ProcessInput): Promise<ProcessOutcome> {
    const outcome: ProcessOutcome = { ux: [], response: {}, errors: [] };
    if (input.eventIds.length === 0) return outcome;
    const em = this.db.em();
    const events = await em.find(EventSchema, { id: { $in: input.eventIds } });
    events.sort((a, b) => input.eventIds.indexOf(a.id) - input.eventIds.indexOf(b.id));

    const plans: { event: (typeof events)[number]; flows: FlowToRun[] }[] = [];
    for (const event of events) {
      const rules = await this.rules.matching(input.sourceId, event.type);
      if (rules.length === 0) continue;
      plans.push({ event, flows: await this.deployedFlows(rules.map((r) => r.flowId)) });
    }
    if (plans.length === 0) return outcome;

    const profile = input.profileId ? await em.findOne(ProfileSchema, { id: input.profileId }) : null;
    const session = input.sessionId ? await em.findOne(SessionSchema, { id: input.sessionId }) : null;
    let profileJson = profile ? (profileView(profile) as unknown as JsonObject) : null;
    const sessionJson = session ? (sessionView(session) as unknown as JsonObject) : null;

    const operations: ProfileOperation[] = [];
    const statuses = new Map<string, 'processed' | 'error'>();
    for (const { event, flows } of plans) {
      if (flows.length === 0) continue;
      let result: EventRunResult;
      try {
        result = await this.executor.run({
          flows,
          event: eventView(event) as unknown as JsonObject,
          profile: profileJson,
          session: sessionJson,
        });
      } catch (error) {
        const reason =
          error instanceof SandboxRunError ? `${error.code}: ${error.message}` : (error as Error).message;
        outcome.errors.push(`Event ${event.id}: ${reason}`);
        statuses.set(event.id, 'error');
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
      statuses.set(event.id, result.status === 'ok' ? 'processed' : 'error');
      operations.push(...result.operations);
      outcome.ux.push(...result.ux);
      Object.assign(outcome.response, result.response);
      if (profileJson && result.operations.length) {
        const applied = applyOperations(profileJson, result.operations);
        if (applied.ok) profileJson = applied.profile;
      }
    }

    await this.commit(input.profileId, operations, statuses, outcome);
    return outcome;
  }

  /** The deployed graph of each flow, in rule order; flows never deployed are skipped. */
  private async deployedFlows(flowIds: string[]): Promise<FlowToRun[]> {
    const em = this.db.em();
    const flows = await em.find(
      FlowSchema,
      { id: { $in: flowIds } },
      { fields: ['id', 'name', 'deployedVersion'] },
    );
    const byId = new Map(flows.map((f) => [f.id, f]));
    const result: FlowToRun[] = [];
    for (const id of flowIds) {
      const flow = byId.get(id);
      if (!flow || flow.deployedVersion == null) continue;
      const key = `${id}@${flow.deployedVersion}`;
      let graph = this.versions.get(key);
      if (graph === undefined) {
        const version = await em.findOne(FlowVersionSchema, { flowId: id, version: flow.deployedVersion });
        if (!version) continue;
        graph = version.graph;
        if (this.versions.size >= MAX_CACHED_VERSIONS) this.versions.clear();
        this.versions.set(key, graph);
      }
      result.push({ id, name: flow.name, version: flow.deployedVersion, graph });
    }
    return result;
  }

  private async commit(
    profileId: string | null,
    operations: ProfileOperation[],
    statuses: Map<string, 'processed' | 'error'>,
    outcome: ProcessOutcome,
  ): Promise<void> {
    await writeTransaction(this.db, async (em) => {
      if (profileId && operations.length) {
        const profile = await em.findOne(
          ProfileSchema,
          { id: profileId },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (profile) {
          let current = mutablePart(profile);
          for (const operation of operations) {
            const applied = applyOperations(current, [operation]);
            if (applied.ok) current = applied.profile;
            else
              outcome.errors.push(
                `Profile operation ${operation.op} was not applied: ${applied.error.message}`,
              );
          }
          em.assign(profile, { ...(current as unknown as Partial<Profile>), updatedAt: new Date() });
        }
      }
      for (const status of ['processed', 'error'] as const) {
        const ids = [...statuses].filter(([, s]) => s === status).map(([id]) => id);
        if (ids.length) await em.nativeUpdate(EventSchema, { id: { $in: ids } }, { status });
      }
    });
  }
}
