/**
 * The distinct AS paths of a table, as a tree of shared tails: a path is its
 * first hop and the path after it. The paths of 30 peers to one origin differ
 * in their first hops and share the rest, and the paths to the origins behind
 * one upstream share it too, so a path costs little more than its one hop of
 * its own (8 bytes), where whole paths in a row would cost five words each.
 *
 * A parser first writes a path's hops (AsPathWords), prepends collapsed and
 * confederation segments dropped: each hop an ASN, or an AS_SET written as 0,
 * its member count, its members ascending. AS0 is not allowed in a path
 * (RFC 7607), so 0 is free as the mark; an AS0 a peer sends anyway is written
 * as the set {0}.
 */

import type { AsPathHop } from '../bgp-source.ts';
import { bigEndianU32 } from '../../net/byte-reader.ts';
import { grown, InternedSequences, mix32, SequenceInterner, type SequencesParts } from './interned-sequences.ts';
import { Uint32PairMap } from './uint32-pair-map.ts';

const AS_SET_MARK = 0;
/** In a node's second word: its hop's value is the id of an AS_SET in `sets`, not an ASN. */
const SET_FLAG = 0x80000000;
const NEXT_MASK = 0x7fffffff;
/** The next hop of an origin. */
const NO_NEXT = NEXT_MASK;

/** Builds the words of one AS path, hop by hop. Reused for every path a parser reads. */
export class AsPathWords {
  words = new Uint32Array(64);
  length = 0;
  private lastHop = -1;

  clear(): void {
    this.length = 0;
    this.lastHop = -1;
  }

  /** Appends an AS of an AS_SEQUENCE; a repeat of the hop before it (a prepend) is dropped. */
  hop(asn: number): void {
    if (asn === this.lastHop) return;
    this.lastHop = asn;
    if (asn === AS_SET_MARK) this.push(AS_SET_MARK, 1, AS_SET_MARK);
    else {
      if (this.length === this.words.length) this.words = grown(this.words, this.length + 1);
      this.words[this.length++] = asn;
    }
  }

  /** Appends an AS_SET; an empty one says nothing and is dropped. */
  set(members: readonly number[]): void {
    const distinct = [...new Set(members)].sort((a, b) => a - b);
    if (distinct.length === 0) return;
    this.lastHop = -1;
    this.push(AS_SET_MARK, distinct.length, ...distinct);
  }

  /** The last hop: the origin's ASN, or AS_SET_MARK when an AS_SET ends the path (0 too for an empty path). */
  originHop(): number {
    const start = this.lastHopStart();
    return start < 0 ? AS_SET_MARK : this.words[start]!;
  }

  /** Where the last hop starts in `words`; -1 for an empty path. */
  private lastHopStart(): number {
    let start = -1;
    for (let k = 0; k < this.length; k = this.words[k] === AS_SET_MARK ? k + 2 + this.words[k + 1]! : k + 1) start = k;
    return start;
  }

  /**
   * Appends the origins to `out`: the last hop, or all members of an AS_SET
   * that ends the path; nothing for an empty path. Into the caller's array,
   * as parsers call this for every RIB entry.
   */
  appendOrigins(out: number[]): void {
    const start = this.lastHopStart();
    if (start < 0) return;
    if (this.words[start] !== AS_SET_MARK) out.push(this.words[start]!);
    else for (let k = start + 2; k < this.length; k++) out.push(this.words[k]!);
  }

  private push(...words: number[]): void {
    if (this.length + words.length > this.words.length) this.words = grown(this.words, this.length + words.length);
    for (const word of words) this.words[this.length++] = word;
  }
}

/**
 * Frozen paths: path `id` is node `id`, then node `next`, and so on to the
 * origin; node `id` is `nodes[2 * id]` (its hop's value) and
 * `nodes[2 * id + 1]` (its next node | SET_FLAG), as the builder made them.
 */
export class AsPathTree {
  constructor(
    readonly nodes: Uint32Array,
    readonly sets: InternedSequences,
  ) {}

  get byteLength(): number {
    return this.nodes.byteLength + this.sets.byteLength;
  }

  /** The hops of path `id`, from the peer to the origin. */
  hops(id: number): AsPathHop[] {
    const hops: AsPathHop[] = [];
    for (let node = id; node !== NO_NEXT; node = this.nodes[2 * node + 1]! & NEXT_MASK) {
      const value = this.nodes[2 * node]!;
      hops.push(this.nodes[2 * node + 1]! & SET_FLAG ? Array.from(this.sets.of(value)) : value);
    }
    return hops;
  }
}

