import { notation } from '@cairn/sdk';

/**
 * Parsed conditions by their text. A plugin isolate serves many calls, so each distinct
 * condition is parsed once; the bound keeps an isolate that sees many flows within its memory
 * limit (Map iteration order is insertion order, so the first key is the oldest).
 */
const parsed = new Map<string, notation.ConditionNode>();
const CAPACITY = 500;

/** The condition tree for `text`, parsed on first use. Throws `ConditionSyntaxError` when invalid. */
export function parsedCondition(text: string): notation.ConditionNode {
  const cached = parsed.get(text);
  if (cached !== undefined) return cached;
  const tree = notation.parseCondition(text);
  if (parsed.size >= CAPACITY) {
    const oldest = parsed.keys().next();
    if (oldest.done !== true) parsed.delete(oldest.value);
  }
  parsed.set(text, tree);
  return tree;
}
