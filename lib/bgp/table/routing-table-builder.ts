/**
 * Collects (prefix, origins) entries from a parser and builds a RoutingTable.
 *
 * The same prefix may arrive many times (one RIB entry per peer, one RIS
 * line per origin): entries are merged as they come, so memory grows with
 * distinct prefixes, not with input lines, and different origins for one
 * prefix become one MOAS origin set. Prefixes are keyed so that sorting the
 * keys natively sorts the routes by (network, length): IPv4 as the number
 * net * 64 + length, IPv6 as a 9-code-unit string (eight 16-bit groups, then
 * the length), which String comparison orders the same way. Formats with AS
 * paths (MRT, `bgpdump -m`) also hand over each prefix's RIB entries, which
 * route-paths.ts keeps.
 */

import { hostMaskWord, maskIpv4, parseIpv4, parseIpv6, parsePrefixLength } from '../../net/ip-address.ts';
import { OriginAsnCounts } from './origin-asn-counts.ts';
import { OriginSetInterner } from './origin-sets.ts';
import type { AsPathWords } from './as-path-tree.ts';
import { type PathEntries, RoutePathsBuilder } from './route-paths.ts';
import { Ipv4PrefixIndex, Ipv6PrefixIndex, type SortedRoutes } from '../../net/prefix-index.ts';
import { RoutingTable } from './routing-table.ts';

const CHAR_SLASH = 47;

export class RoutingTableBuilder {
  private readonly ipv4 = new Map<number, number>();
  private readonly ipv6 = new Map<string, number>();
  private readonly origins = new OriginSetInterner();
  private readonly paths = new RoutePathsBuilder();
  private readonly words = new Uint32Array(4);

  get size(): number {
    return this.ipv4.size + this.ipv6.size;
  }

  /** The id of an AS path, for the entries of the prefixes added next. */
  internAsPath(path: AsPathWords): number {
    return this.paths.internPath(path);
  }

  /** Adds an IPv4 prefix, with its RIB entries where the format has them; host bits of `net` are cleared. */
  addIpv4(net: number, length: number, origins: readonly number[], entries?: PathEntries): void {
    const key = maskIpv4(net, length) * 64 + length;
    this.ipv4.set(key, this.merge(this.ipv4.get(key), origins));
    if (entries) this.paths.add(key, entries);
  }

  /** Adds an IPv6 prefix from four 32-bit words at `words[offset]`; host bits are cleared. */
  addIpv6(words: Uint32Array, length: number, origins: readonly number[], offset = 0, entries?: PathEntries): void {
    let key = '';
    for (let k = 0; k < 4; k++) {
      const word = (words[offset + k]! & ~hostMaskWord(length, k)) >>> 0;
      key += String.fromCharCode(word >>> 16, word & 0xffff);
    }
    key += String.fromCharCode(length);
    this.ipv6.set(key, this.merge(this.ipv6.get(key), origins));
    if (entries) this.paths.add(key, entries);
  }

  /**
   * Adds the network `text[start, end)` (an IPv4 or IPv6 address) with a
   * prefix length. Returns false, adding nothing, when either is invalid.
   */
  addNetwork(text: string, start: number, end: number, length: number, origins: readonly number[], entries?: PathEntries): boolean {
    if (!Number.isInteger(length) || length < 0) return false;
    const ipv4 = parseIpv4(text, start, end);
    if (ipv4 >= 0) {
      if (length > 32) return false;
      this.addIpv4(ipv4, length, origins, entries);
      return true;
    }
    if (length > 128 || !parseIpv6(text, this.words, start, end)) return false;
    this.addIpv6(this.words, length, origins, 0, entries);
    return true;
  }

  /** Adds a prefix in CIDR text `text[start, end)`; false when it is not one. */
  addPrefix(text: string, origins: readonly number[], start = 0, end = text.length, entries?: PathEntries): boolean {
    let slash = end - 1;
    while (slash > start && text.charCodeAt(slash) !== CHAR_SLASH) slash--;
    if (slash <= start) return false;
    // addNetwork() holds an IPv4 prefix to 32.
    const length = parsePrefixLength(text, slash + 1, end, 128);
    return length >= 0 && this.addNetwork(text, start, slash, length, origins, entries);
  }

  build(): RoutingTable {
    const originSets = this.origins.freeze();
    const ipv4Keys = Float64Array.from(this.ipv4.keys()).sort();
    const ipv6Keys = [...this.ipv6.keys()].sort();
    const paths = this.paths.build(ipv4Keys, ipv6Keys);
    const ipv4 = Ipv4PrefixIndex.build(this.sortedIpv4(ipv4Keys));
    const ipv6 = Ipv6PrefixIndex.build(this.sortedIpv6(ipv6Keys));
    return new RoutingTable(ipv4, ipv6, originSets, OriginAsnCounts.count(originSets, ipv4.values, ipv6.values), paths);
  }

  private merge(existing: number | undefined, origins: readonly number[]): number {
    const id = this.origins.intern(origins);
    return existing === undefined ? id : this.origins.union(existing, id);
  }

  private sortedIpv4(keys: Float64Array): SortedRoutes {
    const nets = new Uint32Array(keys.length);
    const lengths = new Uint8Array(keys.length);
    const values = new Uint32Array(keys.length);
    keys.forEach((key, i) => {
      nets[i] = Math.floor(key / 64);
      lengths[i] = key % 64;
      values[i] = this.ipv4.get(key)!;
    });
    return { nets, lengths, values };
  }

  private sortedIpv6(keys: readonly string[]): SortedRoutes {
    const nets = new Uint32Array(keys.length * 4);
    const lengths = new Uint8Array(keys.length);
    const values = new Uint32Array(keys.length);
    keys.forEach((key, i) => {
      for (let k = 0; k < 4; k++) nets[i * 4 + k] = ((key.charCodeAt(2 * k) << 16) | key.charCodeAt(2 * k + 1)) >>> 0;
      lengths[i] = key.charCodeAt(8);
      values[i] = this.ipv6.get(key)!;
    });
    return { nets, lengths, values };
  }
}
