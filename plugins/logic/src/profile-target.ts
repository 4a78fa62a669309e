import { notation } from '@cairn/sdk';

/**
 * Turns a node's target reference such as `profile@traits.plan` into the dot path that profile
 * operations take (`traits.plan`). Only the profile can be written; the engine then checks that
 * the path lies below a writable root (`traits.`, `data.`, `interests.`, `stats.counters.`).
 *
 * @throws Error naming the config field when the reference is malformed, points at another
 *   source, is empty, or indexes into a list.
 */
export function profileTarget(reference: string, field: string): string {
  let parsed: notation.Reference;
  try {
    parsed = notation.parseReference(reference);
  } catch (error) {
    throw new Error(
      `${field}: ${(error as Error).message}; write a profile reference such as 'profile@traits.plan'`,
    );
  }
  if (parsed.source !== 'profile') {
    throw new Error(
      `${field}: '${reference}' points at ${parsed.source}@, but only the profile can be written; write a reference such as 'profile@traits.plan'`,
    );
  }
  if (parsed.path.length === 0) {
    throw new Error(
      `${field}: '${reference}' names the whole profile; name a field such as 'profile@traits.plan'`,
    );
  }
  for (const segment of parsed.path) {
    if (typeof segment === 'number') {
      throw new Error(
        `${field}: '${reference}' indexes into a list ([${segment}]); profile operations address object fields only`,
      );
    }
    if (segment.includes('.') || segment === '') {
      throw new Error(
        `${field}: '${reference}' has the key '${segment}', which a dot-separated profile path cannot express`,
      );
    }
  }
  return parsed.path.join('.');
}
