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

import { AsPathTree, AsPathTreeBuilder, type AsPathWords } from './as-path-tree.ts';
import type { RoutePathsSeen } from '../bgp-source.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import { InternedSequences, SequenceInterner } from './interned-sequences.ts';

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

/** The RIB entries a parser read for one prefix: the path id and peer of each. Reused. */
export class PathEntries {
  readonly paths: number[] = [];
  readonly peers: number[] = [];

  clear(): void {
    this.paths.length = 0;
    this.peers.length = 0;
  }

  add(path: number, peer: number): void {
    if (peer >= MAX_PEERS) throw new DataFormatError(`more than ${MAX_PEERS} peers`);
    this.paths.push(path);
    this.peers.push(peer);
  }
}

/** The arrays and counts of a RoutePaths (see RoutingTableParts). */
export interface RoutePathsParts {
  readonly hopValues: Uint32Array;
  readonly hopNexts: Uint32Array;
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
    const paths = new AsPathTree(p.hopValues, p.hopNexts, new InternedSequences(p.setOffsets, p.setWords));
    const lists = new InternedSequences(p.listOffsets, p.listWords);
    return new RoutePaths(paths, p.pathCount, lists, p.ipv4Lists, p.ipv6Lists, p.ipv4Peers, p.ipv6Peers);
  }

  parts(): RoutePathsParts {
    const { paths, pathCount, lists, ipv4Lists, ipv6Lists, ipv4Peers, ipv6Peers } = this;
    return {
      hopValues: paths.hopValues,
      hopNexts: paths.hopNexts,
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
 * Collects the entries of each prefix while a table is built. A RIB dump
 * gives all entries of a prefix together (one MRT record, or consecutive
 * `bgpdump -m` lines), so they are held until the next prefix comes and
 * then interned as one list; a prefix that comes back later is merged, its
 * peers counted again (a RIB dump repeats no (prefix, peer)).
 */
export class RoutePathsBuilder {
  private readonly paths = new AsPathTreeBuilder();
  private readonly lists = new SequenceInterner();
  private readonly ipv4Lists = new Map<number, number>();
  private readonly ipv6Lists = new Map<string, number>();
  private readonly peersSeen = [new Uint8Array(MAX_PEERS), new Uint8Array(MAX_PEERS)] as const;
  private pendingKey: number | string | undefined;
  private readonly pending = new PathEntries();
  /** Scratch: which peers the pending prefix has met, by generation. */
  private readonly peerStamps = new Uint32Array(MAX_PEERS);
  private stamp = 0;
  private listWords = new Uint32Array(64);

  internPath(path: AsPathWords): number {
    return this.paths.intern(path);
  }

  /** Entries for the IPv4 prefix keyed `key` (number) or the IPv6 one (string). */
  add(key: number | string, entries: PathEntries): void {
    if (key !== this.pendingKey) {
      this.flush();
      this.pendingKey = key;
    }
    const seen = this.peersSeen[typeof key === 'number' ? 0 : 1];
    for (let i = 0; i < entries.paths.length; i++) {
      this.pending.add(entries.paths[i]!, entries.peers[i]!);
      seen[entries.peers[i]!] = 1;
    }
  }

  /** The frozen paths for routes keyed as `ipv4Keys` and `ipv6Keys` (in route order); undefined when no entries came. */
  build(ipv4Keys: Iterable<number>, ipv6Keys: Iterable<string>): RoutePaths | undefined {
    this.flush();
    if (this.ipv4Lists.size + this.ipv6Lists.size === 0) return undefined;
    const empty = this.lists.intern([0]);
    const ipv4Lists = Uint32Array.from(ipv4Keys, (key) => this.ipv4Lists.get(key) ?? empty);
    const ipv6Lists = Uint32Array.from(ipv6Keys, (key) => this.ipv6Lists.get(key) ?? empty);
    // Lists interned on the way to a merge, and their paths, are dropped.
    const all = new Uint32Array(ipv4Lists.length + ipv6Lists.length);
    all.set(ipv4Lists);
    all.set(ipv6Lists, ipv4Lists.length);
    const lists = this.lists.freeze().keepOnly(all);
    ipv4Lists.set(all.subarray(0, ipv4Lists.length));
    ipv6Lists.set(all.subarray(ipv4Lists.length));
    // Every path interned is in some list: merging lists drops no path.
    const isPath = new Uint8Array(this.paths.count);
    for (let id = 0; id < lists.count; id++) {
      forEachPath(lists.of(id), (path) => {
        isPath[path] = 1;
      });
    }
    const count = (seen: Uint8Array) => seen.reduce((sum, flag) => sum + flag, 0);
    return new RoutePaths(this.paths.build(), count(isPath), lists, ipv4Lists, ipv6Lists, count(this.peersSeen[0]), count(this.peersSeen[1]));
  }

  private flush(): void {
    const key = this.pendingKey;
    if (key === undefined || this.pending.paths.length === 0) return;
    const id = this.internList(this.pending.paths, this.pending.peers);
    this.pending.clear();
    if (typeof key === 'number') this.ipv4Lists.set(key, this.merged(this.ipv4Lists.get(key), id));
    else this.ipv6Lists.set(key, this.merged(this.ipv6Lists.get(key), id));
  }

  /** The list of these entries: distinct peers, then each distinct path with its entry count, most first. */
  private internList(paths: readonly number[], peers: readonly number[]): number {
    this.stamp++;
    let distinctPeers = 0;
    for (const peer of peers) {
      if (this.peerStamps[peer] !== this.stamp) {
        this.peerStamps[peer] = this.stamp;
        distinctPeers++;
      }
    }
    const counts = new Map<number, number>();
    for (const path of paths) counts.set(path, (counts.get(path) ?? 0) + 1);
    return this.internCounted(distinctPeers, counts);
  }

  private internCounted(peers: number, counts: ReadonlyMap<number, number>): number {
    const ordered = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const longest = 1 + 2 * ordered.length;
    if (longest > this.listWords.length) this.listWords = new Uint32Array(2 * longest);
    const words = this.listWords;
    words[0] = peers;
    let length = 1;
    for (const [path, count] of ordered) {
      if (path > PATH_MASK) throw new DataFormatError(`more than ${PATH_MASK} AS path hops`);
      if (count === 1) words[length++] = path;
      else {
        words[length++] = (path | COUNT_FOLLOWS) >>> 0;
        words[length++] = count;
      }
    }
    return this.lists.intern(words, length);
  }

  private merged(existing: number | undefined, id: number): number {
    if (existing === undefined) return id;
    const counts = new Map<number, number>();
    let peers = 0;
    for (const list of [this.lists.of(existing).slice(), this.lists.of(id).slice()]) {
      peers += list[0]!;
      forEachPath(list, (path, entries) => counts.set(path, (counts.get(path) ?? 0) + entries));
    }
    return this.internCounted(peers, counts);
  }
}
