/**
 * The RPKI part of `npm run bench:bgp`: a VRP set of today's size drawn from
 * the generated routing table (ROAs for announced prefixes, mostly by their
 * origin, a fifth with a maxLength above the prefix length, a few AS0),
 * written as rpki-client JSON and as Routinator CSV, then loaded and
 * checked in a child process each, like the table.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { formatIpv4, formatIpv6, type IpAddress, parseIpAddress } from '../../lib/net/ip-address.ts';
import { loadVrpFile } from '../../lib/bgp/rpki/vrp-file-loader.ts';
import { MB } from './format.ts';
import { memory } from './memory.ts';

/** One family of the generated table, as bench-bgp.ts makes it. */
export interface GeneratedFamily {
  readonly nets: Uint32Array;
  readonly lengths: Uint8Array;
  readonly origins: Uint32Array;
}

/** The network address of route `r`, in text. */
export function networkText(family: GeneratedFamily, r: number, ipv4: boolean): string {
  return ipv4 ? formatIpv4(family.nets[r]!) : formatIpv6(family.nets, 4 * r);
}

export const VRP_FILES = [
  { key: 'json', file: 'vrps.json', label: 'rpki-client JSON' },
  { key: 'csv', file: 'vrps.csv', label: 'Routinator CSV' },
] as const;

/** Today's share of IPv4 among VRPs, about three quarters. */
const IPV4_SHARE = 0.75;

interface GeneratedVrp {
  readonly prefix: string;
  readonly maxLength: number;
  readonly asn: number;
}

/**
 * `count` VRPs, each for a different prefix of the table (the real set has
 * few repeats), three quarters IPv4.
 */
export function generateVrps(next: () => number, table: { ipv4: GeneratedFamily; ipv6: GeneratedFamily }, count: number): GeneratedVrp[] {
  const picks = { ipv4: distinctPicks(next, table.ipv4.lengths.length), ipv6: distinctPicks(next, table.ipv6.lengths.length) };
  const vrps: GeneratedVrp[] = [];
  for (let i = 0; i < count; i++) {
    const ipv4 = next() < IPV4_SHARE;
    const family = ipv4 ? table.ipv4 : table.ipv6;
    const r = (ipv4 ? picks.ipv4 : picks.ipv6)();
    const length = family.lengths[r]!;
    const prefix = `${networkText(family, r, ipv4)}/${length}`;
    const roll = next();
    const asn = roll < 0.01 ? 0 : roll < 0.93 ? family.origins[r]! : 1 + Math.floor(next() * 400_000);
    const maxLength = next() < 0.8 ? length : Math.min(length + 1 + Math.floor(next() * 4), ipv4 ? 32 : 128);
    vrps.push({ prefix, maxLength, asn });
  }
  return vrps;
}

/** Route numbers below `size` in random order, each once (then again from the start, should more be asked). */
function distinctPicks(next: () => number, size: number): () => number {
  const order = Uint32Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let taken = 0;
  return () => order[taken++ % size]!;
}

export async function writeVrpFiles(dir: string, vrps: readonly GeneratedVrp[]): Promise<void> {
  const write = async (file: string, head: string, line: (vrp: GeneratedVrp, last: boolean) => string, tail: string) => {
    const stream = createWriteStream(join(dir, file));
    let buffer = head;
    for (let i = 0; i < vrps.length; i++) {
      buffer += line(vrps[i]!, i === vrps.length - 1);
      if (buffer.length < MB) continue;
      const flushed = stream.write(buffer);
      buffer = '';
      if (!flushed) await once(stream, 'drain');
    }
    await new Promise<void>((resolve, reject) => stream.end(buffer + tail, (error?: Error | null) => (error ? reject(error) : resolve())));
  };
  // As rpki-client -j writes it: a ROA a line, with trust anchor and expiry.
  await write(
    'vrps.json',
    '{\n\t"metadata": {\n\t\t"buildmachine": "bench",\n\t\t"buildtime": "2026-11-30T12:00:00Z"\n\t},\n\t"roas": [\n',
    (vrp, last) =>
      `\t\t{ "asn": ${vrp.asn}, "prefix": "${vrp.prefix}", "maxLength": ${vrp.maxLength}, "ta": "ripe", "expires": 1796040000 }${last ? '' : ','}\n`,
    '\t],\n\t"bgpsec_keys": [],\n\t"aspas": []\n}\n',
  );
  await write('vrps.csv', 'ASN,IP Prefix,Max Length,Trust Anchor\n', (vrp) => `AS${vrp.asn},${vrp.prefix},${vrp.maxLength},ripe\n`, '');
}

/** Routes to check: `count` table routes with their origin, three quarters IPv4. */
export function routesToCheck(next: () => number, table: { ipv4: GeneratedFamily; ipv6: GeneratedFamily }, count: number): string[] {
  return Array.from({ length: count }, () => {
    const ipv4 = next() < IPV4_SHARE;
    const family = ipv4 ? table.ipv4 : table.ipv6;
    const r = Math.floor(next() * family.lengths.length);
    return `${networkText(family, r, ipv4)} ${family.lengths[r]} ${family.origins[r]}`;
  });
}

export interface VrpReport {
  loadMs: number;
  rssDeltaMB: number;
  liveDeltaMB: number;
  setMB: number;
  vrps: number;
  checks: { perSecond: number; nsPerCheck: number; states: Record<string, number> };
}

/** In the child: loads `file`, then validates each route of `routes` (lines `address length origin`) many times over. */
export async function vrpChild(dir: string, file: string, routeLines: readonly string[], checks: number): Promise<VrpReport> {
  const routes = routeLines.map((line) => {
    const [address, length, origin] = line.split(' ');
    return { address: parseIpAddress(address!) as IpAddress, length: Number(length), origin: Number(origin) };
  });
  const before = memory();
  const start = performance.now();
  const { vrps } = await loadVrpFile(join(dir, file));
  const loadMs = performance.now() - start;
  const after = memory();
  const states: Record<string, number> = {};
  for (const route of routes) {
    const { state } = vrps.validate(route.address, route.length, route.origin);
    states[state] = (states[state] ?? 0) + 1;
  }
  let checksum = 0;
  const begin = process.hrtime.bigint();
  for (let i = 0; i < checks; i++) {
    const route = routes[i % routes.length]!;
    checksum += vrps.validate(route.address, route.length, route.origin).state.length;
  }
  const ns = Number(process.hrtime.bigint() - begin);
  process.stderr.write(`checksum ${checksum}\n`);
  return {
    loadMs,
    rssDeltaMB: (after.rss - before.rss) / MB,
    liveDeltaMB: (after.live - before.live) / MB,
    setMB: vrps.byteLength / MB,
    vrps: vrps.ipv4Vrps + vrps.ipv6Vrps,
    checks: { perSecond: Math.round((checks * 1e9) / ns), nsPerCheck: ns / checks, states },
  };
}
