import { notation } from '@cairn/sdk';

/** The text to score, or why there is none. */
export type TextOutcome = { text: string } | { missing: string };

/**
 * Reads the text: a config value that is exactly a reference (`event@properties.text`) reads that
 * value, anything else is rendered as a text template.
 *
 * @throws Error naming the field when the template is malformed.
 */
export function readText(template: string, context: notation.NotationContext): TextOutcome {
  let value: unknown;
  try {
    value = notation.isReference(template)
      ? notation.get(context, template)
      : notation.render(template, context);
  } catch (error) {
    throw new Error(`text: ${(error as Error).message}`);
  }
  if (typeof value !== 'string') {
    const found = value === undefined ? 'missing' : value === null ? 'null' : `a ${typeof value}, not text`;
    return { missing: `text: ${template} is ${found}` };
  }
  if (value.trim() === '') return { missing: `text: ${template} is empty` };
  return { text: value };
}

/**
 * Turns `saveTo` (`profile@traits.last_sentiment`) into the dot path of a profile operation.
 *
 * @throws Error naming the field when the reference is malformed, points at another source,
 *   names the whole profile, indexes into a list or has a key with a dot.
 */
export function profilePath(reference: string): string {
  let parsed: notation.Reference;
  try {
    parsed = notation.parseReference(reference);
  } catch (error) {
    throw new Error(
      `saveTo: ${(error as Error).message}; write a reference such as 'profile@traits.last_sentiment'`,
    );
  }
  if (parsed.source !== 'profile' || parsed.path.length === 0) {
    throw new Error(
      `saveTo: '${reference}' is not a profile field; write a reference such as 'profile@traits.last_sentiment'`,
    );
  }
  const keys = parsed.path.map((segment) => {
    if (typeof segment === 'number' || segment === '' || segment.includes('.')) {
      throw new Error(
        `saveTo: '${reference}' has the key ${JSON.stringify(segment)}, which a profile path cannot hold`,
      );
    }
    return segment;
  });
  return keys.join('.');
}
