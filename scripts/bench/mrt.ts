/**
 * The MRT part of `npm run bench:bgp`: the generated table as a RIPE RIS
 * bview would hold it, an MRT TABLE_DUMP_V2 RIB written by the tests' MRT
 * writer (test/testkit/bgp/mrt-writer.ts) with the RIB entries of 30 peers and AS
 * paths shaped like the Internet's: each peer reaches an origin through a
 * tier-1 core, the tier-1 of one of the origin's few upstreams, that
 * upstream, and the origin, prepending now and then; a few peers carry a
 * partial table; Debian's `bgpdump -m` reads it to /dev/null for the ratio;
 * and the goals of issue 19. The measurements, each in a child process of
 * its own, are in mrt-children.ts.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, openSync, closeSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  asPath,
  mpReachNextHop,
  nextHop,
  originIgp,
  peerIndexTable,
  ribRecord,
  Segment,
  Subtype,
  type Peer,
  type RibEntry,
} from '../../test/testkit/bgp/mrt-writer.ts';
import { fmt, MB } from './format.ts';
import { MRT_FILE } from './mrt-children.ts';
import { type GeneratedFamily, networkText } from './vrps.ts';

const DUMP_TIME = 1_764_489_600; // 2025-11-30 08:00 UTC, a RIS dump time
const TIER1 = [3356, 1299, 174, 2914, 6762, 6939, 3257, 6453, 3491, 5511, 701, 7018, 6461, 1273, 12956];
/** Mid-tier transit ASes that origins buy from. */
const UPSTREAMS = 4000;
/** Above this many cached AS_PATH attributes the cache starts over, to bound the generator's memory. */
const MAX_CACHED_PATHS = 1_500_000;

/** A deterministic 32-bit mix of two numbers, so that a (peer, origin) pair always gets the same path. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

function transit(index: number): number {
  return 20_000 + (mix(index, 7) % 40_000);
}

/** The peers of the dump: a few tier-1s, the rest transit and content networks, each with its tier-1 provider. */
function benchPeers(count: number): { peers: Peer[]; providers: number[] } {
  const peers: Peer[] = [];
  const providers: number[] = [];
  for (let i = 0; i < count; i++) {
    const tier1 = i < 5 ? TIER1[i]! : undefined;
    const asn = tier1 ?? (i % 4 === 0 ? 4_200_000_000 + i : 30_000 + ((mix(i, 3) % 30_000) | 0));
    peers.push({ bgpId: `192.0.2.${i + 1}`, address: i % 3 === 0 ? `2001:db8::${(i + 1).toString(16)}` : `192.0.2.${i + 1}`, asn });
    providers.push(tier1 ?? TIER1[mix(i, 11) % TIER1.length]!);
  }
  return { peers, providers };
}

export interface MrtWritten {
  readonly peers: number;
  readonly entries: number;
  readonly bytes: number;
}

/**
 * Writes the RIB of `table`'s prefixes as `peerCount` peers see them. A peer
 * carries all of an origin's prefixes or none (one in ten (origin, peer)
 * pairs is filtered, as policies act on ASes, and two peers carry only half
 * the origins), and 1 % of (prefix, peer) pairs are missing besides; 5 % of
 * prefixes are steered through another upstream (traffic engineering).
 */
