/**
 * Paths, visibility and upstreams of routes from MRT RIBs written byte by
 * byte, and from `bgpdump -m` output of the same files: what Debian's
 * bgpdump prints is read here independently of the parsers, and both
 * parsers must agree with it.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AsPathHop, RoutePathsSeen } from '../../lib/bgp/bgp-source.ts';
import type { RoutingTable } from '../../lib/bgp/table/routing-table.ts';
import { parseTable } from '../../lib/bgp/table/table-file-loader.ts';
import { fixtureMrt } from '../testkit/bgp/fixture-table.ts';
import { Segment, Subtype, asPath, mpReachNextHop, nextHop, originIgp, peerIndexTable, ribRecord, type Peer } from '../testkit/bgp/mrt-writer.ts';
import { bgpdumpOutput, inPieces } from '../testkit/bgp/table-helpers.ts';
import { formatPrefix } from '../../lib/net/ip-address.ts';
import { seededRandom } from '../testkit/seeded-random.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const T = 1_700_000_000;
const { AS_SEQUENCE, AS_SET, AS_CONFED_SEQUENCE } = Segment;

/** A route's paths as text, ties in a fixed order: the table orders them by count only. */
interface PathsText {
  visibility: string;
  paths: string[];
  upstreams: string[];
}

const hopText = (hop: AsPathHop) => (typeof hop === 'number' ? `${hop}` : `{${hop.join(',')}}`);

function pathsText(seen: RoutePathsSeen): PathsText {
  const counts = seen.paths.map((path) => path.entries);
  assert.deepEqual(
    counts,
    [...counts].sort((a, b) => b - a),
    'paths most seen first',
  );
  const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  return {
    visibility: `${seen.visibility.seenBy}/${seen.visibility.peers}`,
    paths: seen.paths
      .map((path): [string, number] => [path.hops.map(hopText).join(' '), path.entries])
      .sort(byCount)
      .map(([path, n]) => `${path} ×${n}`),
    upstreams: seen.upstreams
      .map((upstream): [string, number] => [`${upstream.asn}`, upstream.entries])
      .sort(byCount)
      .map(([asn, n]) => `${asn} ×${n}`),
  };
}

/** Every route of a table with its paths, by prefix. */
function pathsOf(table: RoutingTable): Map<string, PathsText> {
  const routes = new Map<string, PathsText>();
  for (let handle = 0; handle < table.ipv4Prefixes + table.ipv6Prefixes; handle++) {
    const { prefix, paths } = table.route(handle);
    assert.ok(paths, `${prefix} has paths`);
    routes.set(formatPrefix(prefix), pathsText(paths));
  }
  return routes;
}

/**
 * The paths `bgpdump -m` lines show, read with nothing of the parsers:
 * confederation segments dropped, prepends collapsed, AS_SET members
 * sorted, an empty path being the peer's AS.
 */
function pathsOfBgpdump(text: string): Map<string, PathsText> {
  const lines = text.split('\n').filter(Boolean);
  const familyPeers = new Map<string, Set<string>>([
    ['4', new Set()],
    ['6', new Set()],
  ]);
  const routes = new Map<string, { peers: Set<string>; paths: Map<string, number> }>();
  for (const line of lines) {
    const [, , , peerIp, peerAs, prefix, pathText] = line.split('|') as string[];
    const family = prefix!.includes(':') ? '6' : '4';
    const peer = `${peerIp}|${peerAs}`;
    familyPeers.get(family)!.add(peer);
    const hops: string[] = [];
    for (const token of pathText!
      .replace(/\([^)]*\)|\[[^\]]*\]/g, '')
      .split(' ')
      .filter(Boolean)) {
      const hop = token.startsWith('{')
        ? `{${[...new Set(token.slice(1, -1).split(',').map(Number))].sort((a, b) => a - b).join(',')}}`
        : String(Number(token));
      if (hop !== hops.at(-1) || hop.startsWith('{')) hops.push(hop);
    }
    if (hops.length === 0) hops.push(peerAs!);
    const route = routes.get(prefix!) ?? { peers: new Set(), paths: new Map() };
    routes.set(prefix!, route);
    route.peers.add(peer);
    const key = hops.join(' ');
    route.paths.set(key, (route.paths.get(key) ?? 0) + 1);
  }
  const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  const result = new Map<string, PathsText>();
  for (const [prefix, route] of routes) {
    const upstreams = new Map<string, number>();
    for (const [path, n] of route.paths) {
      const before = path.split(' ').at(-2);
      if (before !== undefined && !before.startsWith('{')) upstreams.set(before, (upstreams.get(before) ?? 0) + n);
    }
    result.set(prefix, {
      visibility: `${route.peers.size}/${familyPeers.get(prefix.includes(':') ? '6' : '4')!.size}`,
      paths: [...route.paths].sort(byCount).map(([path, n]) => `${path} ×${n}`),
      upstreams: [...upstreams].sort(byCount).map(([asn, n]) => `${asn} ×${n}`),
    });
  }
  return result;
}

