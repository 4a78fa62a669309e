import type { JsonObject } from '@cairn/sdk';
import { type Static, Type } from '@sinclair/typebox';
import { ApiError } from '../http/errors.js';
import { SandboxRunError } from '../sandbox/pool.js';
import type { EventRunResult } from '../sandbox/protocol.js';
import type { FlowService, FlowView } from './flows.js';
import type { FlowExecutor } from './processor.js';

const AnyObject = Type.Object({}, { additionalProperties: true });

export const DebugInputSchema = Type.Object(
  {
    event: Type.Object(
      { type: Type.String({ minLength: 1, maxLength: 128 }), properties: Type.Optional(AnyObject) },
      { additionalProperties: true },
    ),
    profile: Type.Optional(Type.Union([AnyObject, Type.Null()])),
    session: Type.Optional(Type.Union([AnyObject, Type.Null()])),
  },
  { additionalProperties: false },
);
export type DebugInput = Static<typeof DebugInputSchema>;

const EMPTY_PROFILE = {
  id: 'debug-profile',
  traits: {},
  data: {},
  interests: {},
  stats: { visits: 0, views: 0, counters: {} },
  segments: [],
  consents: {},
};

/**
 * Runs a flow's draft against a sample event in the sandbox, exactly as a deployed flow would run,
 * and returns the per-node trace. Nothing is committed.
 */
export async function debugFlow(
  flows: FlowService,
  executor: FlowExecutor,
  flowId: string,
  input: DebugInput,
): Promise<EventRunResult & { validation: FlowView['validation'] }> {
  const flow = await flows.get(flowId);
  const view = await flows.view(flow);
  if (!view.validation.valid) {
    const [first] = view.validation.errors;
    throw new ApiError(
      422,
      'invalid_flow',
      `The draft cannot run: ${first!.message}`,
      first!.path ? `draft.${first!.path}` : undefined,
    );
  }
  const event = {
    id: 'debug-event',
    metadata: { time: { create: new Date().toISOString() }, status: 'collected' },
    properties: {},
    context: {},
    tags: [],
    ...input.event,
  } as JsonObject;
  const profile =
    input.profile === null ? null : ({ ...EMPTY_PROFILE, ...(input.profile ?? {}) } as JsonObject);
  try {
    const result = await executor.run({
      flows: [
        {
          id: flow.id,
          name: flow.name,
          version: 0,
          graph: flow.draft,
          resources: await flows.resourcesOf(flow.draft),
        },
      ],
      // A debug run acts with the test credentials of the resources it names.
      credentials: 'test',
      event,
      profile,
      session: (input.session ?? null) as JsonObject | null,
    });
    return { ...result, validation: view.validation };
  } catch (error) {
    if (error instanceof SandboxRunError) throw new ApiError(422, error.code, error.message);
    throw error;
  }
}