/**
 * Hands out one id per distinct path while a table is built. A full RIB has
 * some 30 million entries but a few million distinct paths, so most paths
 * are recognised whole. First by the last two paths the entry's peer had to
 * the same origin (the entries of the same peers for an origin's prefixes
 * repeat, and a path's nodes all end in its origin, so they lie together
 * and the walk that confirms it stays in a few cache lines): 26 of the 31.5
 * million entries of the benchmark's RIB are found so; then by one
 * probe of a hash table of the nodes, keyed by the hash of the path from a
 * node to the origin (a hash of its first hop and of the rest, so the
 * hashes of all suffixes of a path come from one pass over its hops), and a
 * walk down the node's chain to confirm it. Only the hops of a new path
 * that no known path ends with are added.
 */
export class AsPathTreeBuilder {
  /** Node id → its hop value, and its next node | SET_FLAG: two words per node. */
  private nodes = new Uint32Array(2 * 1024);
  private nodeCount = 0;
  /**
   * Open addressing over the nodes' path hashes, at most three quarters
   * full (the tags keep the longer probes cheap, and the table is the load's
   * largest scratch): 0 for empty, else node id + 1 in the low `idBits` bits
   * (the slot count's bits: ids stay below it) and the hash's bits above
   * those in the rest, a tag that turns most other paths away without
   * reading their node.
   */
  private slots = new Uint32Array(2048);
  private idBits = 11;
  private readonly sets = new SequenceInterner();
  /** Scratch: where each hop of the path being interned starts in its words, and the hash of the path from there. */
  private starts = new Uint32Array(64);
  private suffixHashes = new Uint32Array(64);
  /**
   * The last two paths each peer had to an origin (a prefix steered through
   * another upstream comes between the origin's others), as node id + 1
   * (0: none), in blocks of 32 peers: `hintBlocks` maps (origin, peer / 32)
   * to where its block starts in `hints` (SEEN_ONCE before the second run of
   * entries with that key). Only hints, confirmed by a walk: when the blocks
   * fill HINT_WORDS, they start over.
   */
  private readonly hintBlocks = new Uint32PairMap();
  private hints = new Uint32Array(32 * 1024);
  private hintWords = 0;
  /** The block of the last entry's (origin, peer / 32): the next entry's too, mostly (a record's entries share an origin). */
  private lastHintOrigin = -1;
  private lastHintPeers = -1;
  private lastHintBlock = 0;

  /** Set once other partitions' nodes are absorbed: the hash table is gone, so nothing may be interned after. */
  private absorbed = false;
  /**
   * Of a builder reading one partition of a file: for each node, the
   * ordinal (in the whole file) of the RIB entry that made it, so that the
   * partitions' nodes can be numbered as one builder would have made them.
   */
  private ordinals: Uint32Array | undefined;
  /** The ordinal of the entry being interned. */
  private ordinal = 0;

  constructor(options: { readonly partitioned?: boolean } = {}) {
    if (options.partitioned) this.ordinals = new Uint32Array(1024);
  }

  get count(): number {
    return this.nodeCount;
  }

  /** The nodes, their ordinals and AS sets as they are, for the builder of partition 0 to absorb. */
  parts(): AsPathTreeBuilderParts {
    if (this.ordinals === undefined) throw new Error('only a partition’s builder hands its paths over');
    return { nodes: this.nodes.subarray(0, 2 * this.nodeCount), ordinals: this.ordinals.subarray(0, this.nodeCount), sets: this.sets.view().parts() };
  }

