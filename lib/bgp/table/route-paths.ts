/**
 * What a looking glass shows of a route beyond its origin, kept from MRT RIBs
 * and `bgpdump -m` output: which AS paths the dump's peers carry it by, how
 * many peers carry it, and so the upstreams of its origin.
 *
 * Stored in three layers:
 * - the distinct AS paths, prepends collapsed and confederation segments
 *   dropped, as a tree of shared tails (as-path-tree.ts);
 * - a route's path list, interned (interned-sequences.ts): [peers that
 *   carry it, then each distinct path, most seen first: its id, and when
 *   more than one entry has it, the id with COUNT_FOLLOWS set and the count
 *   after it]. Without ADD-PATH a peer gives one path, so most paths of a
 *   route are seen once and cost one word. Prefixes of one origin usually
 *   reach every peer by the same paths, so lists are shared too;
 * - per route, the id of its list (per family, in route order).
 */

import { AsPathTree, AsPathTreeBuilder, type AsPathTreeBuilderParts, type AsPathWords } from './as-path-tree.ts';
import type { RoutePathsSeen } from '../bgp-source.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import { grown, InternedSequences, SequenceInterner, type SequencesParts } from './interned-sequences.ts';

/** Peers are numbered as the MRT PEER_INDEX_TABLE does, in 16 bits. */
export const MAX_PEERS = 0x10000;
/** In a path list, on a path id (below 2^31, as hop ids are): the word after it is how many entries have the path. */
const COUNT_FOLLOWS = 0x80000000;
const PATH_MASK = 0x7fffffff;

/** Calls `visit` with each path of a list and how many entries have it. */
function forEachPath(list: Uint32Array, visit: (path: number, entries: number) => void): void {
  for (let k = 1; k < list.length; k++) {
    const word = list[k]!;
    if (word & COUNT_FOLLOWS) visit(word & PATH_MASK, list[++k]!);
    else visit(word, 1);
  }
}

/** No partition: of a whole file's builder, or before any entry read elsewhere. */
const NO_PARTITION = 0xffff;

/**
 * The RIB entries a parser read for one prefix: the path id and peer of
 * each, in typed arrays reused from prefix to prefix; and, when several
 * threads read partitions of the file, the peers of the prefix's entries
 * that other partitions read, which count for its visibility all the same.
 */
export class PathEntries {
  paths = new Uint32Array(64);
  peers = new Uint32Array(64);
  length = 0;
  elsewherePeers = new Uint32Array(64);
  elsewhereCount = 0;
  /** The lowest partition that read one of the entries elsewhere. */
  lowestElsewhere = NO_PARTITION;

  clear(): void {
    this.length = 0;
    this.elsewhereCount = 0;
    this.lowestElsewhere = NO_PARTITION;
  }

  add(path: number, peer: number): void {
    if (peer >= MAX_PEERS) throw new DataFormatError(`more than ${MAX_PEERS} peers`);
    if (this.length === this.paths.length) {
      this.paths = grown(this.paths, this.length + 1);
      this.peers = grown(this.peers, this.length + 1);
    }
    this.paths[this.length] = path;
    this.peers[this.length++] = peer;
  }

  /** An entry of `peer` that partition `partition` reads. */
  addElsewhere(peer: number, partition: number): void {
    if (this.elsewhereCount === this.elsewherePeers.length) this.elsewherePeers = grown(this.elsewherePeers, this.elsewhereCount + 1);
    this.elsewherePeers[this.elsewhereCount++] = peer;
    this.lowestElsewhere = Math.min(this.lowestElsewhere, partition);
  }

  /** Adds the entries of `other`, of the same prefix. */
  append(other: PathEntries): void {
    for (let i = 0; i < other.length; i++) this.add(other.paths[i]!, other.peers[i]!);
    for (let i = 0; i < other.elsewhereCount; i++) this.addElsewhere(other.elsewherePeers[i]!, other.lowestElsewhere);
  }
}

/** The arrays and counts of a RoutePaths (see RoutingTableParts). */
export interface RoutePathsParts {
  readonly pathNodes: Uint32Array;
  readonly setOffsets: Uint32Array;
  readonly setWords: Uint32Array;
  readonly pathCount: number;
  readonly listOffsets: Uint32Array;
  readonly listWords: Uint32Array;
  readonly ipv4Lists: Uint32Array;
  readonly ipv6Lists: Uint32Array;
  readonly ipv4Peers: number;
  readonly ipv6Peers: number;
}

