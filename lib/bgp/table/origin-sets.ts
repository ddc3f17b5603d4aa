/**
 * Origin AS sets, interned. A full table has about a million prefixes but
 * only some 80,000 distinct origin sets (most a single AS), so each route
 * stores a 32-bit set id and the sets live once in two typed arrays.
 */

/** Frozen sets: members of set `id` are `asns[offsets[id] .. offsets[id + 1])`, ascending. */
export class OriginSets {
  constructor(
    readonly offsets: Uint32Array,
    readonly asns: Uint32Array,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  members(id: number): number[] {
    return Array.from(this.asns.subarray(this.offsets[id]!, this.offsets[id + 1]!));
  }

  /** Calls `visit` for each member of set `id` without allocating. */
  forEachMember(id: number, visit: (asn: number) => void): void {
    for (let k = this.offsets[id]!, end = this.offsets[id + 1]!; k < end; k++) visit(this.asns[k]!);
  }

  get byteLength(): number {
    return this.offsets.byteLength + this.asns.byteLength;
  }
}

/** Hands out one id per distinct set of origin ASNs while a table is built. */
export class OriginSetInterner {
  private readonly singleIds = new Map<number, number>();
  private readonly multiIds = new Map<string, number>();
  private readonly sets: (readonly number[])[] = [];

  /** The id of the set of `asns` (any order, duplicates allowed, not empty). */
  intern(asns: readonly number[]): number {
    if (asns.length === 1) return this.internSingle(asns[0]!);
    const members = [...new Set(asns)].sort((a, b) => a - b);
    if (members.length === 1) return this.internSingle(members[0]!);
    const key = members.join(',');
    let id = this.multiIds.get(key);
    if (id === undefined) {
      id = this.add(members);
      this.multiIds.set(key, id);
    }
    return id;
  }

  /** The id of the union of two interned sets: a prefix seen with different origins (MOAS). */
  union(a: number, b: number): number {
    return a === b ? a : this.intern([...this.sets[a]!, ...this.sets[b]!]);
  }

  freeze(): OriginSets {
    const offsets = new Uint32Array(this.sets.length + 1);
    let total = 0;
    for (let id = 0; id < this.sets.length; id++) {
      offsets[id] = total;
      total += this.sets[id]!.length;
    }
    offsets[this.sets.length] = total;
    const asns = new Uint32Array(total);
    for (const [id, members] of this.sets.entries()) asns.set(members, offsets[id]!);
    return new OriginSets(offsets, asns);
  }

  private internSingle(asn: number): number {
    let id = this.singleIds.get(asn);
    if (id === undefined) {
      id = this.add([asn]);
      this.singleIds.set(asn, id);
    }
    return id;
  }

  private add(members: readonly number[]): number {
    this.sets.push(members);
    return this.sets.length - 1;
  }
}
