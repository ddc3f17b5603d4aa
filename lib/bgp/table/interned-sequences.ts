/**
 * Sequences of 32-bit words, each stored once: the AS paths of a full RIB
 * and the path lists of its routes. A table from 30 peers has some 30
 * million (prefix, peer) paths but far fewer distinct ones, and a Map keyed
 * by strings would cost more than the table itself while it is built; here
 * the sequences, their offsets and the hash slots are all typed arrays.
 */

/** The arrays of InternedSequences, as they cross threads. */
export interface SequencesParts {
  readonly offsets: Uint32Array;
  readonly words: Uint32Array;
}

/** Frozen sequences: sequence `id` is `words[offsets[id] .. offsets[id + 1])`. */
export class InternedSequences {
  constructor(
    readonly offsets: Uint32Array,
    readonly words: Uint32Array,
  ) {}

  static fromParts({ offsets, words }: SequencesParts): InternedSequences {
    return new InternedSequences(offsets, words);
  }

  parts(): SequencesParts {
    return { offsets: this.offsets, words: this.words };
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  get byteLength(): number {
    return this.offsets.byteLength + this.words.byteLength;
  }

  /** The words of sequence `id`, without copying. */
  of(id: number): Uint32Array {
    return this.words.subarray(this.offsets[id]!, this.offsets[id + 1]!);
  }

  /**
   * Only the sequences the arrays `ids` name, renumbered in order of first
   * use (across the arrays, in turn); the arrays are rewritten in place with
   * the new numbers. Sequences interned on the way (merged lists) and never
   * kept do not outlive the build.
   */
  keepOnly(...ids: Uint32Array[]): InternedSequences {
    // Typed arrays and plain loops: a full RIB keeps some 400,000 lists for over a million routes.
    const renumbered = new Int32Array(this.count).fill(-1);
    const kept = new Uint32Array(
      Math.min(
        this.count,
        ids.reduce((sum, used) => sum + used.length, 0),
      ),
    );
    let keptCount = 0;
    for (const used of ids) {
      for (let i = 0; i < used.length; i++) {
        let id = renumbered[used[i]!]!;
        if (id < 0) {
          id = keptCount++;
          renumbered[used[i]!] = id;
          kept[id] = used[i]!;
        }
        used[i] = id;
      }
    }
    const offsets = new Uint32Array(keptCount + 1);
    let total = 0;
    for (let id = 0; id < keptCount; id++) {
      offsets[id] = total;
      total += this.offsets[kept[id]! + 1]! - this.offsets[kept[id]!]!;
    }
    offsets[keptCount] = total;
    const words = new Uint32Array(total);
    for (let id = 0; id < keptCount; id++) {
      for (let from = this.offsets[kept[id]!]!, to = offsets[id]!; to < offsets[id + 1]!; from++, to++) words[to] = this.words[from]!;
    }
    return new InternedSequences(offsets, words);
  }
}

const EMPTY_SLOT = 0;

/** Hands out one id per distinct word sequence, by open addressing over a hash of the words. */
export class SequenceInterner {
  private words = new Uint32Array(1 << 16);
  private wordCount = 0;
  private offsets = new Uint32Array(1 << 12);
  private count = 0;
  /**
   * Slot → 0 for empty, else id + 1 in the low `idBits` bits (ids stay below
   * the slot count) and the hash's higher bits above them: a tag that turns
   * most other sequences away without reading them. Kept at most three quarters full.
   */
  private slots = new Uint32Array(1 << 12);
  private idBits = 12;

  /** Sequences interned so far. */
  get size(): number {
    return this.count;
  }

  /** The id of `words[0 .. length)`. */
  intern(words: ArrayLike<number>, length = words.length): number {
    const mask = this.slots.length - 1;
    const hash = hashWords(words, length);
    const tag = hash >>> this.idBits;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY_SLOT) {
        const id = this.add(words, length);
        this.slots[slot] = ((hash & ~mask) | (id + 1)) >>> 0;
        if (4 * this.count > 3 * this.slots.length) this.growSlots();
        return id;
      }
      if (entry >>> this.idBits === tag && this.equals((entry & mask) - 1, words, length)) return (entry & mask) - 1;
    }
  }

  /** The words of sequence `id`, as a view that the next `intern` may invalidate. */
  of(id: number): Uint32Array {
    return this.words.subarray(this.offsets[id]!, this.offsets[id + 1]!);
  }

  /** The sequences as they are, without copying them (to copy only some, with keepOnly): valid until the next `intern`. */
  view(): InternedSequences {
    return new InternedSequences(this.offsets.subarray(0, this.count + 1), this.words.subarray(0, this.wordCount));
  }

  /** Rewrites every sequence in place with `rewrite` (keeping its length), then finds them again by their new words. */
  rewrite(rewrite: (words: Uint32Array) => void): void {
    for (let id = 0; id < this.count; id++) rewrite(this.of(id));
    this.slots = this.hashed(this.slots.length);
  }

  private equals(id: number, words: ArrayLike<number>, length: number): boolean {
    const start = this.offsets[id]!;
    if (this.offsets[id + 1]! - start !== length) return false;
    for (let k = 0; k < length; k++) if (this.words[start + k] !== words[k]) return false;
    return true;
  }

  private add(words: ArrayLike<number>, length: number): number {
    if (this.wordCount + length > this.words.length) this.words = grown(this.words, this.wordCount + length);
    for (let k = 0; k < length; k++) this.words[this.wordCount + k] = words[k]!;
    this.wordCount += length;
    if (this.count + 2 > this.offsets.length) this.offsets = grown(this.offsets, this.count + 2);
    this.offsets[this.count + 1] = this.wordCount;
    return this.count++;
  }

  private growSlots(): void {
    this.slots = this.hashed(this.slots.length * 2);
    this.idBits++;
  }

  /** A table of `size` slots holding every sequence. */
  private hashed(size: number): Uint32Array<ArrayBuffer> {
    const slots = new Uint32Array(size);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      const start = this.offsets[id]!;
      const hash = hashWords(this.words, this.offsets[id + 1]! - start, start);
      let slot = hash & mask;
      while (slots[slot] !== EMPTY_SLOT) slot = (slot + 1) & mask;
      slots[slot] = ((hash & ~mask) | (id + 1)) >>> 0;
    }
    return slots;
  }
}

/** A copy of `array` with room for at least `needed` elements, doubling so that appends stay amortised O(1). */
export function grown(array: Uint32Array, needed: number): Uint32Array<ArrayBuffer> {
  const copy = new Uint32Array(Math.max(needed, array.length * 2));
  copy.set(array);
  return copy;
}

/** FNV-1a over the words, then a final mix so that the low bits (the slot) depend on all of them. */
function hashWords(words: ArrayLike<number>, length: number, start = 0): number {
  let hash = 0x811c9dc5;
  for (let k = start; k < start + length; k++) hash = Math.imul(hash ^ words[k]!, 0x01000193);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return (hash ^ (hash >>> 12)) >>> 0;
}

/** Murmur3's finaliser: every bit of the input moves the low bits, which pick the slot. */
export function mix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