/** Frozen path data of a table. */
export class RoutePaths {
  constructor(
    readonly paths: AsPathTree,
    /** Distinct paths: the tree also holds the tails that are no path of their own. */
    readonly pathCount: number,
    readonly lists: InternedSequences,
    /** The path list of each IPv4 route, in route order. */
    readonly ipv4Lists: Uint32Array,
    readonly ipv6Lists: Uint32Array,
    /** Peers that carry at least one route of the family: the “of N peers”. */
    readonly ipv4Peers: number,
    readonly ipv6Peers: number,
  ) {}

  static fromParts(p: RoutePathsParts): RoutePaths {
    const paths = new AsPathTree(p.pathNodes, new InternedSequences(p.setOffsets, p.setWords));
    const lists = new InternedSequences(p.listOffsets, p.listWords);
    return new RoutePaths(paths, p.pathCount, lists, p.ipv4Lists, p.ipv6Lists, p.ipv4Peers, p.ipv6Peers);
  }

  parts(): RoutePathsParts {
    const { paths, pathCount, lists, ipv4Lists, ipv6Lists, ipv4Peers, ipv6Peers } = this;
    return {
      pathNodes: paths.nodes,
      setOffsets: paths.sets.offsets,
      setWords: paths.sets.words,
      pathCount,
      listOffsets: lists.offsets,
      listWords: lists.words,
      ipv4Lists,
      ipv6Lists,
      ipv4Peers,
      ipv6Peers,
    };
  }

  get byteLength(): number {
    return this.paths.byteLength + this.lists.byteLength + this.ipv4Lists.byteLength + this.ipv6Lists.byteLength;
  }

  /** What the dump says of IPv4 route `route` (or IPv6 route, `ipv6`). */
  seen(route: number, ipv6: boolean): RoutePathsSeen {
    const list = this.lists.of((ipv6 ? this.ipv6Lists : this.ipv4Lists)[route]!);
    const peers = ipv6 ? this.ipv6Peers : this.ipv4Peers;
    const paths: RoutePathsSeen['paths'][number][] = [];
    const upstreams = new Map<number, number>();
    forEachPath(list, (path, entries) => {
      const hops = this.paths.hops(path);
      paths.push({ hops, entries });
      const upstream = hops.at(-2);
      if (typeof upstream === 'number') upstreams.set(upstream, (upstreams.get(upstream) ?? 0) + entries);
    });
    return {
      // A prefix merged from records far apart may have counted a peer twice.
      visibility: { seenBy: Math.min(list[0]!, peers), peers },
      paths,
      upstreams: [...upstreams].map(([asn, entries]) => ({ asn, entries })).sort((a, b) => b.entries - a.entries || a.asn - b.asn),
    };
  }
}

/**
 * Interns the path lists of prefixes while a table is built: the routing
 * table builder hands over each prefix's entries once it has them all (a RIB
 * dump gives them together: one MRT record, or consecutive `bgpdump -m`
 * lines), and merges the lists of a prefix that comes back later, its peers
 * counted again (a RIB dump repeats no (prefix, peer)).
 */
export class RoutePathsBuilder {
  private readonly paths: AsPathTreeBuilder;
  private lists = new SequenceInterner();
  private readonly peersSeen = [new Uint8Array(MAX_PEERS), new Uint8Array(MAX_PEERS)] as const;
  /** Scratch: which peers the list being made has met, by generation. */
  private readonly peerStamps = new Uint32Array(MAX_PEERS);
  private stamp = 0;
  /** Scratch: the entries' paths sorted, then (path, count) runs ordered most seen first. */
  private sorted = new Uint32Array(64);
  private runs = new Float64Array(64);
  private listWords = new Uint32Array(64);

  /** The partition of the file this builder reads (see partitioned-read.ts); 0 for all of it. */
  private readonly partition: number;

  constructor(options: { readonly partition?: number } = {}) {
    this.partition = options.partition ?? 0;
    this.paths = new AsPathTreeBuilder({ partitioned: options.partition !== undefined });
  }

