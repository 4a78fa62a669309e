import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { JsonRecord } from './entities.js';

/** A workflow: an editable draft plus a pointer to the deployed, immutable version. */
export const FlowSchema = defineEntity({
  name: 'Flow',
  tableName: 'flow',
  properties: {
    id: p.string().length(36).primary(),
    name: p.string().length(191),
    description: p.text(),
    /** Vue Flow graph `{nodes, edges}` being edited; validated on save. */
    draft: p.json<JsonRecord>(),
    /** Version that routing rules run, or null while the flow was never deployed. */
    deployedVersion: p.integer().nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type Flow = InferEntity<typeof FlowSchema>;

/** A deployed snapshot of a flow's draft. Never changed once written. */
export const FlowVersionSchema = defineEntity({
  name: 'FlowVersion',
  tableName: 'flow_version',
  uniques: [{ name: 'flow_version_flow_version_unique', properties: ['flowId', 'version'] }],
  properties: {
    id: p.string().length(36).primary(),
    flowId: p.string().length(36),
    version: p.integer(),
    graph: p.json<JsonRecord>(),
    createdAt: p.datetime(3),
  },
});
export type FlowVersion = InferEntity<typeof FlowVersionSchema>;

/** Sends events of one type (optionally from one source) to a flow's deployed version. */
export const RoutingRuleSchema = defineEntity({
  name: 'RoutingRule',
  tableName: 'routing_rule',
  properties: {
    id: p.string().length(36).primary(),
    name: p.string().length(191),
    sourceId: p.string().length(64).nullable(),
    eventType: p.string().length(128).index(),
    flowId: p.string().length(36).index(),
    enabled: p.boolean().default(true),
    /** Rules matching one event run in ascending position, then id. */
    position: p.integer(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type RoutingRule = InferEntity<typeof RoutingRuleSchema>;

export const flowEntities = [FlowSchema, FlowVersionSchema, RoutingRuleSchema];