export async function writeMrtRib(dir: string, table: { ipv4: GeneratedFamily; ipv6: GeneratedFamily }, peerCount: number): Promise<MrtWritten> {
  const path = join(dir, MRT_FILE);
  const stream = createWriteStream(path, { highWaterMark: 4 * MB });
  const write = async (chunk: Buffer) => {
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  const { peers, providers } = benchPeers(peerCount);
  await write(peerIndexTable(DUMP_TIME, '192.0.2.254', 'bench', peers));
  const origin = originIgp();
  const hops = { ipv4: nextHop('192.0.2.1'), ipv6: mpReachNextHop('2001:db8::1') };
  const cache = new Map<number, Buffer>();
  const pathAttribute = (peerIndex: number, asn: number, steered: boolean): Buffer => {
    const key = (asn * 64 + peerIndex) * 2 + (steered ? 1 : 0);
    let attribute = cache.get(key);
    if (attribute === undefined) {
      if (cache.size >= MAX_CACHED_PATHS) cache.clear();
      const h = mix(asn, peerIndex);
      const upstreamCount = 1 + (mix(asn, 1) % 3);
      const upstream = transit(mix(asn, 2 + ((h + (steered ? 1 : 0)) % upstreamCount)) % UPSTREAMS);
      const upstreamTier1 = TIER1[mix(upstream, 5) % TIER1.length]!;
      const path = [peers[peerIndex]!.asn];
      if (providers[peerIndex] !== path[0]) path.push(providers[peerIndex]!);
      if (upstreamTier1 !== path.at(-1)) path.push(upstreamTier1);
      path.push(upstream);
      const prepends = mix(asn, 9) % 10 === 0 ? 1 + (mix(asn, 10) % 3) : 0;
      for (let k = 0; k <= prepends; k++) path.push(asn);
      attribute = asPath([[Segment.AS_SEQUENCE, path]]);
      cache.set(key, attribute);
    }
    return attribute;
  };
  let entries = 0;
  let sequence = 0;
  for (const family of ['ipv4', 'ipv6'] as const) {
    const { lengths, origins } = table[family];
    for (let i = 0; i < lengths.length; i++, sequence++) {
      const steered = mix(sequence, 13) % 20 === 0;
      const ribEntries: RibEntry[] = [];
      for (let p = 0; p < peers.length; p++) {
        const partial = p >= peers.length - 2 && mix(origins[i]!, p) % 2 === 0;
        if (partial || mix(origins[i]!, p + 100) % 10 === 0 || mix(sequence, p + 200) % 100 === 0) continue;
        ribEntries.push({
          peerIndex: p,
          originatedTime: DUMP_TIME - (mix(sequence, p) % 86_400),
          attributes: [origin, pathAttribute(p, origins[i]!, steered), hops[family]],
        });
      }
      if (ribEntries.length === 0) continue;
      entries += ribEntries.length;
      const prefix = networkText(table[family], i, family === 'ipv4');
      await write(ribRecord(DUMP_TIME, family === 'ipv4' ? Subtype.RIB_IPV4_UNICAST : Subtype.RIB_IPV6_UNICAST, sequence, prefix, lengths[i]!, ribEntries));
    }
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { peers: peers.length, entries, bytes: (await stat(path)).size };
}

export interface KeptRib {
  /** The options it was made with. */
  made: string;
  rib: MrtWritten;
  /** `bgpdump -m` on it: minutes at full size, and the same for every run on this file. */
  bgpdumpMs: number | undefined;
}

/** The MRT RIB in `dir` and bgpdump's time on it: kept there by an earlier run with the same options, or written and timed now. */
export async function keptMrtRib(
  dir: string,
  table: { ipv4: GeneratedFamily; ipv6: GeneratedFamily },
  options: { ipv4: number; ipv6: number; peers: number; seed: number },
  log: (message: string) => void,
): Promise<KeptRib> {
  const facts = join(dir, 'bview.json');
  const made = JSON.stringify({ ipv4: options.ipv4, ipv6: options.ipv6, peers: options.peers, seed: options.seed });
  const kept = await readFile(facts, 'utf8').then(
    (text) => JSON.parse(text) as KeptRib,
    () => undefined,
  );
  if (kept?.made === made) {
    log(`MRT: using the RIB of ${fmt(kept.rib.peers)} peers and bgpdump's time on it, kept in ${dir}`);
    return kept;
  }
  log(`MRT: writing the RIB of ${fmt(options.peers)} peers with the MRT writer`);
  const rib = await writeMrtRib(dir, table, options.peers);
  log('bgpdump -m: reading it');
  const written = { made, rib, bgpdumpMs: await timeBgpdump(dir) };
  await writeFile(facts, JSON.stringify(written));
  return written;
}

/** Debian's bgpdump reading the RIB into `-m` lines, thrown away: its time, and undefined when it is not installed. */
export async function timeBgpdump(dir: string): Promise<number | undefined> {
  const devNull = openSync('/dev/null', 'w');
  try {
    const started = performance.now();
    const child = spawn('/usr/bin/bgpdump', ['-q', '-m', join(dir, MRT_FILE)], { stdio: ['ignore', devNull, 'inherit'] });
    const [code] = (await Promise.race([once(child, 'exit'), once(child, 'error').then(() => [-1])])) as [number | null];
    return code === 0 ? performance.now() - started : undefined;
  } finally {
    closeSync(devNull);
  }
}

/**
 * What issue 19 asks of the load of this RIB with its paths, and the figures
 * before it (the README's run of 2026-11-30 on the same machine, the code of
 * commit 6a23fb7): printed beside each figure so that the next reader sees
 * where it stands.
 */
export const MRT_GOALS = {
  loadMs: { goal: 5000, before: 37_090 },
  // CPU time before: a one-shot load of commit 6a23fb7's code on 2026-12-05, at a load average of 10 to 19.
  loadCpuMs: { goal: undefined, before: 76_900 },
  peakRssMB: { goal: 350, before: 629 },
  rssDeltaMB: { goal: undefined, before: 207 },
  tableMB: { goal: 131, before: 131 },
  pathsMB: { goal: undefined, before: 91 },
  snapshotWriteMs: { goal: undefined, before: 330 },
  snapshotLoadMs: { goal: 500, before: 360 },
  reloadMs: { goal: undefined, before: 40_500 },
  reloadRssGrowthMB: { goal: 150, before: undefined },
  stallMs: { goal: 50, before: 24 },
} as const;
