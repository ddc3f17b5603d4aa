/** Random MRT RIBs for the parser's tests: every AS_PATH shape, and (`repeating`) paths that come back as in a real dump. */

import { seededRandom } from '../seeded-random.ts';
import { Segment, Subtype, asPath, mpReachNextHop, nextHop, originIgp, peerIndexTable, ribRecord, type Peer, type RibEntry } from './mrt-writer.ts';

const T = 1_700_000_000;
const { AS_SEQUENCE, AS_SET, AS_CONFED_SEQUENCE, AS_CONFED_SET } = Segment;

export interface RandomRibOptions {
  /**
   * Draw the routes' origins from this many ASes, and have each peer reach
   * an origin by one of two paths most of the time (prepends, AS0, an
   * origin in several records, MOAS, ADD-PATH entries among them): the
   * shapes by which a real RIB's paths are recognised when they come back.
   */
  readonly repeating?: {
    readonly origins: number;
    /** Peers besides the three of every RIB (more than 32 use two blocks of hints). */
    readonly morePeers?: number;
    /** How often a record is of the prefix of the record before (0.01 by default), as when a prefix's entries are split. */
    readonly samePrefixNext?: number;
  };
}

/** A RIB of `records` random routes exercising every AS_PATH shape the parsers handle. */
export function randomRib(seed: number, records: number, options: RandomRibOptions = {}): Buffer {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const asn = () => (next() < 0.2 ? 4_200_000_000 + Math.floor(next() * 1000) : 1 + Math.floor(next() * 70_000));
  const asns = (max: number) => Array.from({ length: 1 + Math.floor(next() * max) }, asn);
  const peers: Peer[] = [
    { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64496 },
    { bgpId: '192.0.2.2', address: '2001:db8::2', asn: 4_200_000_001 },
    { bgpId: '192.0.2.3', address: '192.0.2.3', asn: 64497, as4: true },
    ...Array.from(
      { length: options.repeating?.morePeers ?? 0 },
      (_, i): Peer => ({ bgpId: `198.51.100.${i + 1}`, address: `198.51.100.${i + 1}`, asn: 65000 + i }),
    ),
  ];
  const anyPath = () => {
    const segments: [number, number[]][] = [];
    if (next() < 0.1) segments.push([pick([AS_CONFED_SEQUENCE, AS_CONFED_SET]), asns(2)]);
    if (next() < 0.9) segments.push([AS_SEQUENCE, asns(5)]);
    if (next() < 0.15) segments.push([AS_SET, asns(3)]);
    return asPath(segments, next() < 0.2);
  };
  const repeating = options.repeating;
  const origins = repeating === undefined ? [] : Array.from({ length: repeating.origins }, asn);
  const kept = new Map<string, Buffer>();
  /** The path `peer` has to `origin` by way `way` (0 or 1), the same each time. */
  const keptPath = (peer: number, origin: number, way: number): Buffer => {
    const key = `${peer} ${origin} ${way}`;
    let path = kept.get(key);
    if (path === undefined) {
      const hops = [peers[peer]!.asn, ...asns(3)];
      if (next() < 0.05) hops.push(0); // AS0 in a path: written as the set {0}
      const prepends = next() < 0.2 ? 1 + Math.floor(next() * 3) : 0;
      for (let k = 0; k <= prepends; k++) hops.push(origin);
      const segments: [number, number[]][] = [[AS_SEQUENCE, hops]];
      if (next() < 0.05) segments.unshift([AS_CONFED_SEQUENCE, asns(2)]);
      path = asPath(segments, next() < 0.1);
      kept.set(key, path);
    }
    return path;
  };
  const out = [peerIndexTable(T, '192.0.2.254', 'random', peers)];
  const prefixes: { ipv6: boolean; prefix: string; length: number }[] = [];
  for (let seq = 0; seq < records; seq++) {
    const ipv6 = next() < 0.3;
    const earlier = repeating !== undefined && prefixes.length > 0 && next() < 0.03;
    const previous = repeating !== undefined && prefixes.length > 0 && next() < (repeating.samePrefixNext ?? 0.01);
    const { prefix, length } = previous
      ? prefixes.at(-1)!
      : earlier
        ? pick(prefixes.filter((p) => p.ipv6 === ipv6).concat(prefixes[0]!))
        : {
            length: Math.floor(next() * (ipv6 ? 129 : 33)),
            prefix: ipv6
              ? Array.from({ length: 8 }, (_, i) => (i === 0 ? 0x2001 : Math.floor(next() * 0x10000)).toString(16)).join(':')
              : Array.from({ length: 4 }, () => Math.floor(next() * 256)).join('.'),
          };
    const family = prefix.includes(':');
    prefixes.push({ ipv6: family, prefix, length });
    const addPath = repeating !== undefined && !family && next() < 0.05;
    const hop = family ? mpReachNextHop('2001:db8::2') : nextHop('192.0.2.1');
    const entries: RibEntry[] = [];
    if (repeating === undefined) {
      for (let count = 1 + Math.floor(next() * 3); count > 0; count--) {
        entries.push({ peerIndex: Math.floor(next() * peers.length), originatedTime: T - seq, attributes: [originIgp(), anyPath(), hop] });
      }
    } else {
      const origin = pick(origins);
      for (let peerIndex = 0; peerIndex < peers.length; peerIndex++) {
        if (next() < 0.1) continue;
        const path = () => (next() < 0.1 ? anyPath() : keptPath(peerIndex, next() < 0.03 ? pick(origins) : origin, next() < 0.1 ? 1 : 0));
        for (let p = 0; p < (addPath ? 2 : 1); p++) {
          entries.push({ peerIndex, originatedTime: T - seq, ...(addPath && { pathId: p + 1 }), attributes: [originIgp(), path(), hop] });
        }
      }
    }
    if (entries.length === 0) continue;
    const subtype = family ? Subtype.RIB_IPV6_UNICAST : addPath ? Subtype.RIB_IPV4_UNICAST_ADDPATH : Subtype.RIB_IPV4_UNICAST;
    // The writer keeps only the prefix bytes the length covers; bits beyond it may be set.
    out.push(ribRecord(T, subtype, seq, prefix, length, entries));
  }
  return Buffer.concat(out);
}
