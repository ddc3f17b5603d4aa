/**
 * A set of validated ROA payloads in memory, indexed for route origin
 * validation (RFC 6811), built once and never changed (a reload builds a new
 * set and swaps it in).
 *
 * The distinct VRP prefixes of each address family are a PrefixIndex, the
 * structure the routing table uses (prefix-index.ts): sorted prefixes with
 * their parents and a /16 directory over the ranges of longest match. The
 * VRPs of prefix r, sorted by ASN, are entries values[r] up to values[r + 1]
 * of three typed arrays (ASN, maxLength, trust-anchor id).
 *
 * The VRPs covering a route are those of its covering prefix and of that
 * prefix's parents: one directory-bounded binary search finds the longest,
 * the parent chain (at most a few steps in real data) the others. A check
 * reads a handful of array cells and allocates only its answer.
 *
 * Memory is about 13 bytes per IPv4 prefix plus 8 per range, 25 per IPv6
 * prefix plus 20 per range, and 6 per VRP: some 30 MB for today's 800,000.
 */

import { InvalidBgpQueryError } from '../errors.ts';
import { Ipv4PrefixIndex, Ipv6PrefixIndex, type PrefixIndex, type PrefixIndexParts } from '../../net/prefix-index.ts';
import { wordsOf } from '../table/routing-table.ts';
import { type IpAddress, ipv4Prefix, ipv6Prefix, maskIpv4, maskIpv6 } from '../../net/ip-address.ts';
import type { RouteValidity, Vrp } from './rpki-source.ts';

/** The VRPs of one family's prefixes, in prefix order: the index's values are where each prefix's start. */
export interface VrpEntries {
  readonly asns: Uint32Array;
  readonly maxLengths: Uint8Array;
  /** Ids into the set's trust-anchor names. */
  readonly trustAnchors: Uint8Array;
}

interface VrpFamily {
  readonly prefixes: PrefixIndex;
  readonly entries: VrpEntries;
}

/** A set as nothing but typed arrays and the trust anchors' names, for its snapshot (see RoutingTableParts). */
export interface VrpSetParts {
  readonly ipv4: { readonly prefixes: PrefixIndexParts; readonly entries: VrpEntries };
  readonly ipv6: { readonly prefixes: PrefixIndexParts; readonly entries: VrpEntries };
  readonly trustAnchorNames: readonly string[];
}

export class VrpSet {
  private readonly ipv4: VrpFamily;
  private readonly ipv6: VrpFamily;

  constructor(
    ipv4: { prefixes: Ipv4PrefixIndex; entries: VrpEntries },
    ipv6: { prefixes: Ipv6PrefixIndex; entries: VrpEntries },
    private readonly trustAnchorNames: readonly string[],
  ) {
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
  }

  static fromParts({ ipv4, ipv6, trustAnchorNames }: VrpSetParts): VrpSet {
    return new VrpSet(
      { prefixes: Ipv4PrefixIndex.fromParts(ipv4.prefixes), entries: ipv4.entries },
      { prefixes: Ipv6PrefixIndex.fromParts(ipv6.prefixes), entries: ipv6.entries },
      trustAnchorNames,
    );
  }

  parts(): VrpSetParts {
    const family = ({ prefixes, entries }: VrpFamily) => ({ prefixes: prefixes.parts(), entries });
    return { ipv4: family(this.ipv4), ipv6: family(this.ipv6), trustAnchorNames: this.trustAnchorNames };
  }

  get ipv4Vrps(): number {
    return this.ipv4.entries.asns.length;
  }

  get ipv6Vrps(): number {
    return this.ipv6.entries.asns.length;
  }

  /** Bytes held in typed arrays: nearly all of the set's memory. */
  get byteLength(): number {
    return [this.ipv4, this.ipv6].reduce(
      (sum, { prefixes, entries }) => sum + prefixes.byteLength + entries.asns.byteLength + entries.maxLengths.byteLength + entries.trustAnchors.byteLength,
      0,
    );
  }

