/**
 * Collects (prefix, origins) entries from a parser and builds a RoutingTable.
 *
 * The same prefix may arrive many times (one RIB entry per peer, one RIS
 * line per origin): entries of one prefix that come one after the other are
 * merged as they come (different origins become one MOAS origin set), and
 * the prefix becomes one row of typed arrays: network, length, origin set
 * and, from formats with AS paths (MRT, `bgpdump -m`), the id of its path
 * list (route-paths.ts). So memory grows with distinct prefixes, not with
 * input lines, and no Map or string is made per prefix. At build, the rows
 * are sorted by (network, length) (prefix-order.ts) and a prefix that came
 * back later is merged with its earlier row.
 */

import { hostMaskWord, maskIpv4, parseIpv4, parseIpv6, parsePrefixLength } from '../../net/ip-address.ts';
import { Ipv4PrefixIndex, Ipv6PrefixIndex, type SortedRoutes } from '../../net/prefix-index.ts';
import type { AsPathWords } from './as-path-tree.ts';
import { grown } from './interned-sequences.ts';
import { OriginAsnCounts } from './origin-asn-counts.ts';
import { OriginSetInterner } from './origin-sets.ts';
import { prefixOrder } from './prefix-order.ts';
import { NO_LIST, PathEntries, RoutePathsBuilder } from './route-paths.ts';
import { RoutingTable } from './routing-table.ts';

const CHAR_SLASH = 47;
const NO_PENDING = -1;

/** The prefixes of one address family, a row each, in the order they came. */
class PrefixRows {
  nets: Uint32Array;
  lengths = new Uint8Array(1024);
  origins = new Uint32Array(1024);
  lists = new Uint32Array(1024);
  count = 0;

  constructor(readonly wordsPerNet: 1 | 4) {
    this.nets = new Uint32Array(1024 * wordsPerNet);
  }

  /** Appends a row; its network is `words[offset ..]`. */
  add(words: ArrayLike<number>, offset: number, length: number, origins: number, list: number): void {
    const row = this.count++;
    if (row === this.lengths.length) {
      const lengths = new Uint8Array(2 * row);
      lengths.set(this.lengths);
      this.lengths = lengths;
      this.origins = grown(this.origins, row + 1);
      this.lists = grown(this.lists, row + 1);
      this.nets = grown(this.nets, (row + 1) * this.wordsPerNet);
    }
    for (let k = 0; k < this.wordsPerNet; k++) this.nets[row * this.wordsPerNet + k] = words[offset + k]!;
    this.lengths[row] = length;
    this.origins[row] = origins;
    this.lists[row] = list;
  }

  sameAs(row: number, words: ArrayLike<number>, offset: number, length: number): boolean {
    if (this.lengths[row] !== length) return false;
    for (let k = 0; k < this.wordsPerNet; k++) if (this.nets[row * this.wordsPerNet + k] !== words[offset + k]) return false;
    return true;
  }
}

export class RoutingTableBuilder {
  private readonly ipv4 = new PrefixRows(1);
  private readonly ipv6 = new PrefixRows(4);
  private readonly origins = new OriginSetInterner();
  private readonly paths = new RoutePathsBuilder();
  private readonly words = new Uint32Array(4);
  /** Scratch for an IPv6 network parsed from text. */
  private readonly parsedWords = new Uint32Array(4);
  /** The prefix being added: the last row of its family, whose entries are still coming. */
  private pendingRows: PrefixRows = this.ipv4;
  private pendingRow = NO_PENDING;
  private readonly pendingEntries = new PathEntries();

  get size(): number {
    return this.ipv4.count + this.ipv6.count;
  }

  /** The id of an AS path that peer `peer` carries, for the entries of the prefixes added next. */
  internAsPath(path: AsPathWords, peer: number): number {
    return this.paths.internPath(path, peer);
  }

  /** Adds an IPv4 prefix, with its RIB entries where the format has them; host bits of `net` are cleared. */
  addIpv4(net: number, length: number, origins: readonly number[], entries?: PathEntries): void {
    this.words[0] = maskIpv4(net, length);
    this.add(this.ipv4, this.words, 0, length, origins, entries);
  }

