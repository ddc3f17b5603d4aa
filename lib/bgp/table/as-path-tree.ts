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
import { grown, type InternedSequences, SequenceInterner } from './interned-sequences.ts';

const AS_SET_MARK = 0;
/** In `hopNexts`: the hop's value is the id of an AS_SET in `sets`, not an ASN. */
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

  /**
   * Appends the origins to `out`: the last hop, or all members of an AS_SET
   * that ends the path; nothing for an empty path. Into the caller's array,
   * as parsers call this for every RIB entry.
   */
  appendOrigins(out: number[]): void {
    let start = -1;
    for (let k = 0; k < this.length; k = this.words[k] === AS_SET_MARK ? k + 2 + this.words[k + 1]! : k + 1) start = k;
    if (start < 0) return;
    if (this.words[start] !== AS_SET_MARK) out.push(this.words[start]!);
    else for (let k = start + 2; k < this.length; k++) out.push(this.words[k]!);
  }

  private push(...words: number[]): void {
    if (this.length + words.length > this.words.length) this.words = grown(this.words, this.length + words.length);
    for (const word of words) this.words[this.length++] = word;
  }
}

/** Frozen paths: path `id` is hop `id`, then hop `hopNexts[id]`, and so on to the origin. */
export class AsPathTree {
  constructor(
    readonly hopValues: Uint32Array,
    readonly hopNexts: Uint32Array,
    readonly sets: InternedSequences,
  ) {}

  get byteLength(): number {
    return this.hopValues.byteLength + this.hopNexts.byteLength + this.sets.byteLength;
  }

  /** The hops of path `id`, from the peer to the origin. */
  hops(id: number): AsPathHop[] {
    const hops: AsPathHop[] = [];
    for (let hop = id; hop !== NO_NEXT; hop = this.hopNexts[hop]! & NEXT_MASK) {
      const value = this.hopValues[hop]!;
      hops.push(this.hopNexts[hop]! & SET_FLAG ? Array.from(this.sets.of(value)) : value);
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
  private readonly hintBlocks = new Map<number, number>();
  private hints = new Uint32Array(32 * 1024);
  private hintWords = 0;
  /** The block of the last entry's (origin, peer / 32): the next entry's too, mostly (a record's entries share an origin). */
  private lastHintKey = -1;
  private lastHintBlock = 0;

  get count(): number {
    return this.nodeCount;
  }

  /** The id of the path `path` holds (not empty), as peer `peer` carries it. */
  intern(path: AsPathWords, peer: number): number {
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
    if (last >= 0 && this.matches(last, words, 0, hopCount)) return last;
    const before = this.hints[hint + 1]! - 1;
    const id = before >= 0 && this.matches(before, words, 0, hopCount) ? before : this.internHops(words, hopCount);
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
    const key = origin + Math.floor(peer / 32) * 2 ** 32;
    if (key !== this.lastHintKey) {
      let block = this.hintBlocks.get(key);
      if (block === undefined) {
        // Hints are kept from an origin's second run of entries on: a fifth of a full table's origins have only one prefix.
        block = SEEN_ONCE;
        this.hintBlocks.set(key, block);
      } else if (block === SEEN_ONCE) {
        if (this.hintWords === HINT_WORDS) {
          this.hintBlocks.clear();
          this.hintWords = 0;
        }
        if (this.hintWords === this.hints.length) this.hints = grown(this.hints, this.hintWords + HINT_BLOCK);
        block = this.hintWords;
        this.hints.fill(0, block, block + HINT_BLOCK);
        this.hintWords += HINT_BLOCK;
        this.hintBlocks.set(key, block);
      }
      this.lastHintKey = key;
      this.lastHintBlock = block;
    }
    return this.lastHintBlock === SEEN_ONCE ? -1 : this.lastHintBlock + 2 * (peer % 32);
  }

  /** The frozen tree; the builder's hash table is dropped first, and the builder is done. */
  build(): AsPathTree {
    this.slots = new Uint32Array(0);
    this.hints = new Uint32Array(0);
    this.hintBlocks.clear();
    const count = this.nodeCount;
    const values = new Uint32Array(count);
    const nexts = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      values[i] = this.nodes[2 * i]!;
      nexts[i] = this.nodes[2 * i + 1]!;
    }
    this.nodes = new Uint32Array(0);
    return new AsPathTree(values, nexts, this.sets.freeze());
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

/** In `hintBlocks`: the (origin, peers) seen in one run of entries only, so far, and given no block yet. */
const SEEN_ONCE = -1;
/** A block of hints: two words (the last path, the one before) for each of 32 peers. */
const HINT_BLOCK = 64;
/** Words of peer hints kept before they start over (32 MB): the blocks of 4 million (origin, peer) pairs. */
const HINT_WORDS = 8 * 1024 * 1024;

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
  return mix(hash) | 0x80000000;
}

/** The hash of a path: its first hop's value and the hash of the rest. */
function hopHash(value: number, rest: number): number {
  return mix((Math.imul(value, 0x9e3779b1) ^ Math.imul(rest, 0x85ebca77) ^ (rest >>> 16)) >>> 0);
}

/** Murmur3's finaliser: every bit of the input moves the low bits, which pick the slot. */
function mix(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
