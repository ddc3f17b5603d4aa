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

import { collectGarbage } from '../../datafile/collect-garbage.ts';
import { hostMaskWord, maskIpv4, parseIpv4, parseIpv6, parsePrefixLength } from '../../net/ip-address.ts';
import { Ipv4PrefixIndex, Ipv6PrefixIndex, type SortedRoutes } from '../../net/prefix-index.ts';
import type { AsPathWords } from './as-path-tree.ts';
import { grown, type SequencesParts } from './interned-sequences.ts';
import { OriginAsnCounts } from './origin-asn-counts.ts';
import { OriginSetInterner } from './origin-sets.ts';
import { prefixOrder } from './prefix-order.ts';
import { NO_LIST, PathEntries, RoutePathsBuilder, type RoutePathsBuilderParts } from './route-paths.ts';
import { RoutingTable } from './routing-table.ts';

const CHAR_SLASH = 47;
const NO_PENDING = -1;
const NO_ROW = -2;

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

  /** The rows as they are, for the builder of another partition of the file to absorb. */
  parts(): PrefixRowsParts {
    const { count } = this;
    return {
      nets: this.nets.subarray(0, count * this.wordsPerNet),
      lengths: this.lengths.subarray(0, count),
      origins: this.origins.subarray(0, count),
      lists: this.lists.subarray(0, count),
    };
  }

  sameAs(row: number, words: ArrayLike<number>, offset: number, length: number): boolean {
    if (this.lengths[row] !== length) return false;
    for (let k = 0; k < this.wordsPerNet; k++) if (this.nets[row * this.wordsPerNet + k] !== words[offset + k]) return false;
    return true;
  }
}

interface PrefixRowsParts {
  readonly nets: Uint32Array;
  readonly lengths: Uint8Array;
  readonly origins: Uint32Array;
  readonly lists: Uint32Array;
}

/** What a builder that read one partition of a file hands over to the one that absorbs it: typed arrays, which cross threads. */
export interface RoutingTableBuilderParts {
  readonly ipv4: PrefixRowsParts;
  readonly ipv6: PrefixRowsParts;
  readonly origins: SequencesParts;
  readonly paths: RoutePathsBuilderParts;
}

export class RoutingTableBuilder {
  private ipv4 = new PrefixRows(1);
  private ipv6 = new PrefixRows(4);
  private readonly origins = new OriginSetInterner();
  private readonly paths: RoutePathsBuilder;
  private readonly words = new Uint32Array(4);
  /** Scratch for an IPv6 network parsed from text. */
  private readonly parsedWords = new Uint32Array(4);
  /**
   * The prefix being added, whose entries may still come (in the next
   * record): its family, network and length, and its row, the last of its
   * family; NO_ROW while all its entries were read by other partitions.
   */
  private pendingRows: PrefixRows = this.ipv4;
  private readonly pendingNet = new Uint32Array(4);
  private pendingLength = -1;
  private pendingRow = NO_PENDING;
  private readonly pendingEntries = new PathEntries();

  /**
   * `partition`: this builder reads that partition of an MRT file, one of
   * several builders (partitioned-read.ts) joined by `absorb`.
   */
  constructor(options: { readonly partition?: number } = {}) {
    this.paths = new RoutePathsBuilder(options);
  }

  get size(): number {
    return this.ipv4.count + this.ipv6.count;
  }

  /** The id of an AS path that peer `peer` carries, for the entries of the prefixes added next. */
  internAsPath(path: AsPathWords, peer: number, hintsTried = false, ordinal = 0): number {
    return this.paths.internPath(path, peer, hintsTried, ordinal);
  }

  /** The id of an AS path given as one AS_SEQUENCE of 4-byte ASNs in `data[start, end)`, if `peer` carried it lately to its origin; else -1. */
  hintedAsSequence(data: Uint8Array, start: number, end: number, peer: number): number {
    return this.paths.hintedSequence(data, start, end, peer);
  }

  /**
   * Adds an IPv4 prefix, with its RIB entries where the format has them;
   * host bits of `net` are cleared. No origins: all its entries are other
   * partitions' (their peers are in `entries`, for its visibility).
   */
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

