/**
 * The prefixes of one address family, flattened into sorted ranges in typed
 * arrays. See routing-table.ts for the picture; in short:
 *
 * - routes: the announced prefixes sorted by (network, length), each with its
 *   value (an origin-set id) and its parent (the longest route strictly
 *   containing it, or -1). A route's position in this order is its id.
 * - ranges: the address space cut into maximal runs of addresses whose longest
 *   match is the same route (-1 where no route covers): `rangeStarts` (W
 *   words each, ascending) and `rangeRoutes`. Nested prefixes make at most
 *   2n + 1 ranges.
 * - directory: for each value of an address's top 16 bits, the range holding
 *   the first address with those bits, so a lookup binary-searches only the
 *   ranges of its /16 — a handful of steps instead of ~21.
 *
 * Addresses are W big-endian 32-bit words: W = 1 for IPv4, 4 for IPv6.
 */

import { hostMaskWord } from './ip-address.ts';

const DIRECTORY_BITS = 16;
const DIRECTORY_SIZE = 1 << DIRECTORY_BITS;

/** Input of an index: routes sorted by (network, length), no duplicates, host bits clear. */
export interface SortedRoutes {
  readonly nets: Uint32Array;
  readonly lengths: Uint8Array;
  readonly values: Uint32Array;
}

/** The arrays of an index, to move it to another thread or a snapshot and back without deriving them again. */
export interface PrefixIndexParts extends SortedRoutes {
  readonly parents: Int32Array;
  readonly rangeStarts: Uint32Array;
  readonly rangeRoutes: Int32Array;
  readonly directory: Uint32Array;
}

export abstract class PrefixIndex {
  protected constructor(
    readonly words: 1 | 4,
    readonly nets: Uint32Array,
    readonly lengths: Uint8Array,
    readonly values: Uint32Array,
    protected readonly parents: Int32Array,
    protected readonly rangeStarts: Uint32Array,
    protected readonly rangeRoutes: Int32Array,
    protected readonly directory: Uint32Array,
  ) {}

  get size(): number {
    return this.lengths.length;
  }

  parts(): PrefixIndexParts {
    const { nets, lengths, values, parents, rangeStarts, rangeRoutes, directory } = this;
    return { nets, lengths, values, parents, rangeStarts, rangeRoutes, directory };
  }

  get byteLength(): number {
    // From parts(), so that the arrays measured and the arrays a snapshot or worker hands on are one list.
    return Object.values(this.parts()).reduce((sum, array) => sum + array.byteLength, 0);
  }

  /**
   * The longest route covering the whole prefix `net`/`length` (W words,
   * host bits clear), or -1: the longest match of its first
   * address, shortened along the parent chain until it is no longer than
   * the prefix.
   */
  covering(net: Uint32Array, length: number): number {
    let route = this.rangeRoutes[this.rangeOf(net)]!;
    while (route >= 0 && this.lengths[route]! > length) route = this.parents[route]!;
    return route;
  }

  /** The longest route strictly containing `route`, or -1: the next step up from a `covering` match. */
  parentOf(route: number): number {
    return this.parents[route]!;
  }

  /**
   * How many routes lie strictly inside the prefix `net`/`length`. Sorted by
   * (network, length) they are contiguous: from the first route after
   * (net, length) up to the last one whose network is at most the prefix's
   * last address.
   */
  countMoreSpecifics(net: Uint32Array, length: number): number {
    const first = this.firstRouteAfter(net, length);
    const last = new Uint32Array(this.words);
    for (let k = 0; k < this.words; k++) last[k] = (net[k]! | hostMaskWord(length, k)) >>> 0;
    return this.routesStartingAtMost(last) - first;
  }

