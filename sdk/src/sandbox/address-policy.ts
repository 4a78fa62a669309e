import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Decides which IP addresses plugin HTTP calls may reach. Only globally routable unicast
 * addresses pass by default; loopback, private, link-local (cloud metadata), CGNAT, multicast
 * and reserved ranges are refused unless the operator allow-list names them.
 */
export class AddressPolicy {
  readonly #allow: [Address, number][];

  /** @param allow IPs or CIDR ranges the operator permits despite their range, e.g. `10.0.0.0/8`. */
  constructor(allow: readonly string[] = []) {
    this.#allow = allow.map((entry) => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === 'ipv4' ? 32 : 128];
      } catch {
        throw new RangeError(`HTTP allow-list entry '${entry}' is not an IP address or CIDR range`);
      }
    });
  }

  /** `null` if the address may be contacted, otherwise the reason it may not. */
  refusal(literal: string): string | null {
    if (!ipaddr.isValid(literal)) return `'${literal}' is not an IP address`;
    // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as IPv4.
    const address = ipaddr.process(literal);
    const allowed = this.#allow.some(
      ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
    );
    if (allowed) return null;
    const range = address.range();
    return range === 'unicast' ? null : `address ${literal} is in the ${range} range`;
  }
}