  /** What this builder read, for the builder of partition 0 to absorb; this one is done. */
  parts(): RoutingTableBuilderParts {
    this.flush();
    return { ipv4: this.ipv4.parts(), ipv6: this.ipv6.parts(), origins: this.origins.parts(), paths: this.paths.parts() };
  }

  /**
   * Adds what the builders of the other partitions of the same file read
   * (an MRT RIB read by several threads, each interning the paths of its own
   * origins), as if this builder had read it all; a prefix several have
   * becomes one route at build, as a prefix that came back does. Nothing more
   * is added after.
   */
  absorb(others: readonly RoutingTableBuilderParts[]): void {
    this.flush();
    const listIds = this.paths.absorb(others.map((part) => part.paths));
    others.forEach((part, p) => {
      const originIds = this.origins.absorb(part.origins);
      for (const [rows, from] of [
        [this.ipv4, part.ipv4],
        [this.ipv6, part.ipv6],
      ] as const) {
        for (let row = 0; row < from.lengths.length; row++) {
          const list = from.lists[row]!;
          rows.add(from.nets, row * rows.wordsPerNet, from.lengths[row]!, originIds[from.origins[row]!]!, list === NO_LIST ? NO_LIST : listIds[p]![list]!);
        }
      }
    });
  }

  build(): RoutingTable {
    this.flush();
    // The arrays outgrown while reading go before the frozen ones are made: the peak of a load.
    collectGarbage();
    const ipv4 = this.sorted(this.ipv4);
    const ipv6 = this.sorted(this.ipv6);
    // The rows as they came go before the paths and the index are built: the builder is done.
    this.ipv4 = new PrefixRows(1);
    this.ipv6 = new PrefixRows(4);
    const paths = ipv4.hasLists || ipv6.hasLists ? this.paths.build(ipv4.lists, ipv6.lists) : undefined;
    const originSets = this.origins.freeze(ipv4.routes.values, ipv6.routes.values);
    const ipv4Index = Ipv4PrefixIndex.build(ipv4.routes);
    const ipv6Index = Ipv6PrefixIndex.build(ipv6.routes);
    return new RoutingTable(ipv4Index, ipv6Index, originSets, OriginAsnCounts.count(originSets, ipv4Index.values, ipv6Index.values), paths);
  }

  /** `origins` empty: all the entries are other partitions' (their peers count for visibility). */
  private add(rows: PrefixRows, words: Uint32Array, offset: number, length: number, origins: readonly number[], entries: PathEntries | undefined): void {
    if (!this.isPending(rows, words, offset, length)) {
      this.flush();
      this.pendingRows = rows;
      for (let k = 0; k < rows.wordsPerNet; k++) this.pendingNet[k] = words[offset + k]!;
      this.pendingLength = length;
      this.pendingRow = NO_ROW;
    }
    if (origins.length > 0) {
      const originSet = this.origins.intern(origins);
      if (this.pendingRow !== NO_ROW) rows.origins[this.pendingRow] = this.origins.union(rows.origins[this.pendingRow]!, originSet);
      else {
        rows.add(words, offset, length, originSet, NO_LIST);
        this.pendingRow = rows.count - 1;
      }
    }
    if (entries) this.pendingEntries.append(entries);
  }

  private isPending(rows: PrefixRows, words: Uint32Array, offset: number, length: number): boolean {
    if (this.pendingRow === NO_PENDING || this.pendingRows !== rows || this.pendingLength !== length) return false;
    for (let k = 0; k < rows.wordsPerNet; k++) if (this.pendingNet[k] !== words[offset + k]) return false;
    return true;
  }

  /** The pending prefix's entries become its path list; the next prefix added is a new one. */
  private flush(): void {
    if (this.pendingRow >= 0 && this.pendingEntries.length > 0) {
      this.pendingRows.lists[this.pendingRow] = this.paths.list(this.pendingEntries, this.pendingRows === this.ipv6);
    }
    this.pendingEntries.clear();
    this.pendingRow = NO_PENDING;
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
