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
    else this.push(asn);
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

/** Hands out one id per distinct path while a table is built. */
export class AsPathTreeBuilder {
  /** Hops as (value, next | SET_FLAG) pairs. */
  private readonly hops = new SequenceInterner();
  private readonly sets = new SequenceInterner();
  private readonly pair = new Uint32Array(2);
  private starts = new Uint32Array(64);

  get count(): number {
    return this.hops.size;
  }

  /** The id of the path `path` holds (not empty). */
  intern(path: AsPathWords): number {
    const { words, length } = path;
    let hopCount = 0;
    for (let k = 0; k < length; k = words[k] === AS_SET_MARK ? k + 2 + words[k + 1]! : k + 1) {
      if (hopCount === this.starts.length) this.starts = grown(this.starts, hopCount + 1);
      this.starts[hopCount++] = k;
    }
    let next = NO_NEXT;
    for (let h = hopCount - 1; h >= 0; h--) {
      const k = this.starts[h]!;
      const isSet = words[k] === AS_SET_MARK;
      this.pair[0] = isSet ? this.sets.intern(words.subarray(k + 2, k + 2 + words[k + 1]!)) : words[k]!;
      this.pair[1] = isSet ? (next | SET_FLAG) >>> 0 : next;
      next = this.hops.intern(this.pair);
    }
    return next;
  }

  build(): AsPathTree {
    const { offsets, words } = this.hops.freeze();
    const count = offsets.length - 1;
    const values = new Uint32Array(count);
    const nexts = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      values[i] = words[2 * i]!;
      nexts[i] = words[2 * i + 1]!;
    }
    return new AsPathTree(values, nexts, this.sets.freeze());
  }
}
