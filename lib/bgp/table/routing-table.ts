/**
 * The in-memory BGP routing table: longest-prefix match for addresses and
 * prefixes, more-specific counts and per-AS prefix counts, built once and
 * never changed (a reload builds a new table and swaps it in).
 *
 * Structure: sorted range arrays with a /16 directory, per address family
 * (prefix-index.ts), all in typed arrays.
 *
 *   routes (sorted by network, then length)      ranges (maximal runs of one longest match)
 *   id  net          len parent origin-set         start        route
 *   0   10.0.0.0     8   -1     {64500}            0.0.0.0      -1
 *   1   10.1.0.0     16  0      {64501}            10.0.0.0     0
 *   2   10.1.2.0     24  1      {64502,64503}      10.1.0.0     1
 *                                                  10.1.2.0     2
 *                                                  10.1.3.0     1
 *                                                  10.2.0.0     0
 *                                                  11.0.0.0     -1
 *
 * - Address lookup: the directory entry of the address's top 16 bits bounds
 *   a binary search for the last range starting at or below the address;
 *   its route is the longest match. IPv4 compares single uint32s, IPv6 four
 *   words, without allocating. A full table (~1M IPv4 routes) has ~1.5M
 *   ranges, but a /16 holds at most a few hundred, so a lookup is a few
 *   cache misses, not a pointer chase down a trie.
 * - Prefix lookup: the longest match of the prefix's first address, walked up
 *   the parent chain to the first route no longer than the prefix.
 * - More-specifics of a prefix: routes inside it are contiguous in route
 *   order, so two binary searches count them.
 * - Origins: each route holds the id of an interned origin-AS set
 *   (origin-sets.ts); per-AS counts are a sorted ASN array (origin-asn-counts.ts).
 *
 * Memory is about 13 bytes per route plus 8 (IPv4) or 20 (IPv6) per range:
 * some 40 MB for a full IPv4 and IPv6 table, against hundreds of MB for a
 * binary trie of JS objects. A DIR-24-8 table would answer IPv4 in one or
 * two reads but costs 64 MB for IPv4 alone and does nothing for IPv6.
 *
 * Route handles: the hot-path lookups return a dense integer per route
 * (IPv4 routes first, then IPv6), or NO_ROUTE; `route(handle)` turns one into
 * text and origins.
 */

import { InvalidBgpQueryError } from '../errors.ts';
import {
  IPV4_MAPPED_PREFIX_LENGTH,
  formatIpAddress,
  type IpAddress,
  type IpPrefix,
  ipv4Prefix,
  ipv6Prefix,
  isIpv4Mapped,
  maskIpv4,
  maskIpv6,
  parseIpv4,
  parseIpv6,
  wordsOfBytes,
} from '../../net/ip-address.ts';
import { OriginAsnCounts, type OriginCounts } from './origin-asn-counts.ts';
import { OriginSets } from './origin-sets.ts';
import { Ipv4PrefixIndex, Ipv6PrefixIndex, type PrefixIndexParts } from '../../net/prefix-index.ts';
import type { RoutePathsSeen } from '../bgp-source.ts';
import { RoutePaths, type RoutePathsParts } from './route-paths.ts';

export const NO_ROUTE = -1;

export interface RouteMatch {
  /** The announced prefix, host bits clear. */
  readonly prefix: IpPrefix;
  /** Its origin ASes, ascending: several for MOAS or an AS_SET origin. */
  readonly origins: readonly number[];
  /** Its paths, visibility and upstreams, from a table with AS paths. */
  readonly paths?: RoutePathsSeen;
}

export interface PrefixMatch {
  /** The queried prefix, host bits cleared (IPv4-mapped IPv6 given as IPv4). */
  readonly prefix: IpPrefix;
  /** The longest announced prefix covering all of it, if any (it may be the prefix itself). */
  readonly covering?: RouteMatch;
  /** Announced prefixes strictly inside it. */
  readonly moreSpecifics: number;
}

/**
 * A table as nothing but typed arrays and numbers: what a snapshot stores,
 * and so what the build process hands back to the bot, so that nothing is
 * derived again.
 */