  /** The id of `path`, as `peer` carries it (`hintsTried`, `ordinal`: see AsPathTreeBuilder.intern). */
  internPath(path: AsPathWords, peer: number, hintsTried = false, ordinal = 0): number {
    return this.paths.intern(path, peer, hintsTried, ordinal);
  }

  /** See AsPathTreeBuilder.hintedSequence. */
  hintedSequence(data: Uint8Array, start: number, end: number, peer: number): number {
    return this.paths.hintedSequence(data, start, end, peer);
  }

  /** What this builder read, for the builder of partition 0 to absorb. */
  parts(): RoutePathsBuilderParts {
    return { paths: this.paths.parts(), lists: this.lists.view().parts(), ipv4PeersSeen: this.peersSeen[0], ipv6PeersSeen: this.peersSeen[1] };
  }

  /**
   * Adds what the builders of the other partitions of the file read, every
   * path numbered as one builder would have (AsPathTreeBuilder.absorb), so
   * each list keeps its order; returns, for each of `others`, the ids its
   * lists have here.
   */
  absorb(others: readonly RoutePathsBuilderParts[]): Uint32Array[] {
    const [own, ...theirs] = this.paths.absorb(others.map((part) => part.paths));
    this.lists.rewrite((list) => renumberPaths(list, list, own!));
    return others.map((part, p) => {
      for (let peer = 0; peer < MAX_PEERS; peer++) {
        this.peersSeen[0][peer] |= part.ipv4PeersSeen[peer]!;
        this.peersSeen[1][peer] |= part.ipv6PeersSeen[peer]!;
      }
      const lists = InternedSequences.fromParts(part.lists);
      return Uint32Array.from({ length: lists.count }, (_, id) => {
        const list = lists.of(id);
        if (list.length > this.listWords.length) this.listWords = grown(this.listWords, list.length);
        return this.lists.intern(renumberPaths(list, this.listWords, theirs[p]!), list.length);
      });
    });
  }

  /** The id of the path list of a prefix's entries (not empty), of IPv6 when `ipv6`. */
  list(entries: PathEntries, ipv6: boolean): number {
    const seen = this.peersSeen[ipv6 ? 1 : 0];
    this.stamp++;
    let distinctPeers = 0;
    // Own entries' peers, then those of entries other partitions read (no closure: this runs for every prefix).
    for (let i = 0, own = entries.length; i < own + entries.elsewhereCount; i++) {
      const peer = i < own ? entries.peers[i]! : entries.elsewherePeers[i - own]!;
      seen[peer] = 1;
      if (this.peerStamps[peer] !== this.stamp) {
        this.peerStamps[peer] = this.stamp;
        distinctPeers++;
      }
    }
    if (entries.length > this.sorted.length) this.sorted = grown(this.sorted, entries.length);
    for (let i = 0; i < entries.length; i++) this.sorted[i] = entries.paths[i]!;
    // A prefix whose entries several partitions read: the lowest of them counts its peers, as their lists are added up when joined.
    const peers = entries.lowestElsewhere < this.partition ? 0 : distinctPeers;
    return this.internCounted(peers, this.sorted, entries.length);
  }

  /** The list of a prefix that came back: both lists' entries, their peers added up. */
  merge(a: number, b: number): number {
    const first = this.lists.of(a).slice();
    const second = this.lists.of(b).slice();
    let length = 0;
    for (const list of [first, second]) {
      forEachPath(list, (path, entries) => {
        if (length + entries > this.sorted.length) this.sorted = grown(this.sorted, length + entries);
        this.sorted.fill(path, length, length + entries);
        length += entries;
      });
    }
    return this.internCounted(first[0]! + second[0]!, this.sorted, length);
  }

