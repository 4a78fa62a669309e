/** Why a rendered recipient cannot be sent to, or `null` when it is one plausible address. */
export type AddressProblem = 'missing' | 'malformed';

// Specials and separators that never belong in the plain `local@domain` form this node sends to.
// Refusing them also keeps a second recipient out of a field meant for one customer.
const LOCAL_PART = /^[^\s\p{Cc}@<>()[\]\\,;:"]+$/u;
const DOMAIN_LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

/**
 * Checks that `address` is a single `local@domain` address: a local part of at most 64
 * characters without specials or stray dots, and a domain of at least two labels.
 */
export function addressProblem(address: string): AddressProblem | null {
  if (address === '') return 'missing';
  if (address.length > 254) return 'malformed';
  const at = address.lastIndexOf('@');
  if (at <= 0) return 'malformed';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return 'malformed';
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'malformed';
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return 'malformed';
  return null;
}
