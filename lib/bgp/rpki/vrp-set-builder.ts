/**
 * Collects VRPs from a parser and builds a VrpSet. VRPs arrive in any order
 * and may repeat (the same ROA under two trust anchors, or two ROAs saying
 * the same): they are sorted by (prefix, ASN, maxLength) once, at the end,
 * exact repeats kept once, and each prefix's run becomes one entry of the
 * family's PrefixIndex.
 */

import { DataFormatError } from '../../datafile/errors.ts';
import { compareWords, Ipv4PrefixIndex, Ipv6PrefixIndex, type SortedRoutes } from '../../net/prefix-index.ts';
import { hostMaskWord, parseIpv4, parseIpv6, parsePrefixLength } from '../../net/ip-address.ts';
import { type VrpEntries, VrpSet } from './vrp-set.ts';

const MAX_ASN = 0xffffffff;
/** Trust-anchor ids are bytes; the five RIRs and a few test or private TAs are far fewer. */
const MAX_TRUST_ANCHORS = 256;

export class VrpSetBuilder {
  private readonly ipv4 = new FamilyCollector(1);
  private readonly ipv6 = new FamilyCollector(4);
  private readonly trustAnchorIds = new Map<string, number>([['', 0]]);
  private readonly words = new Uint32Array(4);

  get size(): number {
    return this.ipv4.size + this.ipv6.size;
  }

  /**
   * Adds a VRP: a prefix in CIDR text, its maxLength (the prefix's own length
   * when absent), the ASN and the trust anchor's name. Throws
   * DataFormatError when a field is not valid.
   */
  add(prefix: string, maxLength: number | undefined, asn: number, trustAnchor = ''): void {
    if (!Number.isInteger(asn) || asn < 0 || asn > MAX_ASN) throw new DataFormatError(`not an AS number: ${asn}`);
    const slash = prefix.lastIndexOf('/');
    const ipv4 = slash > 0 ? parseIpv4(prefix, 0, slash) : -1;
    const family = ipv4 >= 0 ? this.ipv4 : this.ipv6;
    const bits = 32 * family.W;
    const length = slash > 0 ? parsePrefixLength(prefix, slash + 1, prefix.length, bits) : -1;
    if (length < 0 || (ipv4 < 0 && !parseIpv6(prefix, this.words, 0, slash))) throw new DataFormatError(`not a prefix: ${prefix.slice(0, 60)}`);
    const max = maxLength ?? length;
    if (!Number.isInteger(max) || max < length || max > bits) throw new DataFormatError(`maxLength ${max} does not fit ${prefix}`);
    if (ipv4 >= 0) this.words[0] = ipv4;
    family.add(this.words, length, max, asn, this.trustAnchorId(trustAnchor));
  }

  build(): VrpSet {
    const names = [...this.trustAnchorIds.keys()];
    return new VrpSet(
      { prefixes: Ipv4PrefixIndex.build(this.ipv4.routes), entries: this.ipv4.entries },
      { prefixes: Ipv6PrefixIndex.build(this.ipv6.routes), entries: this.ipv6.entries },
      names,
    );
  }

  private trustAnchorId(name: string): number {
    let id = this.trustAnchorIds.get(name);
    if (id === undefined) {
      id = this.trustAnchorIds.size;
      if (id === MAX_TRUST_ANCHORS) throw new DataFormatError(`more than ${MAX_TRUST_ANCHORS - 1} trust anchors`);
      this.trustAnchorIds.set(name, id);
    }
    return id;
  }
}

/** The VRPs of one address family as they arrive, then sorted into prefixes and entries. */
class FamilyCollector {
  private readonly nets = new Column();
  private readonly lengths = new Column();
  private readonly asns = new Column();
  private readonly maxLengths = new Column();
  private readonly trustAnchors = new Column();
  private sorted: { routes: SortedRoutes; entries: VrpEntries } | undefined;

  constructor(readonly W: 1 | 4) {}

  get size(): number {
    return this.lengths.length;
  }