  /**
   * Joins the paths that the builders of the other partitions of the file
   * read to these (no path is in two: see partitionOf), every node numbered
   * again in the order of the entries that made them: the order one builder
   * reading the whole file would have made them in, so the table is the
   * same path for path and id for id. Returns, for this builder and then
   * each of `others`, the new id of each of its nodes. The hash table and
   * hints go: nothing is interned after.
   */
  absorb(others: readonly AsPathTreeBuilderParts[]): Uint32Array[] {
    const all = [this.parts(), ...others];
    this.absorbed = true;
    this.slots = new Uint32Array(0);
    this.hints = new Uint32Array(0);
    this.hintBlocks.clear();
    const setIds = all.map((part, p) => {
      const sets = InternedSequences.fromParts(part.sets);
      return Uint32Array.from({ length: sets.count }, (_, id) => (p === 0 ? id : this.sets.intern(sets.of(id))));
    });
    const counts = all.map((part) => part.ordinals.length);
    const total = counts.reduce((sum, count) => sum + count, 0);
    const newIds = counts.map((count) => new Uint32Array(count));
    // Each partition made its nodes in the order of its entries: merged by ordinal, they are in the file's order.
    const taken = new Array<number>(all.length).fill(0);
    for (let id = 0; id < total; id++) {
      let from = -1;
      for (let p = 0; p < all.length; p++) {
        if (taken[p]! < counts[p]! && (from < 0 || all[p]!.ordinals[taken[p]!]! < all[from]!.ordinals[taken[from]!]!)) from = p;
      }
      newIds[from]![taken[from]!++] = id;
    }
    const nodes = new Uint32Array(2 * total);
    all.forEach((part, p) => {
      const ids = newIds[p]!;
      for (let id = 0; id < ids.length; id++) {
        const value = part.nodes[2 * id]!;
        const nextNode = part.nodes[2 * id + 1]! & NEXT_MASK;
        const set = part.nodes[2 * id + 1]! & SET_FLAG;
        nodes[2 * ids[id]!] = set ? setIds[p]![value]! : value;
        nodes[2 * ids[id]! + 1] = ((nextNode === NO_NEXT ? NO_NEXT : ids[nextNode]!) | set) >>> 0;
      }
    });
    this.nodes = nodes;
    this.nodeCount = total;
    this.ordinals = undefined;
    return newIds;
  }

  /**
   * The id of the path that is one AS_SEQUENCE of 4-byte ASNs, big-endian in
   * `data[start, end)` (not empty), as MRT stores most AS_PATHs, when it is
   * one of the paths `peer` last had to its origin; -1 when it is not (then
   * `intern` it, telling it the hints were tried). Read from the bytes
   * without writing the path's words first: this is how most entries of a
   * RIB are recognised.
   */
  hintedSequence(data: Uint8Array, start: number, end: number, peer: number): number {
    const origin = bigEndianU32(data, end - 4);
    const hint = origin === AS_SET_MARK ? -1 : this.hintAt(origin, peer);
    if (hint < 0) return -1;
    const last = this.hints[hint]! - 1;
    if (last >= 0 && this.matchesSequence(last, data, start, end)) return last;
    const before = this.hints[hint + 1]! - 1;
    if (before < 0 || !this.matchesSequence(before, data, start, end)) return -1;
    this.hints[hint] = before + 1;
    this.hints[hint + 1] = last + 1;
    return before;
  }

  /**
   * The id of the path `path` holds (not empty), as peer `peer` carries it;
   * `hintsTried` when hintedSequence was asked first; `ordinal`: of the
   * entry in the file, for a partition's builder.
   */
  intern(path: AsPathWords, peer: number, hintsTried = false, ordinal = 0): number {
    if (this.absorbed) throw new Error('a path interned after other partitions were absorbed');
    this.ordinal = ordinal;
    const { words, length } = path;
    let hopCount = 0;
    for (let k = 0; k < length; k = words[k] === AS_SET_MARK ? k + 2 + words[k + 1]! : k + 1) {
      if (hopCount === this.starts.length) {
        this.starts = grown(this.starts, hopCount + 1);
        this.suffixHashes = grown(this.suffixHashes, hopCount + 1);
      }
      this.starts[hopCount++] = k;
    }
    const origin = words[this.starts[hopCount - 1]!]!;
    const hint = origin === AS_SET_MARK ? -1 : this.hintAt(origin, peer);
    if (hint < 0) return this.internHops(words, hopCount);
    const last = this.hints[hint]! - 1;
    if (!hintsTried && last >= 0 && this.matches(last, words, 0, hopCount)) return last;
    const before = this.hints[hint + 1]! - 1;
    const id = !hintsTried && before >= 0 && this.matches(before, words, 0, hopCount) ? before : this.internHops(words, hopCount);
    this.hints[hint] = id + 1;
    this.hints[hint + 1] = last + 1;
    return id;
  }

  /** The id of the path of `hopCount` hops in `words`, whose starts are in `this.starts`. */
  private internHops(words: Uint32Array, hopCount: number): number {
    let hash = ORIGIN_HASH;
    for (let h = hopCount - 1; h >= 0; h--) {
      hash = hopHash(hopValueHash(words, this.starts[h]!), hash);
      this.suffixHashes[h] = hash;
    }
    // The longest suffix known: the whole path, most of the time.
    let known = 0;
    let next = NO_NEXT;
    for (; known < hopCount; known++) {
      const node = this.find(words, known, hopCount);
      if (node >= 0) {
        next = node;
        break;
      }
    }
    for (let h = known - 1; h >= 0; h--) next = this.add(words, this.starts[h]!, next, this.suffixHashes[h]!);
    return next;
  }

