import { type Static, Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { normaliseEventType } from '../collector/schema.js';
import { ApiError } from '../http/errors.js';
import { EventSourceSchema } from '../storage/entities.js';
import { FlowSchema, type RoutingRule, RoutingRuleSchema } from '../storage/flow-entities.js';
import type { Database } from '../storage/orm.js';

export const RuleInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 191 }),
    sourceId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    eventType: Type.String({ minLength: 1, maxLength: 128 }),
    flowId: Type.String({ minLength: 1, maxLength: 36 }),
    enabled: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleInputSchema>;

export function ruleView(rule: RoutingRule) {
  return {
    id: rule.id,
    name: rule.name,
    sourceId: rule.sourceId ?? null,
    eventType: rule.eventType,
    flowId: rule.flowId,
    enabled: rule.enabled,
    position: rule.position,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

const CACHE_TTL_MS = 2000;

/**
 * Routing rules: which deployed flows an event runs through. Matching rules run in ascending
 * `position`, then by id, so the order is deterministic. The enabled rules are cached briefly for
 * the collector; changes made through this process take effect at once.
 */
export class RuleService {
  private cache: { rules: RoutingRule[]; until: number } | undefined;

  constructor(private readonly db: Database) {}

  /** Enabled rules matching an event of `eventType` from `sourceId`, in run order. */
  async matching(sourceId: string, eventType: string): Promise<RoutingRule[]> {
    if (!this.cache || this.cache.until < Date.now()) {
      const rules = await this.db
        .em()
        .find(RoutingRuleSchema, { enabled: true }, { orderBy: { position: 'asc', id: 'asc' } });
      this.cache = { rules, until: Date.now() + CACHE_TTL_MS };
    }
    return this.cache.rules.filter(
      (rule) => rule.eventType === eventType && (rule.sourceId == null || rule.sourceId === sourceId),
    );
  }

  async list(): Promise<RoutingRule[]> {
    return this.db.em().find(RoutingRuleSchema, {}, { orderBy: { position: 'asc', id: 'asc' } });
  }

  async get(id: string): Promise<RoutingRule> {
    const rule = await this.db.em().findOne(RoutingRuleSchema, { id });
    if (!rule) throw new ApiError(404, 'not_found', `Routing rule "${id}" does not exist.`);
    return rule;
  }

  private async checkReferences(input: RuleInput): Promise<void> {
    const em = this.db.em();
    if (!(await em.findOne(FlowSchema, { id: input.flowId }))) {
      throw new ApiError(422, 'unknown_flow', `Flow "${input.flowId}" does not exist.`, 'flowId');
    }
    if (input.sourceId && !(await em.findOne(EventSourceSchema, { id: input.sourceId }))) {
      throw new ApiError(
        422,
        'unknown_source',
        `Event source "${input.sourceId}" does not exist.`,
        'sourceId',
      );
    }
    if (normaliseEventType(input.eventType) === '') {
      throw new ApiError(422, 'validation_failed', 'eventType must not be blank.', 'eventType');
    }
  }

  async create(input: RuleInput): Promise<RoutingRule> {
    await this.checkReferences(input);
    const em = this.db.em();
    const now = new Date();
    const rule = em.create(RoutingRuleSchema, {
      id: uuidv7(),
      name: input.name,
      sourceId: input.sourceId ?? null,
      eventType: normaliseEventType(input.eventType),
      flowId: input.flowId,
      enabled: input.enabled ?? true,
      position: input.position ?? (await em.count(RoutingRuleSchema, {})) * 10,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    this.cache = undefined;
    return rule;
  }

  async replace(id: string, input: RuleInput): Promise<RoutingRule> {
    await this.checkReferences(input);
    const em = this.db.em();
    const rule = await em.findOne(RoutingRuleSchema, { id });
    if (!rule) throw new ApiError(404, 'not_found', `Routing rule "${id}" does not exist.`);
    em.assign(rule, {
      name: input.name,
      sourceId: input.sourceId ?? null,
      eventType: normaliseEventType(input.eventType),
      flowId: input.flowId,
      enabled: input.enabled ?? true,
      position: input.position ?? rule.position,
      updatedAt: new Date(),
    });
    await em.flush();
    this.cache = undefined;
    return rule;
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.db.em().nativeDelete(RoutingRuleSchema, { id });
    this.cache = undefined;
    if (deleted === 0) throw new ApiError(404, 'not_found', `Routing rule "${id}" does not exist.`);
  }
}