  get routes(): SortedRoutes {
    this.sorted ??= this.sort();
    return this.sorted.routes;
  }

  get entries(): VrpEntries {
    this.sorted ??= this.sort();
    return this.sorted.entries;
  }

  /** Adds a VRP of the W words `words`, host bits cleared here. */
  add(words: Uint32Array, length: number, maxLength: number, asn: number, trustAnchor: number): void {
    for (let k = 0; k < this.W; k++) this.nets.push((words[k]! & ~hostMaskWord(length, k)) >>> 0);
    this.lengths.push(length);
    this.asns.push(asn);
    this.maxLengths.push(maxLength);
    this.trustAnchors.push(trustAnchor);
  }

  private sort(): { routes: SortedRoutes; entries: VrpEntries } {
    const { W } = this;
    const nets = this.nets.values();
    const lengths = this.lengths.values();
    const asns = this.asns.values();
    const maxLengths = this.maxLengths.values();
    const samePrefix = (a: number, b: number) => compareWords(nets, a * W, nets, b * W, W) || lengths[a]! - lengths[b]!;
    const order = sortedOrder(nets, W, (a, b) => samePrefix(a, b) || asns[a]! - asns[b]! || maxLengths[a]! - maxLengths[b]!);

    let prefixCount = 0;
    let entryCount = 0;
    for (let i = 0; i < order.length; i++) {
      const previous = i > 0 ? order[i - 1]! : -1;
      const vrp = order[i]!;
      const newPrefix = previous < 0 || samePrefix(previous, vrp) !== 0;
      if (!newPrefix && asns[previous] === asns[vrp] && maxLengths[previous] === maxLengths[vrp]) continue;
      if (newPrefix) prefixCount++;
      order[entryCount++] = vrp; // compacts the repeats away: slot entryCount has been read
    }

    const routes = { nets: new Uint32Array(prefixCount * W), lengths: new Uint8Array(prefixCount), values: new Uint32Array(prefixCount) };
    const entries = { asns: new Uint32Array(entryCount), maxLengths: new Uint8Array(entryCount), trustAnchors: new Uint8Array(entryCount) };
    const trustAnchors = this.trustAnchors.values();
    let prefix = -1;
    for (let e = 0; e < entryCount; e++) {
      const vrp = order[e]!;
      if (e === 0 || samePrefix(order[e - 1]!, vrp) !== 0) {
        prefix++;
        for (let k = 0; k < W; k++) routes.nets[prefix * W + k] = nets[vrp * W + k]!;
        routes.lengths[prefix] = lengths[vrp]!;
        routes.values[prefix] = e;
      }
      entries.asns[e] = asns[vrp]!;
      entries.maxLengths[e] = maxLengths[vrp]!;
      entries.trustAnchors[e] = trustAnchors[vrp]!;
    }
    return { routes, entries };
  }
}

/**
 * The VRP numbers in the order `compare` gives. A comparator sort of 800,000
 * numbers takes most of a second, so they are first sorted natively by their
 * first address word, as 64-bit numbers of that word over the VRP's number;
 * only runs sharing a first word (one IPv4 address, one IPv6 /32) are left
 * for `compare`.
 */
function sortedOrder(nets: Uint32Array, W: number, compare: (a: number, b: number) => number): Uint32Array {
  const count = nets.length / W;
  const keys = new BigUint64Array(count);
  const halves = new Uint32Array(keys.buffer);
  const [low, high] = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? [0, 1] : [1, 0];
  for (let i = 0; i < count; i++) {
    halves[2 * i + high] = nets[i * W]!;
    halves[2 * i + low] = i;
  }
  keys.sort();
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = halves[2 * i + low]!;
  for (let start = 0; start < count; ) {
    const word = halves[2 * start + high];
    let end = start + 1;
    while (end < count && halves[2 * end + high] === word) end++;
    if (end - start > 1) order.subarray(start, end).sort(compare);
    start = end;
  }
  return order;
}

/** A growing column of unsigned 32-bit numbers. */
class Column {
  private data = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  values(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}