  /**
   * The RFC 6811 state of the route `prefix`/`length` originated by `origin`.
   * Host bits of `prefix` are ignored. Throws InvalidBgpQueryError for a bad
   * address or length.
   */
  validate(prefix: IpAddress, length: number, origin: number): RouteValidity {
    return this.validateOrigins(prefix, length, [origin])[0]!;
  }

  /**
   * validate() for each of `origins`, in their order: the route's covering
   * prefix is looked up once for all of them, and the VRPs listed for an
   * invalid origin are gathered once and shared.
   */
  validateOrigins(prefix: IpAddress, length: number, origins: readonly number[]): RouteValidity[] {
    if (origins.length === 0) return [];
    const words = wordsOf(prefix);
    if (!Number.isInteger(length) || length < 0 || length > 32 * words.length)
      throw new InvalidBgpQueryError(`bad prefix length for an IPv${prefix.version} route: ${length}`);
    if (words.length === 1) words[0] = maskIpv4(words[0]!, length);
    else maskIpv6(words, length);
    const family = words.length === 1 ? this.ipv4 : this.ipv6;
    const longest = family.prefixes.covering(words, length);
    let covering: Vrp[] | undefined;
    return origins.map((origin): RouteValidity => {
      if (longest < 0) return { origin, state: 'not-found' };
      const found = this.originVrp(family, longest, length, origin);
      if (found !== undefined) return found;
      covering ??= this.coveringVrps(family, longest);
      return { origin, state: 'invalid', reason: 'origin', covering };
    });
  }

  /** The state `origin`'s own VRPs covering the route give it (valid, or invalid by length); undefined when it has none. */
  private originVrp(family: VrpFamily, longest: number, length: number, origin: number): RouteValidity | undefined {
    const { prefixes } = family;
    const { asns, maxLengths } = family.entries;
    // The origin's VRP reaching furthest, should none reach the route's length.
    let tooShort = -1;
    let tooShortPrefix = -1;
    for (let r = longest; r >= 0; r = prefixes.parentOf(r)) {
      for (let e = prefixes.values[r]!, end = this.entriesEnd(family, r); e < end; e++) {
        // AS 0 is never a route's valid origin (RFC 6483 §4), so an AS0 VRP matches nothing.
        if (asns[e] !== origin || origin === 0) continue;
        if (maxLengths[e]! >= length) return { origin, state: 'valid', vrp: this.vrp(family, r, e) };
        if (tooShort < 0 || maxLengths[e]! > maxLengths[tooShort]!) {
          tooShort = e;
          tooShortPrefix = r;
        }
      }
    }
    return tooShort < 0 ? undefined : { origin, state: 'invalid', reason: 'length', vrp: this.vrp(family, tooShortPrefix, tooShort) };
  }

  private coveringVrps(family: VrpFamily, longest: number): Vrp[] {
    const { prefixes } = family;
    const covering: Vrp[] = [];
    for (let r = longest; r >= 0; r = prefixes.parentOf(r)) {
      for (let e = prefixes.values[r]!, end = this.entriesEnd(family, r); e < end; e++) covering.push(this.vrp(family, r, e));
    }
    return covering;
  }

  private entriesEnd({ prefixes, entries }: VrpFamily, prefix: number): number {
    return prefix + 1 < prefixes.size ? prefixes.values[prefix + 1]! : entries.asns.length;
  }

  private vrp({ prefixes, entries }: VrpFamily, prefix: number, entry: number): Vrp {
    const length = prefixes.lengths[prefix]!;
    const network = prefixes.words === 1 ? ipv4Prefix(prefixes.nets[prefix]!, length) : ipv6Prefix(prefixes.nets, prefix * 4, length);
    const ta = this.trustAnchorNames[entries.trustAnchors[entry]!];
    const vrp: Vrp = { prefix: network, maxLength: entries.maxLengths[entry]!, asn: entries.asns[entry]! };
    return ta ? { prefix: vrp.prefix, maxLength: vrp.maxLength, asn: vrp.asn, ta } : vrp;
  }
}