  /**
   * The frozen paths for the routes whose list ids `ipv4Lists` and
   * `ipv6Lists` hold in route order (NO_LIST for a route without entries),
   * rewritten in place with the ids the frozen lists have.
   */
  build(ipv4Lists: Uint32Array, ipv6Lists: Uint32Array): RoutePaths {
    // The tree first: its hash table goes before anything new is made.
    const tree = this.paths.build();
    const empty = this.lists.intern([0]);
    // Lists interned on the way to a merge, and their paths, are dropped.
    for (const family of [ipv4Lists, ipv6Lists]) for (let i = 0; i < family.length; i++) if (family[i] === NO_LIST) family[i] = empty;
    const lists = this.lists.view().keepOnly(ipv4Lists, ipv6Lists);
    // The interned lists, merged ones too, go before the index is built: the builder is done.
    this.lists = new SequenceInterner();
    // Every path interned is in some list: merging lists drops no path.
    const isPath = new Uint8Array(this.paths.count);
    for (let id = 0; id < lists.count; id++) {
      forEachPath(lists.of(id), (path) => {
        isPath[path] = 1;
      });
    }
    const count = (seen: Uint8Array) => seen.reduce((sum, flag) => sum + flag, 0);
    return new RoutePaths(tree, count(isPath), lists, ipv4Lists, ipv6Lists, count(this.peersSeen[0]), count(this.peersSeen[1]));
  }

  /** Interns [peers, each distinct path of `paths[0, length)` with its count, most seen first, then by id]; `paths` is reordered. */
  private internCounted(peers: number, paths: Uint32Array, length: number): number {
    sortAscending(paths, length);
    let repeated = false;
    for (let i = 0; i < length; i++) {
      if (paths[i]! > PATH_MASK) throw new DataFormatError(`more than ${PATH_MASK} AS path hops`);
      repeated ||= i > 0 && paths[i] === paths[i - 1];
    }
    if (1 + 2 * length > this.listWords.length) this.listWords = grown(this.listWords, 1 + 2 * length);
    const words = this.listWords;
    words[0] = peers;
    // Each path once (no ADD-PATH: nearly every prefix): the list is the sorted paths.
    if (!repeated) {
      words.set(paths.subarray(0, length), 1);
      return this.lists.intern(words, 1 + length);
    }
    // Runs of one path as count * 2^32 + (2^32 - 1 - path): sorted descending, most seen first, then the lowest id.
    if (length > this.runs.length) this.runs = new Float64Array(2 * length);
    const runs = this.runs;
    let runCount = 0;
    for (let i = 0; i < length; ) {
      let end = i + 1;
      while (end < length && paths[end] === paths[i]) end++;
      runs[runCount++] = (end - i) * 2 ** 32 + (0xffffffff - paths[i]!);
      i = end;
    }
    sortDescending(runs, runCount);
    let wordCount = 1;
    for (let r = 0; r < runCount; r++) {
      const count = Math.floor(runs[r]! / 2 ** 32);
      // A subtraction, not a floating-point remainder, for the run's low 32 bits.
      const path = 0xffffffff - (runs[r]! - count * 2 ** 32);
      if (count === 1) words[wordCount++] = path;
      else {
        words[wordCount++] = (path | COUNT_FOLLOWS) >>> 0;
        words[wordCount++] = count;
      }
    }
    return this.lists.intern(words, wordCount);
  }
}

/** `list` with its path ids renumbered by `ids`, written to `out` (which may be `list`). */
function renumberPaths(list: Uint32Array, out: Uint32Array, ids: Uint32Array): Uint32Array {
  out[0] = list[0]!;
  for (let k = 1; k < list.length; k++) {
    const word = list[k]!;
    if (word & COUNT_FOLLOWS) {
      out[k] = (ids[word & PATH_MASK]! | COUNT_FOLLOWS) >>> 0;
      k++;
      out[k] = list[k]!;
    } else out[k] = ids[word]!;
  }
  return out;
}

/** What a RoutePathsBuilder hands over to the one that absorbs it. */
export interface RoutePathsBuilderParts {
  readonly paths: AsPathTreeBuilderParts;
  readonly lists: SequencesParts;
  readonly ipv4PeersSeen: Uint8Array;
  readonly ipv6PeersSeen: Uint8Array;
}

/** The list id of a route without entries, while a table is built. */
export const NO_LIST = 0xffffffff;

/** Insertion sort for the few entries of a prefix; the native sort past a few dozen. */
function sortAscending(values: Uint32Array, length: number): void {
  if (length > 48) {
    values.subarray(0, length).sort();
    return;
  }
  for (let i = 1; i < length; i++) {
    const value = values[i]!;
    let j = i - 1;
    for (; j >= 0 && values[j]! > value; j--) values[j + 1] = values[j]!;
    values[j + 1] = value;
  }
}

function sortDescending(values: Float64Array, length: number): void {
  values.subarray(0, length).sort().reverse();
}