  /** Where in `hints` the path of `peer` to `origin` is kept. */
  private hintAt(origin: number, peer: number): number {
    const peers = peer >>> 5;
    if (origin !== this.lastHintOrigin || peers !== this.lastHintPeers) {
      let block = this.hintBlocks.get(origin, peers);
      if (block < 0) {
        // Hints are kept from an origin's second run of entries on: a fifth of a full table's origins have only one prefix.
        block = SEEN_ONCE;
        this.hintBlocks.set(origin, peers, block);
      } else if (block === SEEN_ONCE) {
        if (this.hintWords === HINT_WORDS) {
          this.hintBlocks.clear();
          this.hintWords = 0;
        }
        if (this.hintWords === this.hints.length) this.hints = grown(this.hints, this.hintWords + HINT_BLOCK);
        block = this.hintWords;
        this.hints.fill(0, block, block + HINT_BLOCK);
        this.hintWords += HINT_BLOCK;
        this.hintBlocks.set(origin, peers, block);
      }
      this.lastHintOrigin = origin;
      this.lastHintPeers = peers;
      this.lastHintBlock = block;
    }
    return this.lastHintBlock === SEEN_ONCE ? -1 : this.lastHintBlock + 2 * (peer & 31);
  }

  /**
   * The frozen tree: the builder's own node array, not copied (its unused
   * end was never written, so it takes no memory); the hash table is dropped
   * first, and the builder is done.
   */
  build(): AsPathTree {
    this.slots = new Uint32Array(0);
    this.hints = new Uint32Array(0);
    this.hintBlocks.clear();
    const nodes = this.nodes.subarray(0, 2 * this.nodeCount);
    this.nodes = new Uint32Array(0);
    // AS sets numbered in the order the nodes use them, as nodes are numbered: the same whichever partitions read them.
    let setNodes = 0;
    for (let k = 1; k < nodes.length; k += 2) if (nodes[k]! & SET_FLAG) setNodes++;
    const setIds = new Uint32Array(setNodes);
    for (let k = 1, s = 0; k < nodes.length; k += 2) if (nodes[k]! & SET_FLAG) setIds[s++] = nodes[k - 1]!;
    const sets = this.sets.view().keepOnly(setIds);
    for (let k = 1, s = 0; k < nodes.length; k += 2) if (nodes[k]! & SET_FLAG) nodes[k - 1] = setIds[s++]!;
    return new AsPathTree(nodes, sets);
  }