  /** Index of the range holding the address of W words. */
  private rangeOf(address: Uint32Array): number {
    const W = this.words;
    const bucket = address[0]! >>> (32 - DIRECTORY_BITS);
    let lo = this.directory[bucket]!;
    let hi = this.directory[bucket + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareWords(this.rangeStarts, mid * W, address, 0, W) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Number of routes sorting at or before (net, length). */
  private firstRouteAfter(net: Uint32Array, length: number): number {
    const W = this.words;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const order = compareWords(this.nets, mid * W, net, 0, W) || this.lengths[mid]! - length;
      if (order <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of routes whose network is at most `address`. */
  private routesStartingAtMost(address: Uint32Array): number {
    const W = this.words;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(this.nets, mid * W, address, 0, W) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** IPv4: addresses are single unsigned 32-bit numbers. */
export class Ipv4PrefixIndex extends PrefixIndex {
  static build(routes: SortedRoutes): Ipv4PrefixIndex {
    return Ipv4PrefixIndex.fromParts({ ...routes, ...deriveRanges(routes, 1) });
  }

  static fromParts(p: PrefixIndexParts): Ipv4PrefixIndex {
    return new Ipv4PrefixIndex(1, p.nets, p.lengths, p.values, p.parents, p.rangeStarts, p.rangeRoutes, p.directory);
  }

  /** The route id of the longest match for `address` (uint32), or -1. The hot path. */
  lookup(address: number): number {
    const starts = this.rangeStarts;
    const bucket = address >>> (32 - DIRECTORY_BITS);
    let lo = this.directory[bucket]!;
    let hi = this.directory[bucket + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= address) lo = mid;
      else hi = mid - 1;
    }
    return this.rangeRoutes[lo]!;
  }
}

/** IPv6: addresses are four big-endian 32-bit words. */
export class Ipv6PrefixIndex extends PrefixIndex {
  static build(routes: SortedRoutes): Ipv6PrefixIndex {
    return Ipv6PrefixIndex.fromParts({ ...routes, ...deriveRanges(routes, 4) });
  }

  static fromParts(p: PrefixIndexParts): Ipv6PrefixIndex {
    return new Ipv6PrefixIndex(4, p.nets, p.lengths, p.values, p.parents, p.rangeStarts, p.rangeRoutes, p.directory);
  }

  /** The route id of the longest match for the address a0:a1:a2:a3, or -1. The hot path. */
  lookup(a0: number, a1: number, a2: number, a3: number): number {
    const starts = this.rangeStarts;
    const bucket = a0 >>> (32 - DIRECTORY_BITS);
    let lo = this.directory[bucket]!;
    let hi = this.directory[bucket + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const o = mid << 2;
      // Is range `mid`'s start <= the address? Most steps are settled by the first word.
      let startIsAtMost: boolean;
      const s0 = starts[o]!;
      if (s0 !== a0) startIsAtMost = s0 < a0;
      else {
        const s1 = starts[o + 1]!;
        if (s1 !== a1) startIsAtMost = s1 < a1;
        else {
          const s2 = starts[o + 2]!;
          startIsAtMost = s2 !== a2 ? s2 < a2 : starts[o + 3]! <= a3;
        }
      }
      if (startIsAtMost) lo = mid;
      else hi = mid - 1;
    }
    return this.rangeRoutes[lo]!;
  }
}

/** Compares two W-word big-endian numbers: negative, zero or positive. */
export function compareWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number, W: number): number {
  for (let k = 0; k < W; k++) {
    const x = a[ai + k]!;
    const y = b[bi + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

type DerivedRanges = Omit<PrefixIndexParts, keyof SortedRoutes>;

/**
 * One sweep over the sorted routes with a stack of the routes containing the
 * current position: a route opens a range where it starts; when the sweep
 * passes a route's last address, the range after it goes back to the route
 * below it on the stack (its parent).
 */
function deriveRanges({ nets, lengths }: SortedRoutes, W: 1 | 4): DerivedRanges {
  const n = lengths.length;
  const parents = new Int32Array(n);
  const ends = new Uint32Array(n * W);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < W; k++) ends[r * W + k] = (nets[r * W + k]! | hostMaskWord(lengths[r]!, k)) >>> 0;
  }
  const ranges = new RangeWriter(2 * n + 1, W);
  const stack = new Int32Array(W * 32 + 1);
  let depth = 0;
  const afterEnd = new Uint32Array(W);
  const closeTop = (): void => {
    const closed = stack[--depth]!;
    // The range after a route that ends at the top of the space does not exist.
    if (incrementWords(ends, closed * W, afterEnd, W)) ranges.emit(afterEnd, 0, depth > 0 ? stack[depth - 1]! : -1);
  };
  ranges.emit(new Uint32Array(W), 0, -1);
  for (let r = 0; r < n; r++) {
    while (depth > 0 && compareWords(ends, stack[depth - 1]! * W, nets, r * W, W) < 0) closeTop();
    parents[r] = depth > 0 ? stack[depth - 1]! : -1;
    ranges.emit(nets, r * W, r);
    stack[depth++] = r;
  }
  while (depth > 0) closeTop();
  const starts = ranges.starts();
  return { parents, rangeStarts: starts, rangeRoutes: ranges.routes(), directory: buildDirectory(starts, W) };
}

/** Writes `source + 1` into `target`; false when it overflows (source is all ones). */
function incrementWords(source: Uint32Array, offset: number, target: Uint32Array, W: number): boolean {
  let carry = 1;
  for (let k = W - 1; k >= 0; k--) {
    const sum = source[offset + k]! + carry;
    target[k] = sum >>> 0;
    carry = sum > 0xffffffff ? 1 : 0;
  }
  return carry === 0;
}

/** Appends ranges in ascending order, keeping them maximal. */
class RangeWriter {
  private readonly startWords: Uint32Array;
  private readonly routeIds: Int32Array;
  private count = 0;

  constructor(
    capacity: number,
    private readonly W: number,
  ) {
    this.startWords = new Uint32Array(capacity * W);
    this.routeIds = new Int32Array(capacity);
  }

  /** Starts a range of `route` at the W words `start[offset]` (not below the last start). */
  emit(start: Uint32Array, offset: number, route: number): void {
    const last = this.count - 1;
    if (last >= 0 && compareWords(this.startWords, last * this.W, start, offset, this.W) === 0) {
      // A longer route starting at the same address replaces the empty range.
      this.routeIds[last] = route;
      if (last > 0 && this.routeIds[last - 1] === route) this.count--;
      return;
    }
    if (last >= 0 && this.routeIds[last] === route) return;
    this.startWords.set(start.subarray(offset, offset + this.W), this.count * this.W);
    this.routeIds[this.count++] = route;
  }

  starts(): Uint32Array {
    return this.startWords.slice(0, this.count * this.W);
  }

  routes(): Int32Array {
    return this.routeIds.slice(0, this.count);
  }
}

/** directory[b] = the range holding address b << (32 - DIRECTORY_BITS) (lower words zero). */
function buildDirectory(starts: Uint32Array, W: number): Uint32Array {
  const count = starts.length / W;
  const directory = new Uint32Array(DIRECTORY_SIZE + 1);
  let range = 0;
  for (let b = 0; b < DIRECTORY_SIZE; b++) {
    const bucketStart = (b << (32 - DIRECTORY_BITS)) >>> 0;
    while (range + 1 < count && startsAtMost(starts, (range + 1) * W, bucketStart, W)) range++;
    directory[b] = range;
  }
  directory[DIRECTORY_SIZE] = count - 1;
  return directory;
}

/** Is the W-word start at `starts[offset]` at most the address (word0, 0, 0, …)? */
function startsAtMost(starts: Uint32Array, offset: number, word0: number, W: number): boolean {
  if (starts[offset]! !== word0) return starts[offset]! < word0;
  for (let k = 1; k < W; k++) if (starts[offset + k] !== 0) return false;
  return true;
}
