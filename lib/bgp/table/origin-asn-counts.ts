/**
 * How many IPv4 and IPv6 prefixes each AS originates, as three parallel
 * typed arrays sorted by ASN (binary search; ~75,000 ASes in a full table).
 * A prefix with several origins (MOAS, AS_SET) counts for each of them.
 */

import type { OriginSets } from './origin-sets.ts';

export interface OriginCounts {
  readonly ipv4: number;
  readonly ipv6: number;
}

export class OriginAsnCounts {
  constructor(
    readonly asns: Uint32Array,
    readonly ipv4: Uint32Array,
    readonly ipv6: Uint32Array,
  ) {}

  /** Counts from the origin-set ids of every IPv4 and IPv6 route. */
  static count(sets: OriginSets, ipv4Values: Uint32Array, ipv6Values: Uint32Array): OriginAsnCounts {
    const perAsn = new Map<number, [number, number]>();
    const addFamily = (values: Uint32Array, family: 0 | 1): void => {
      // Count routes per set first: there are far fewer sets than routes.
      const routesPerSet = new Uint32Array(sets.count);
      for (const id of values) routesPerSet[id]!++;
      routesPerSet.forEach((routes, id) => {
        if (routes === 0) return;
        sets.forEachMember(id, (asn) => {
          let counts = perAsn.get(asn);
          if (counts === undefined) {
            counts = [0, 0];
            perAsn.set(asn, counts);
          }
          counts[family] += routes;
        });
      });
    };
    addFamily(ipv4Values, 0);
    addFamily(ipv6Values, 1);
    const asns = Uint32Array.from(perAsn.keys()).sort();
    const ipv4 = new Uint32Array(asns.length);
    const ipv6 = new Uint32Array(asns.length);
    asns.forEach((asn, i) => {
      const [v4, v6] = perAsn.get(asn)!;
      ipv4[i] = v4;
      ipv6[i] = v6;
    });
    return new OriginAsnCounts(asns, ipv4, ipv6);
  }

  /** Number of distinct origin ASes. */
  get size(): number {
    return this.asns.length;
  }

  get byteLength(): number {
    return this.asns.byteLength + this.ipv4.byteLength + this.ipv6.byteLength;
  }

  /** Prefixes originated by `asn`; zeros for an AS that originates none. */
  of(asn: number): OriginCounts {
    let lo = 0;
    let hi = this.asns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.asns[mid]! < asn) lo = mid + 1;
      else hi = mid;
    }
    if (this.asns[lo] !== asn) return { ipv4: 0, ipv6: 0 };
    return { ipv4: this.ipv4[lo]!, ipv6: this.ipv6[lo]! };
  }
}