const PEERS: Peer[] = [
  { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 3356 },
  { bgpId: '192.0.2.2', address: '192.0.2.2', asn: 1299 },
  { bgpId: '192.0.2.3', address: '2001:db8::3', asn: 174 },
  { bgpId: '192.0.2.4', address: '192.0.2.4', asn: 64496 },
];
const entry = (peerIndex: number, segments: Parameters<typeof asPath>[0], pathId?: number) => ({
  peerIndex,
  originatedTime: T,
  pathId,
  attributes: [originIgp(), asPath(segments), nextHop('192.0.2.1')],
});

describe('paths, visibility and upstreams', () => {
  it('collapses prepends, drops confederations, counts peers and entries, most seen first', async () => {
    const rib = Buffer.concat([
      peerIndexTable(T, '192.0.2.254', 'paths', PEERS),
      ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '198.51.100.0', 24, [
        entry(0, [[AS_SEQUENCE, [3356, 1299, 1299, 64500, 64500, 64500]]]),
        entry(1, [[AS_SEQUENCE, [1299, 64500]]]),
        entry(3, [
          [AS_CONFED_SEQUENCE, [65001]],
          [AS_SEQUENCE, [64496, 1299, 64500]],
        ]),
      ]),
      ribRecord(T, Subtype.RIB_IPV4_UNICAST_ADDPATH, 1, '203.0.113.0', 24, [
        entry(0, [[AS_SEQUENCE, [3356, 64501]]], 1),
        entry(0, [[AS_SEQUENCE, [3356, 174, 64501]]], 2),
        entry(0, [[AS_SEQUENCE, [3356, 3356, 64501]]], 3),
        entry(1, [[AS_SEQUENCE, [1299, 174, 64501]]], 1),
        entry(3, [], 1),
      ]),
      ribRecord(T, Subtype.RIB_IPV4_UNICAST, 2, '192.0.2.0', 24, [
        entry(1, [
          [AS_SEQUENCE, [1299, 64502]],
          [AS_SET, [64504, 64503, 64504]],
        ]),
      ]),
    ]);
    const routes = pathsOf((await parseTable(inPieces(rib))).table);
    assert.deepEqual(routes.get('198.51.100.0/24'), {
      visibility: '3/3',
      paths: ['1299 64500 ×1', '3356 1299 64500 ×1', '64496 1299 64500 ×1'],
      upstreams: ['1299 ×3'],
    });
    // Peer 0 gives three paths (ADD-PATH), two the same once prepends are collapsed, but is one peer;
    // peer 3 originated the route itself.
    assert.deepEqual(routes.get('203.0.113.0/24'), {
      visibility: '3/3',
      paths: ['3356 64501 ×2', '1299 174 64501 ×1', '3356 174 64501 ×1', '64496 ×1'],
      upstreams: ['174 ×2', '3356 ×2'],
    });
    assert.deepEqual(routes.get('192.0.2.0/24'), { visibility: '1/3', paths: ['1299 64502 {64503,64504} ×1'], upstreams: ['64502 ×1'] });
  });

  it('counts the peers of each address family apart', async () => {
    const routes = pathsOf((await parseTable(inPieces(fixtureMrt()))).table);
    assert.deepEqual(routes.get('10.0.0.0/8'), { visibility: '2/3', paths: ['64496 64500 ×1', '64497 64500 ×1'], upstreams: ['64496 ×1', '64497 ×1'] });
    assert.deepEqual(routes.get('2001:db8:1::/48'), {
      visibility: '2/2',
      paths: ['4200000001 64511 ×1', '64496 64512 ×1'],
      upstreams: ['4200000001 ×1', '64496 ×1'],
    });
  });

  it('merges a prefix that comes back in a later record', async () => {
    const rib = Buffer.concat([
      peerIndexTable(T, '192.0.2.254', 'paths', PEERS),
      ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '198.51.100.0', 24, [entry(0, [[AS_SEQUENCE, [3356, 64500]]])]),
      ribRecord(T, Subtype.RIB_IPV4_UNICAST, 1, '203.0.113.0', 24, [entry(0, [[AS_SEQUENCE, [3356, 64501]]])]),
      ribRecord(T, Subtype.RIB_IPV4_UNICAST, 2, '198.51.100.0', 24, [entry(1, [[AS_SEQUENCE, [1299, 3356, 64500]]])]),
    ]);
    const routes = pathsOf((await parseTable(inPieces(rib))).table);
    assert.deepEqual(routes.get('198.51.100.0/24'), { visibility: '2/2', paths: ['1299 3356 64500 ×1', '3356 64500 ×1'], upstreams: ['3356 ×2'] });
  });

  it('gives each prefix the path its peer carries it by, when a peer’s path to an origin changes from prefix to prefix', async () => {
    // The path tree first tries the path the peer had to the origin last: here it is right, wrong, then right again.
    const paths = [
      [3356, 64500],
      [3356, 174, 64500],
      [3356, 64500],
      [3356, 174, 174, 64500],
      [3356, 1299, 64500],
    ];
    const rib = Buffer.concat([
      peerIndexTable(T, '192.0.2.254', 'paths', PEERS),
      ...paths.map((path, i) => ribRecord(T, Subtype.RIB_IPV4_UNICAST, i, `198.51.${100 + i}.0`, 24, [entry(0, [[AS_SEQUENCE, path]])])),
    ]);
    const routes = pathsOf((await parseTable(inPieces(rib))).table);
    assert.deepEqual(
      paths.map((_, i) => routes.get(`198.51.${100 + i}.0/24`)?.paths),
      [['3356 64500 ×1'], ['3356 174 64500 ×1'], ['3356 64500 ×1'], ['3356 174 64500 ×1'], ['3356 1299 64500 ×1']],
    );
  });

  it('has no paths for formats without them', async () => {
    const { table } = await parseTable(inPieces(Buffer.from('64500\t192.0.2.0/24\t10\n')));
    assert.equal(table.paths, undefined);
    assert.equal(table.matchAddress('192.0.2.1')?.paths, undefined);
  });
});

