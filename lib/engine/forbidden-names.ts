/**
 * Names the bot refuses to ask its resolver about, so that nobody can read
 * the operator's internal zones (split-horizon names, private reverse zones)
 * through a public bot. A name is forbidden when it equals or is below one of
 * the listed names.
 */
export const defaultForbiddenNames: readonly string[] = [
  'localhost',
  'local',
  'internal',
  'lan',
  'home.arpa',
  // Never delegated by ICANN and widely used inside companies and homes.
  'home',
  'corp',
  // Reverse zones of RFC 1918, loopback, link-local, shared (RFC 6598) and "this network".
  '10.in-addr.arpa',
  ...range(16, 31).map((n) => `${n}.172.in-addr.arpa`),
  '168.192.in-addr.arpa',
  '127.in-addr.arpa',
  '254.169.in-addr.arpa',
  ...range(64, 127).map((n) => `${n}.100.in-addr.arpa`),
  '0.in-addr.arpa',
  // ::1, unique local fc00::/7, link-local fe80::/10 and the IPv4-mapped ::ffff:0:0/96 space.
  '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa',
  'c.f.ip6.arpa',
  'd.f.ip6.arpa',
  '8.e.f.ip6.arpa',
  '9.e.f.ip6.arpa',
  'a.e.f.ip6.arpa',
  'b.e.f.ip6.arpa',
  'f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa',
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export class ForbiddenNames {
  private readonly names: Set<string>;

  constructor(names: readonly string[]) {
    this.names = new Set(names.map((name) => name.toLowerCase().replace(/\.$/, '')));
  }

  /** The listed name that forbids `name`, or undefined when it may be asked. */
  forbidding(name: string): string | undefined {
    const labels = name.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      if (this.names.has(suffix)) return suffix;
    }
    return undefined;
  }
}
