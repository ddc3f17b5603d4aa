import { internalReverseZones } from '../../net/special-ranges.ts';

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
  // Reverse zones of RFC 1918, loopback, link-local, shared (RFC 6598), "this network", unique local and IPv4-mapped.
  ...internalReverseZones,
];

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