  /** Adds an IPv6 prefix from four 32-bit words at `words[offset]`; host bits are cleared. */
  addIpv6(words: Uint32Array, length: number, origins: readonly number[], offset = 0, entries?: PathEntries): void {
    for (let k = 0; k < 4; k++) this.words[k] = (words[offset + k]! & ~hostMaskWord(length, k)) >>> 0;
    this.add(this.ipv6, this.words, 0, length, origins, entries);
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
    if (length > 128 || !parseIpv6(text, this.parsedWords, start, end)) return false;
    this.addIpv6(this.parsedWords, length, origins, 0, entries);
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
    this.flush();
    const ipv4 = this.sorted(this.ipv4);
    const ipv6 = this.sorted(this.ipv6);
    const paths = ipv4.hasLists || ipv6.hasLists ? this.paths.build(ipv4.lists, ipv6.lists) : undefined;
    const originSets = this.origins.freeze();
    const ipv4Index = Ipv4PrefixIndex.build(ipv4.routes);
    const ipv6Index = Ipv6PrefixIndex.build(ipv6.routes);
    return new RoutingTable(ipv4Index, ipv6Index, originSets, OriginAsnCounts.count(originSets, ipv4Index.values, ipv6Index.values), paths);
  }

  private add(rows: PrefixRows, words: Uint32Array, offset: number, length: number, origins: readonly number[], entries: PathEntries | undefined): void {
    const originSet = this.origins.intern(origins);
    if (this.pendingRows === rows && this.pendingRow !== NO_PENDING && rows.sameAs(this.pendingRow, words, offset, length)) {
      rows.origins[this.pendingRow] = this.origins.union(rows.origins[this.pendingRow]!, originSet);
    } else {
      this.flush();
      rows.add(words, offset, length, originSet, NO_LIST);
      this.pendingRows = rows;
      this.pendingRow = rows.count - 1;
    }
    if (entries) for (let i = 0; i < entries.length; i++) this.pendingEntries.add(entries.paths[i]!, entries.peers[i]!);
  }

  /** The pending prefix's entries become its path list. */
  private flush(): void {
    if (this.pendingRow === NO_PENDING || this.pendingEntries.length === 0) return;
    this.pendingRows.lists[this.pendingRow] = this.paths.list(this.pendingEntries, this.pendingRows === this.ipv6);
    this.pendingEntries.clear();
  }

  /** The rows of a family in route order, a prefix that came several times merged into one. */
  private sorted(rows: PrefixRows): { routes: SortedRoutes; lists: Uint32Array; hasLists: boolean } {
    const order = prefixOrder(rows.nets, rows.wordsPerNet, rows.lengths, rows.count);
    const w = rows.wordsPerNet;
    let count = 0;
    for (let i = 0; i < order.length; i++) {
      if (i === 0 || !rows.sameAs(order[i - 1]!, rows.nets, order[i]! * w, rows.lengths[order[i]!]!)) count++;
    }
    const nets = new Uint32Array(count * w);
    const lengths = new Uint8Array(count);
    const values = new Uint32Array(count);
    const lists = new Uint32Array(count);
    let hasLists = false;
    let route = -1;
    for (let i = 0; i < order.length; i++) {
      const row = order[i]!;
      const list = rows.lists[row]!;
      hasLists ||= list !== NO_LIST;
      if (i > 0 && rows.sameAs(order[i - 1]!, rows.nets, row * w, rows.lengths[row]!)) {
        values[route] = this.origins.union(values[route]!, rows.origins[row]!);
        lists[route] = lists[route] === NO_LIST ? list : list === NO_LIST ? lists[route]! : this.paths.merge(lists[route]!, list);
        continue;
      }
      route++;
      for (let k = 0; k < w; k++) nets[route * w + k] = rows.nets[row * w + k]!;
      lengths[route] = rows.lengths[row]!;
      values[route] = rows.origins[row]!;
      lists[route] = list;
    }
    return { routes: { nets, lengths, values }, lists, hasLists };
  }
}