export interface RoutingTableParts {
  readonly ipv4: PrefixIndexParts;
  readonly ipv6: PrefixIndexParts;
  readonly originSets: { readonly offsets: Uint32Array; readonly asns: Uint32Array };
  readonly originCounts: { readonly asns: Uint32Array; readonly ipv4: Uint32Array; readonly ipv6: Uint32Array };
  readonly paths?: RoutePathsParts;
}

export class RoutingTable {
  /** Scratch for IPv6 parsing: the lookup path allocates nothing. */
  private readonly words = new Uint32Array(4);

  constructor(
    private readonly ipv4: Ipv4PrefixIndex,
    private readonly ipv6: Ipv6PrefixIndex,
    private readonly originSets: OriginSets,
    private readonly originCounts: OriginAsnCounts,
    /** From formats with AS paths (MRT, `bgpdump -m`). */
    readonly paths?: RoutePaths,
  ) {}

  static fromParts(parts: RoutingTableParts): RoutingTable {
    const { originSets: sets, originCounts: counts } = parts;
    return new RoutingTable(
      Ipv4PrefixIndex.fromParts(parts.ipv4),
      Ipv6PrefixIndex.fromParts(parts.ipv6),
      new OriginSets(sets.offsets, sets.asns),
      new OriginAsnCounts(counts.asns, counts.ipv4, counts.ipv6),
      parts.paths && RoutePaths.fromParts(parts.paths),
    );
  }

  parts(): RoutingTableParts {
    const { offsets, asns } = this.originSets;
    const counts = this.originCounts;
    return {
      ipv4: this.ipv4.parts(),
      ipv6: this.ipv6.parts(),
      originSets: { offsets, asns },
      originCounts: { asns: counts.asns, ipv4: counts.ipv4, ipv6: counts.ipv6 },
      ...(this.paths && { paths: this.paths.parts() }),
    };
  }

  get ipv4Prefixes(): number {
    return this.ipv4.size;
  }

  get ipv6Prefixes(): number {
    return this.ipv6.size;
  }

  /** Number of distinct ASes originating at least one prefix. */
  get originAsns(): number {
    return this.originCounts.size;
  }

  /** Bytes held in typed arrays: nearly all of the table's memory. */
  get byteLength(): number {
    return this.ipv4.byteLength + this.ipv6.byteLength + this.originSets.byteLength + this.originCounts.byteLength + (this.paths?.byteLength ?? 0);
  }

  /** Handle of the longest match for an IPv4 address given as uint32, or NO_ROUTE. */
  lookupIpv4(address: number): number {
    return this.ipv4.lookup(address);
  }

  /** Handle of the longest match for the IPv6 address a0:a1:a2:a3 (32-bit words), or NO_ROUTE. */
  lookupIpv6(a0: number, a1: number, a2: number, a3: number): number {
    const route = this.ipv6.lookup(a0, a1, a2, a3);
    return route < 0 ? NO_ROUTE : this.ipv4.size + route;
  }

  /**
   * Handle of the longest match for an address in text, or NO_ROUTE. An
   * IPv4-mapped IPv6 address is looked up as the IPv4 address it carries.
   * Throws InvalidBgpQueryError when the text is not an IP address.
   */
  lookupAddress(text: string): number {
    const ipv4 = parseIpv4(text);
    if (ipv4 >= 0) return this.ipv4.lookup(ipv4);
    const w = this.words;
    if (!parseIpv6(text, w)) throw new InvalidBgpQueryError(`not an IP address: ${text}`);
    return this.lookupIpv6Words(w);
  }

  /** An IPv4-mapped address is looked up as the IPv4 address it carries. */
  private lookupIpv6Words(w: Uint32Array): number {
    if (isIpv4Mapped(w)) return this.ipv4.lookup(w[3]!);
    return this.lookupIpv6(w[0]!, w[1]!, w[2]!, w[3]!);
  }

  matchAddress(text: string): RouteMatch | undefined {
    const handle = this.lookupAddress(text);
    return handle === NO_ROUTE ? undefined : this.route(handle);
  }