  /** The node whose path is the hops `from` to `hopCount` of `words`, or -1. */
  private find(words: Uint32Array, from: number, hopCount: number): number {
    const mask = this.slots.length - 1;
    const hash = this.suffixHashes[from]!;
    const tag = hash >>> this.idBits;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (entry >>> this.idBits === tag && this.matches((entry & mask) - 1, words, from, hopCount)) return (entry & mask) - 1;
    }
  }

  private matches(node: number, words: Uint32Array, from: number, hopCount: number): boolean {
    for (let h = from; h < hopCount; h++) {
      if (node === NO_NEXT) return false;
      const k = this.starts[h]!;
      const value = this.nodes[2 * node]!;
      const next = this.nodes[2 * node + 1]!;
      if (words[k] !== AS_SET_MARK) {
        if (next & SET_FLAG || value !== words[k]) return false;
      } else if (!(next & SET_FLAG) || !this.setEquals(value, words, k)) return false;
      node = next & NEXT_MASK;
    }
    return node === NO_NEXT;
  }

  /** Whether `node`'s path is the AS_SEQUENCE `data[start, end)`, prepends collapsed (an AS0 is a set: never matched here). */
  private matchesSequence(node: number, data: Uint8Array, start: number, end: number): boolean {
    let previous = -1;
    for (let k = start; k < end; k += 4) {
      const asn = bigEndianU32(data, k);
      if (asn === previous) continue;
      previous = asn;
      if (node === NO_NEXT) return false;
      const next = this.nodes[2 * node + 1]!;
      if (next & SET_FLAG || this.nodes[2 * node] !== asn) return false;
      node = next & NEXT_MASK;
    }
    return node === NO_NEXT;
  }

  private setEquals(set: number, words: Uint32Array, k: number): boolean {
    const members = this.sets.of(set);
    const count = words[k + 1]!;
    if (members.length !== count) return false;
    for (let m = 0; m < count; m++) if (members[m] !== words[k + 2 + m]) return false;
    return true;
  }

  private add(words: Uint32Array, k: number, next: number, hash: number): number {
    const id = this.nodeCount++;
    if (2 * id + 2 > this.nodes.length) this.nodes = grown(this.nodes, 2 * id + 2);
    const isSet = words[k] === AS_SET_MARK;
    this.nodes[2 * id] = isSet ? this.sets.intern(words.subarray(k + 2, k + 2 + words[k + 1]!)) : words[k]!;
    this.nodes[2 * id + 1] = isSet ? (next | SET_FLAG) >>> 0 : next;
    if (this.ordinals !== undefined) {
      if (id === this.ordinals.length) this.ordinals = grown(this.ordinals, id + 1);
      this.ordinals[id] = this.ordinal;
    }
    if (4 * this.nodeCount > 3 * this.slots.length) this.growSlots();
    else this.place(this.slots, hash, id);
    return id;
  }

  private place(slots: Uint32Array, hash: number, id: number): void {
    const mask = slots.length - 1;
    let slot = hash & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = ((hash & ~mask) | (id + 1)) >>> 0;
  }

  /** Twice the slots; the nodes' hashes are computed again, tails first (a node's next is older than it). */
  private growSlots(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    const hashes = new Uint32Array(this.nodeCount);
    for (let id = 0; id < this.nodeCount; id++) {
      const value = this.nodes[2 * id]!;
      const next = this.nodes[2 * id + 1]!;
      const rest = (next & NEXT_MASK) === NO_NEXT ? ORIGIN_HASH : hashes[next & NEXT_MASK]!;
      hashes[id] = hopHash(next & SET_FLAG ? setHash(this.sets.of(value), 0, this.sets.of(value).length) : value, rest);
      this.place(slots, hashes[id]!, id);
    }
    this.slots = slots;
    this.idBits++;
  }
}

/** What a builder hands over to the one that absorbs it: its nodes (value, next | SET_FLAG), their entries' ordinals and AS sets. */
export interface AsPathTreeBuilderParts {
  readonly nodes: Uint32Array;
  readonly ordinals: Uint32Array;
  readonly sets: SequencesParts;
}

/**
 * Which of `count` partitions of a file reads the paths whose last hop is
 * `lastHop` (an ASN, or AS_SET_MARK). Every node of a path stands for a
 * suffix of it, which ends in the same hop: so the partitions' trees share
 * no node, and are joined without looking any up.
 */
export function partitionOf(lastHop: number, count: number): number {
  // The hash's top 16 bits, a small integer: a 32-bit unsigned one would take a floating-point modulo, for every entry.
  return lastHop === AS_SET_MARK ? 0 : (Math.imul(lastHop, 0x9e3779b1) >>> 16) % count;
}

/** A block of hints: two words (the last path, the one before) for each of 32 peers. */
const HINT_BLOCK = 64;
/** Words of peer hints kept before they start over (32 MB): the blocks of 4 million (origin, peer) pairs. */
const HINT_WORDS = 8 * 1024 * 1024;
/** In `hintBlocks`: the (origin, peers) seen in one run of entries only, so far, and given no block yet (no block starts there). */
const SEEN_ONCE = HINT_WORDS;

/** The hash of the path after an origin: none. */
const ORIGIN_HASH = 0x3c6ef372;
const SET_SEED = 0x5bd1e995;

/** What a hop adds to its path's hash: its ASN, or a hash of its AS_SET's members. */
function hopValueHash(words: Uint32Array, k: number): number {
  return words[k] === AS_SET_MARK ? setHash(words, k + 2, words[k + 1]!) : words[k]!;
}

function setHash(members: Uint32Array, start: number, count: number): number {
  let hash = SET_SEED ^ count;
  for (let m = start; m < start + count; m++) hash = Math.imul(hash ^ members[m]!, 0x01000193);
  // Never an ASN's own value in practice; the walk confirms every match anyway.
  return mix32(hash) | 0x80000000;
}

/** The hash of a path: its first hop's value and the hash of the rest. */
function hopHash(value: number, rest: number): number {
  return mix32((Math.imul(value, 0x9e3779b1) ^ Math.imul(rest, 0x85ebca77) ^ (rest >>> 16)) >>> 0);
}
