import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** Why a rendered recipient is not a number to text. */
export type NumberProblem = 'missing' | 'not-international' | 'invalid';

// A plus, then digits with the separators people type. Anything else (letters, `ext.`, a second
// number after a comma) is refused before the parser, which would otherwise pick a number out of
// free text.
const INTERNATIONAL = /^\+[\d\s().-]+$/;

/**
 * The recipient in E.164 form (`+48601234567`), or why it cannot be texted. The number must be
 * international, and its length and leading digits must fit the numbering plan of its country
 * (libphonenumber's `min` metadata).
 */
export function toE164(text: string): { number: string } | { problem: NumberProblem } {
  const written = text.trim();
  if (written === '') return { problem: 'missing' };
  if (!written.startsWith('+')) return { problem: 'not-international' };
  if (!INTERNATIONAL.test(written)) return { problem: 'invalid' };
  const parsed = parsePhoneNumberFromString(written);
  if (parsed === undefined || !parsed.isValid()) return { problem: 'invalid' };
  return { number: parsed.number };
}
