/**
 * Origin AS sets, interned. A full table has about a million prefixes but
 * only some 80,000 distinct origin sets (most a single AS), so each route
 * stores a 32-bit set id and the sets live once in two typed arrays.
 */

import { grown, InternedSequences, SequenceInterner, type SequencesParts } from './interned-sequences.ts';
import { Uint32PairMap } from './uint32-pair-map.ts';

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

/**
 * Hands out one id per distinct set of origin ASNs while a table is built:
 * the sets in a SequenceInterner (typed arrays, no string keys), a single
 * origin (nearly every route) found by its ASN in a Uint32PairMap first.
 */
export class OriginSetInterner {
  private readonly sets = new SequenceInterner();
  /** A single origin's set id, by its ASN (and 0). */
  private readonly singleIds = new Uint32PairMap();
  private lastSingle = -1;
  private lastSingleId = -1;
  /** Scratch: members of the set being interned. */
  private members = new Uint32Array(64);

  /** The id of the set of `asns` (any order, duplicates allowed, not empty). */
  intern(asns: readonly number[]): number {
    const first = asns[0]!;
    let single = true;
    for (let i = 1; i < asns.length && single; i++) single = asns[i] === first;
    if (single) return this.internSingle(first);
    if (asns.length > this.members.length) this.members = grown(this.members, asns.length);
    for (let i = 0; i < asns.length; i++) this.members[i] = asns[i]!;
    return this.internMembers(asns.length);
  }

  /** The id of the union of two interned sets: a prefix seen with different origins (MOAS). */
  union(a: number, b: number): number {
    if (a === b) return a;
    const setA = this.sets.of(a);
    const setB = this.sets.of(b);
    const length = setA.length + setB.length;
    if (length > this.members.length) this.members = grown(this.members, length);
    this.members.set(setA);
    this.members.set(setB, setA.length);
    return this.internMembers(length);
  }

  /** The sets as they are, for the builder of another partition of the file to absorb. */
  parts(): SequencesParts {
    return this.sets.view().parts();
  }

  /** Interns the sets another builder made (see parts); returns the ids they have here. */
  absorb(parts: SequencesParts): Uint32Array {
    const sets = InternedSequences.fromParts(parts);
    const ids = new Uint32Array(sets.count);
    for (let id = 0; id < ids.length; id++) {
      const members = sets.of(id);
      if (members.length > this.members.length) this.members = grown(this.members, members.length);
      this.members.set(members);
      ids[id] = this.internMembers(members.length);
    }
    return ids;
  }

  /**
   * The sets the routes use, their ids in `values` (each family's route
   * values) renumbered in place in order of first use: sets interned on
   * the way (a partition's share of a MOAS prefix, merged later) are dropped.
   */
  freeze(...values: Uint32Array[]): OriginSets {
    const { offsets, words } = this.sets.view().keepOnly(...values);
    return new OriginSets(offsets, words);
  }

  private internSingle(asn: number): number {
    // The entries of a RIB record, and the records of one origin's prefixes, come together.
    if (asn === this.lastSingle) return this.lastSingleId;
    let id = this.singleIds.get(asn, 0);
    if (id < 0) {
      this.members[0] = asn;
      id = this.sets.intern(this.members, 1);
      this.singleIds.set(asn, 0, id);
    }
    this.lastSingle = asn;
    this.lastSingleId = id;
    return id;
  }

  /** `members[0, length)` sorted, without duplicates, interned. */
  private internMembers(length: number): number {
    const sorted = this.members.subarray(0, length).sort();
    let distinct = 1;
    for (let i = 1; i < length; i++) if (sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i]!;
    return distinct === 1 ? this.internSingle(sorted[0]!) : this.sets.intern(sorted, distinct);
  }
}
