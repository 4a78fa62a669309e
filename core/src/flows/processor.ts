import type { JsonObject, ProfileOperation } from '@cairn/sdk';
import type { Logger } from 'pino';
import { eventView, profileView, sessionView } from '../api/views.js';
import { applyOperations } from '../engine/index.js';
import { SandboxRunError } from '../sandbox/pool.js';
import type { EventRunResult, FlowToRun } from '../sandbox/protocol.js';
import { FlowSchema, FlowVersionSchema } from '../storage/flow-entities.js';
import { GroupCommit } from '../storage/group-commit.js';
import type { Database } from '../storage/orm.js';
import {
  type EventRecord,
  PROFILE_COLUMNS,
  PROFILE_UPDATABLE,
  type ProfileRecord,
  profileFromRow,
  profileToRow,
  type SessionRecord,
} from '../storage/records.js';
import { forUpdate, insertRows, placeholders, type SqlTransaction, sqlTransaction } from '../storage/sql.js';
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
  /** The rows the collector just committed. */
  profile: ProfileRecord | null;
  session: SessionRecord | null;
  events: EventRecord[];
}

export interface ProcessOutcome {
  ux: JsonObject[];
  response: JsonObject;
  errors: string[];
}

/** The operations and event statuses one request commits after its flows ran. */
interface Commit {
  profileId: string | null;
  operations: ProfileOperation[];
  statuses: Map<string, 'processed' | 'error'>;
  /** Operations the stored profile refused, reported back to the client. */
  refused: string[];
}

const CACHE_TTL_MS = 2000;
const MAX_CACHED_VERSIONS = 500;

/** The parts of a profile that operations may change, as the engine sees them. */
function mutablePart(profile: ProfileRecord): JsonObject {
  return {
    traits: profile.traits,
    data: profile.data,
    interests: profile.interests,
    stats: profile.stats,
    segments: profile.segments,
    consents: profile.consents,
  } as unknown as JsonObject;
}

/**
 * Runs the deployed flows that routing rules select for stored events, then commits the profile
 * operations they produced to the stored profile: the row is locked and each operation re-applied
 * to its current state, so concurrent events for one profile lose no update. Commits of
 * concurrent requests are grouped into shared transactions. Events are marked `processed` or
 * `error`.
 */
export class EventProcessor {
  private readonly versions = new Map<string, unknown>();
  private deployed:
    | { flows: Map<string, { name: string; version: number | null }>; until: number }
    | undefined;
  private readonly commits: GroupCommit<Commit, null>;

  constructor(
    private readonly db: Database,
    private readonly rules: RuleService,
    private readonly executor: FlowExecutor,
    private readonly logger: Logger,
    options: { writeLanes: number; maxGroup: number },
  ) {
    this.commits = new GroupCommit({
      writeGroup: (items) => sqlTransaction(db, (tx) => this.commitGroup(tx, items)),
      writeOne: (item) => sqlTransaction(db, async (tx) => (await this.commitGroup(tx, [item]))[0]!),
      lanes: db.dialect === 'sqlite' ? 1 : options.writeLanes,
      maxGroup: options.maxGroup,
    });
  }

  /** Forget cached deployments (after a deploy, rollback or delete in this process). */
  invalidate(): void {
    this.deployed = undefined;
  }

