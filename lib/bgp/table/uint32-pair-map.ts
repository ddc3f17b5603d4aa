import { mix32 } from './interned-sequences.ts';

/**
 * A map from a pair of 32-bit unsigned integers to one, in one typed array
 * (key, key, value + 1 side by side: one cache line per probe). A table
 * build asks such maps once per RIB record, keyed by its origin, and a
 * Map's lookup there reads its bucket and then its entry elsewhere: two
 * reads at random places where this takes one.
 */
export class Uint32PairMap {
  /** Three words per slot: the two keys and value + 1 (0: an empty slot). */
  private slots = new Uint32Array(3 * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value of (a, b), or -1 when it has none. */
  get(a: number, b: number): number {
    const slots = this.slots;
    const mask = slots.length / 3 - 1;
    for (let slot = pairHash(a, b) & mask; ; slot = (slot + 1) & mask) {
      const value = slots[3 * slot + 2]!;
      if (value === 0) return -1;
      if (slots[3 * slot] === a && slots[3 * slot + 1] === b) return value - 1;
    }
  }

  /** Sets the value of (a, b): an integer from 0 to 2^32 - 2. */
  set(a: number, b: number, value: number): void {
    const slots = this.slots;
    const mask = slots.length / 3 - 1;
    let slot = pairHash(a, b) & mask;
    for (; slots[3 * slot + 2] !== 0; slot = (slot + 1) & mask) {
      if (slots[3 * slot] === a && slots[3 * slot + 1] === b) {
        slots[3 * slot + 2] = value + 1;
        return;
      }
    }
    slots[3 * slot] = a;
    slots[3 * slot + 1] = b;
    slots[3 * slot + 2] = value + 1;
    // At most half full: a probe that finds nothing stops soon.
    if (2 * ++this.count > slots.length / 3) this.grow();
  }

  clear(): void {
    this.slots = new Uint32Array(3 * 1024);
    this.count = 0;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(2 * old.length);
    this.count = 0;
    for (let k = 0; k < old.length; k += 3) if (old[k + 2] !== 0) this.set(old[k]!, old[k + 1]!, old[k + 2]! - 1);
  }
}

/** Both keys, mixed: consecutive ASNs land in slots far apart. */
function pairHash(a: number, b: number): number {
  return mix32((a ^ Math.imul(b, 0x9e3779b1)) >>> 0);
}
