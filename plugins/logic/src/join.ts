import { defineNode, type Json, type JsonObject } from '@cairn/sdk';

/** One entry of the array the engine gives a node with two or more incoming edges. */
interface JoinDelivery {
  readonly from: string;
  readonly port: string;
  readonly input: string;
  readonly payload: Json;
}

/**
 * Merges what the branches of a flow delivered into one payload. Object payloads are merged
 * key by key, deeply, in arrival order; any other value, lists included, replaces the earlier
 * one (the rule the engine uses for `response`). A payload that is not an object (`null`, a list,
 * text, a number) has no keys to merge and adds nothing.
 */
export const join = defineNode({
  id: 'join',
  title: 'Join',
  description:
    'Waits for every incoming branch and emits one payload: the object payloads deep-merged in arrival order',
  category: 'logic',
  icon: 'merge',
  inputs: ['in'],
  outputs: ['out'],
  run(ctx) {
    const deliveries = joinDeliveries(ctx.payload as Json);
    // With a single incoming edge the engine sends the payload itself: there is nothing to join.
    if (deliveries === undefined) return ctx.emit('out', ctx.payload);
    let merged: JsonObject = emptyObject();
    for (const delivery of deliveries) {
      if (isObject(delivery.payload)) merged = mergeInto(merged, delivery.payload);
    }
    return ctx.emit('out', merged);
  },
});

function joinDeliveries(payload: Json): readonly JoinDelivery[] | undefined {
  if (!Array.isArray(payload) || payload.length === 0) return undefined;
  return payload.every(isDelivery) ? (payload as unknown as JoinDelivery[]) : undefined;
}

function isDelivery(value: Json): boolean {
  return (
    isObject(value) &&
    typeof value.from === 'string' &&
    typeof value.port === 'string' &&
    typeof value.input === 'string' &&
    Object.hasOwn(value, 'payload')
  );
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A prototype-free object, so a `__proto__` key in data stays a plain key. */
function emptyObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function mergeInto(target: JsonObject, source: JsonObject): JsonObject {
  const result = emptyObject();
  for (const [key, value] of Object.entries(target)) result[key] = value;
  for (const [key, value] of Object.entries(source)) {
    const earlier = Object.hasOwn(result, key) ? result[key] : undefined;
    result[key] = isObject(earlier) && isObject(value) ? mergeInto(earlier, value) : value;
  }
  return result;
}