  async process(input: ProcessInput): Promise<ProcessOutcome> {
    const outcome: ProcessOutcome = { ux: [], response: {}, errors: [] };
    const plans: { event: EventRecord; flows: FlowToRun[] }[] = [];
    for (const event of input.events) {
      const rules = await this.rules.matching(input.sourceId, event.type);
      if (rules.length === 0) continue;
      const flows = await this.deployedFlows(rules.map((r) => r.flowId));
      if (flows.length) plans.push({ event, flows });
    }
    if (plans.length === 0) return outcome;

    let profileJson = input.profile ? (profileView(input.profile) as unknown as JsonObject) : null;
    const sessionJson = input.session ? (sessionView(input.session) as unknown as JsonObject) : null;
    const commit: Commit = {
      profileId: input.profile?.id ?? null,
      operations: [],
      statuses: new Map(),
      refused: [],
    };
    for (const { event, flows } of plans) {
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
        commit.statuses.set(event.id, 'error');
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
      commit.statuses.set(event.id, result.status === 'ok' ? 'processed' : 'error');
      commit.operations.push(...result.operations);
      outcome.ux.push(...result.ux);
      Object.assign(outcome.response, result.response);
      if (profileJson && result.operations.length) {
        const applied = applyOperations(profileJson, result.operations);
        if (applied.ok) profileJson = applied.profile;
      }
    }

    await this.commits.submit(commit, commit.profileId ?? plans[0]!.event.id);
    outcome.errors.push(...commit.refused);
    return outcome;
  }

  /** The deployed graph of each flow, in rule order; flows never deployed are skipped. */
  private async deployedFlows(flowIds: string[]): Promise<FlowToRun[]> {
    const em = this.db.em();
    if (!this.deployed || this.deployed.until < Date.now()) {
      const flows = await em.find(FlowSchema, {}, { fields: ['id', 'name', 'deployedVersion'] });
      this.deployed = {
        flows: new Map(flows.map((f) => [f.id, { name: f.name, version: f.deployedVersion ?? null }])),
        until: Date.now() + CACHE_TTL_MS,
      };
    }
    const result: FlowToRun[] = [];
    for (const id of flowIds) {
      const flow = this.deployed.flows.get(id);
      if (!flow || flow.version === null) continue;
      const key = `${id}@${flow.version}`;
      let graph = this.versions.get(key);
      if (graph === undefined) {
        const version = await em.findOne(FlowVersionSchema, { flowId: id, version: flow.version });
        if (!version) continue;
        graph = version.graph;
        if (this.versions.size >= MAX_CACHED_VERSIONS) this.versions.clear();
        this.versions.set(key, graph);
      }
      result.push({ id, name: flow.name, version: flow.version, graph });
    }
    return result;
  }

  private async commitGroup(tx: SqlTransaction, items: readonly Commit[]): Promise<null[]> {
    const ids = [
      ...new Set(items.flatMap((i) => (i.profileId && i.operations.length ? [i.profileId] : []))),
    ].sort();
    if (ids.length) {
      const rows = await tx.all(
        `select ${PROFILE_COLUMNS.join(', ')} from profile where id in ${placeholders(ids.length)} order by id${forUpdate(tx.dialect)}`,
        ids,
      );
      const profiles = new Map(rows.map((row) => [row.id as string, profileFromRow(row)]));
      for (const item of items) {
        const profile = item.profileId ? profiles.get(item.profileId) : undefined;
        if (!profile) continue;
        let current = mutablePart(profile);
        for (const operation of item.operations) {
          const applied = applyOperations(current, [operation]);
          if (applied.ok) current = applied.profile;
          else
            item.refused.push(`Profile operation ${operation.op} was not applied: ${applied.error.message}`);
        }
        Object.assign(profile, current, { updatedAt: new Date() });
      }
      const changed = [...profiles.values()].map((p) => profileToRow(tx.dialect, p));
      if (changed.length)
        await tx.run(...insertRows(tx.dialect, 'profile', PROFILE_COLUMNS, changed, PROFILE_UPDATABLE));
    }
    for (const status of ['processed', 'error'] as const) {
      const eventIds = items.flatMap((i) =>
        [...i.statuses].filter(([, s]) => s === status).map(([id]) => id),
      );
      if (eventIds.length) {
        await tx.run(`update event set status = ? where id in ${placeholders(eventIds.length)}`, [
          status,
          ...eventIds,
        ]);
      }
    }
    return items.map(() => null);
  }
}