/** A RIB like a collector's: peers reach each origin through a few upstreams, with prepends, the odd AS_SET and confederation. */
function realisticRib(seed: number, prefixes: number): Buffer {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const peers: Peer[] = Array.from({ length: 8 }, (_, i) => ({
    bgpId: `192.0.2.${i + 1}`,
    address: i % 3 === 2 ? `2001:db8::${i + 1}` : `192.0.2.${i + 1}`,
    asn: i === 7 ? 4_200_000_007 : 64_496 + i,
  }));
  const transits = [3356, 1299, 174, 6939, 2914, 4_200_000_100];
  const out = [peerIndexTable(T, '192.0.2.254', 'realistic', peers)];
  for (let seq = 0; seq < prefixes; seq++) {
    const ipv6 = next() < 0.3;
    const origin = 64_512 + Math.floor(next() * 50);
    const upstreams = [pick(transits), pick(transits)];
    const entries = peers.flatMap((peer, peerIndex) => {
      if (next() < 0.2) return [];
      const path: number[] = [peer.asn];
      if (next() < 0.5) path.push(pick(transits));
      path.push(pick(upstreams));
      path.push(...Array(1 + Math.floor(next() * 3)).fill(origin));
      const segments: [number, number[]][] = [];
      if (next() < 0.05) segments.push([AS_CONFED_SEQUENCE, [65_001, 65_002]]);
      segments.push([AS_SEQUENCE, next() < 0.1 ? [] : path]);
      if (next() < 0.05) segments.push([AS_SET, [origin + 1, origin]]);
      const hop = ipv6 ? mpReachNextHop('2001:db8::1') : nextHop('192.0.2.1');
      return [{ peerIndex, originatedTime: T, attributes: [originIgp(), asPath(segments), hop] }];
    });
    if (entries.length === 0) continue;
    const prefix = ipv6 ? `2001:db8:${(seq >> 8).toString(16)}:${(seq & 255).toString(16)}::` : `10.${seq >> 8}.${seq & 255}.0`;
    out.push(ribRecord(T, ipv6 ? Subtype.RIB_IPV6_UNICAST : Subtype.RIB_IPV4_UNICAST, seq, prefix, ipv6 ? 64 : 24, entries));
  }
  return Buffer.concat(out);
}

describe('paths cross-checked with Debian’s bgpdump', () => {
  const dir = temporaryFolder('fedidig-paths-');

  for (const seed of [1, 2]) {
    it(`an MRT RIB and its bgpdump -m output give the paths bgpdump prints (seed ${seed})`, async (t) => {
      const rib = realisticRib(seed, 600);
      const file = join(dir(), `rib-${seed}.mrt`);
      await writeFile(file, rib);
      const text = await bgpdumpOutput(t, file);
      if (text === undefined) return;
      const expected = pathsOfBgpdump(text.toString('utf8'));
      assert.ok(expected.size > 400, 'bgpdump read the routes');
      const fromMrt = pathsOf((await parseTable(inPieces(rib))).table);
      const fromText = pathsOf((await parseTable(inPieces(text, 4096))).table);
      assert.deepEqual(fromMrt, expected);
      assert.deepEqual(fromText, expected);
    });
  }
});