  /** The longest match for an address the question parser has read already: no text made and parsed again. */
  matchIpAddress(address: IpAddress): RouteMatch | undefined {
    const w = wordsOf(address);
    const handle = w.length === 1 ? this.ipv4.lookup(w[0]!) : this.lookupIpv6Words(w);
    return handle === NO_ROUTE ? undefined : this.route(handle);
  }

  /** The prefix, origins and (where the table has them) paths of a route handle. */
  route(handle: number): RouteMatch {
    const ipv6 = handle >= this.ipv4.size;
    const id = ipv6 ? handle - this.ipv4.size : handle;
    const prefix = ipv6 ? ipv6Prefix(this.ipv6.nets, id * 4, this.ipv6.lengths[id]!) : ipv4Prefix(this.ipv4.nets[id]!, this.ipv4.lengths[id]!);
    const origins = this.originSets.members((ipv6 ? this.ipv6 : this.ipv4).values[id]!);
    return this.paths ? { prefix, origins, paths: this.paths.seen(id, ipv6) } : { prefix, origins };
  }

  /**
   * The longest announced prefix covering `address`/`length` and the number
   * of announced prefixes inside it. Host bits of `address` are ignored.
   * Throws InvalidBgpQueryError for a bad address or length.
   */
  matchPrefix(address: string, length: number): PrefixMatch {
    const ipv4 = parseIpv4(address);
    if (ipv4 >= 0) return this.matchIpv4Prefix(ipv4, checkLength(length, 32, address));
    const w = new Uint32Array(4);
    if (!parseIpv6(address, w)) throw new InvalidBgpQueryError(`not an IP address: ${address}`);
    return this.matchIpv6Prefix(w, length, address);
  }

  /** matchPrefix for a prefix the question parser has read already. */
  matchIpPrefix(address: IpAddress, length: number): PrefixMatch {
    const w = wordsOf(address);
    if (w.length === 1) return this.matchIpv4Prefix(w[0]!, checkLength(length, 32, formatIpAddress(address)));
    return this.matchIpv6Prefix(w, length, formatIpAddress(address));
  }

  private matchIpv6Prefix(w: Uint32Array, length: number, address: string): PrefixMatch {
    checkLength(length, 128, address);
    if (isIpv4Mapped(w) && length >= IPV4_MAPPED_PREFIX_LENGTH) {
      return this.matchIpv4Prefix(w[3]!, length - IPV4_MAPPED_PREFIX_LENGTH);
    }
    maskIpv6(w, length);
    const covering = this.ipv6.covering(w, length);
    return {
      prefix: ipv6Prefix(w, 0, length),
      covering: covering >= 0 ? this.route(this.ipv4.size + covering) : undefined,
      moreSpecifics: this.ipv6.countMoreSpecifics(w, length),
    };
  }

  /** Prefixes originated by `asn` (a MOAS prefix counts for each origin). */
  originatedBy(asn: number): OriginCounts {
    return this.originCounts.of(asn);
  }

  private matchIpv4Prefix(address: number, length: number): PrefixMatch {
    const net = Uint32Array.of(maskIpv4(address, length));
    const covering = this.ipv4.covering(net, length);
    return {
      prefix: ipv4Prefix(net[0]!, length),
      covering: covering >= 0 ? this.route(covering) : undefined,
      moreSpecifics: this.ipv4.countMoreSpecifics(net, length),
    };
  }
}

/** The words of a parsed address; one with the wrong number of bytes for its version is no address. */
export function wordsOf(address: IpAddress): Uint32Array {
  if (address.bytes.length !== (address.version === 4 ? 4 : 16))
    throw new InvalidBgpQueryError(`not an IPv${address.version} address: ${address.bytes.length} bytes`);
  return wordsOfBytes(address.bytes);
}

function checkLength(length: number, max: number, address: string): number {
  if (!Number.isInteger(length) || length < 0 || length > max) {
    throw new InvalidBgpQueryError(`bad prefix length for ${address}: ${length}`);
  }
  return length;
}
