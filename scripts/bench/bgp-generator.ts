/**
 * The table `npm run bench:bgp` measures: a synthetic table of full-Internet
 * size with a realistic prefix-length mix (IPv4 mostly /24, then /22, /23,
 * /20…; IPv6 mostly /48, /32, /44, /40), clustered in allocations so that
 * prefixes nest as in the real table, from a seeded generator (the same
 * seed gives the same table); the random lookup addresses (80 % inside
 * announced prefixes); and the table written as a RIS riswhoisdump, a CAIDA
 * prefix2as and a `bgpdump -m` file.
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { networkText } from './vrps.ts';

/** The text formats written, and how the report names them. */
export const FORMATS = [
  { key: 'ris', file: 'riswhoisdump.txt', label: 'RIS riswhoisdump' },
  { key: 'caida', file: 'prefix2as.txt', label: 'CAIDA prefix2as' },
  { key: 'bgpdump', file: 'bgpdump.txt', label: 'bgpdump -m' },
] as const;

/** Picks from weighted choices, `[value, weight][]`. */
function weighted(next: () => number, choices: readonly (readonly [number, number])[]): () => number {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  return () => {
    let r = next() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  };
}

// Shares roughly as in today's default-free zone.
const IPV4_LENGTHS = [
  [24, 600],
  [23, 90],
  [22, 120],
  [21, 45],
  [20, 45],
  [19, 30],
  [18, 18],
  [17, 12],
  [16, 25],
  [15, 4],
  [14, 4],
  [13, 3],
  [12, 2],
  [11, 1],
  [10, 1],
  [9, 0.5],
  [8, 0.5],
] as const;
const IPV4_ALLOCATIONS = [
  [12, 2],
  [13, 3],
  [14, 5],
  [15, 5],
  [16, 25],
  [17, 10],
  [18, 10],
  [19, 15],
  [20, 10],
  [21, 5],
  [22, 10],
] as const;
const IPV6_LENGTHS = [
  [48, 500],
  [32, 120],
  [44, 80],
  [40, 70],
  [36, 40],
  [46, 30],
  [47, 30],
  [29, 30],
  [42, 20],
  [45, 20],
  [33, 10],
  [34, 10],
  [35, 10],
  [28, 10],
  [38, 8],
  [56, 5],
  [64, 5],
  [30, 2],
] as const;
const IPV6_ALLOCATIONS = [
  [32, 80],
  [29, 10],
  [28, 5],
  [24, 3],
  [20, 2],
] as const;
/** First 16 bits of where RIRs allocate IPv6: 2001::/16, 2400::/12, 2600::/12, 2800::/12, 2a00::/12, 2c00::/12. */
const IPV6_REGIONS = [
  [0x2001, 1, 15],
  [0x2400, 16, 25],
  [0x2600, 16, 25],
  [0x2800, 16, 10],
  [0x2a00, 21, 30],
  [0x2c00, 16, 5],
] as const;

export interface GeneratedTable {
  ipv4: { nets: Uint32Array; lengths: Uint8Array; origins: Uint32Array; second: Uint32Array };
  ipv6: { nets: Uint32Array; lengths: Uint8Array; origins: Uint32Array; second: Uint32Array };
}

/** A random ASN: mostly 16-bit, a quarter 4-byte, as in the real table. */
function asnPicker(next: () => number): () => number {
  return () => (next() < 0.75 ? 1 + Math.floor(next() * 64_000) : 131_072 + Math.floor(next() * 270_000));
}

export function generateIpv4(next: () => number, count: number): GeneratedTable['ipv4'] {
  const asn = asnPicker(next);
  const allocationLength = weighted(next, IPV4_ALLOCATIONS);
  const prefixLength = weighted(next, IPV4_LENGTHS);
  const allocations = Array.from({ length: 60_000 }, () => {
    const length = allocationLength();
    // 1.0.0.0 – 223.255.255.255, the unicast space.
    const net = Math.floor(0x01000000 + next() * (0xe0000000 - 0x01000000));
    return { net: (net & ~(2 ** (32 - length) - 1)) >>> 0, length, owner: asn() };
  });
  const seen = new Set<number>();
  const out = { nets: new Uint32Array(count), lengths: new Uint8Array(count), origins: new Uint32Array(count), second: new Uint32Array(count) };
  for (let i = 0; i < count; ) {
    const length = prefixLength();
    const allocation = allocations[Math.floor(next() * allocations.length)]!;
    let net: number;
    let origin = allocation.owner;
    if (allocation.length <= length) {
      net = allocation.net + Math.floor(next() * 2 ** (length - allocation.length)) * 2 ** (32 - length);
    } else {
      net = Math.floor(0x01000000 + next() * (0xe0000000 - 0x01000000));
      net = (net & ~(2 ** (32 - length) - 1)) >>> 0;
      origin = asn();
    }
    const key = net * 64 + length;
    if (seen.has(key)) continue;
    seen.add(key);
    out.nets[i] = net;
    out.lengths[i] = length;
    out.origins[i] = next() < 0.9 ? origin : asn();
    out.second[i] = next() < 0.01 ? asn() : 0; // MOAS
    i++;
  }
  return out;
}

export function generateIpv6(next: () => number, count: number): GeneratedTable['ipv6'] {
  const asn = asnPicker(next);
  const allocationLength = weighted(next, IPV6_ALLOCATIONS);
  const prefixLength = weighted(next, IPV6_LENGTHS);
  const region = weighted(
    next,
    IPV6_REGIONS.map(([, , weight], i) => [i, weight] as const),
  );
  // Prefixes here are at most /64: words 0 and 1 say it all, words 2 and 3 are zero.
  const allocations = Array.from({ length: 35_000 }, () => {
    const [top, span] = IPV6_REGIONS[region()]!;
    const length = allocationLength();
    const word0 = (top + Math.floor(next() * span)) * 0x10000 + Math.floor(next() * 0x10000);
    return { word0: maskHigh(word0, length), length, owner: asn() };
  });
  const seen = new Set<string>();
  const out = { nets: new Uint32Array(count * 4), lengths: new Uint8Array(count), origins: new Uint32Array(count), second: new Uint32Array(count) };
  for (let i = 0; i < count; ) {
    const length = prefixLength();
    const allocation = allocations[Math.floor(next() * allocations.length)]!;
    if (allocation.length > length) continue;
    const word0 =
      length <= 32
        ? maskHigh(allocation.word0 + Math.floor(next() * 2 ** (32 - allocation.length)), length)
        : allocation.word0 + (allocation.length < 32 ? Math.floor(next() * 2 ** (32 - allocation.length)) : 0);
    const word1 = length <= 32 ? 0 : maskHigh(Math.floor(next() * 2 ** 32), length - 32);
    const key = `${word0}:${word1}/${length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.nets.set([maskHigh(word0, Math.min(length, 32)), word1, 0, 0], i * 4);
    out.lengths[i] = length;
    out.origins[i] = next() < 0.9 ? allocation.owner : asn();
    out.second[i] = next() < 0.01 ? asn() : 0;
    i++;
  }
  return out;
}

/** Keeps the top `length` bits of a 32-bit word. */
function maskHigh(word: number, length: number): number {
  return length >= 32 ? word >>> 0 : length <= 0 ? 0 : (word & ~(2 ** (32 - length) - 1)) >>> 0;
}

/** Lookup addresses: 80 % inside a random announced prefix, 20 % anywhere. */
export function generateAddresses(next: () => number, table: GeneratedTable, count: number): { ipv4: Uint32Array; ipv6: Uint32Array } {
  const ipv4 = new Uint32Array(count);
  const ipv6 = new Uint32Array(count * 4);
  const word = () => Math.floor(next() * 2 ** 32);
  for (let i = 0; i < count; i++) {
    if (next() < 0.8) {
      const r = Math.floor(next() * table.ipv4.lengths.length);
      const host = 2 ** (32 - table.ipv4.lengths[r]!);
      ipv4[i] = table.ipv4.nets[r]! + Math.floor(next() * host);
      const s = Math.floor(next() * table.ipv6.lengths.length);
      const length = table.ipv6.lengths[s]!;
      ipv6[4 * i] = table.ipv6.nets[4 * s]! + (length < 32 ? Math.floor(next() * 2 ** (32 - length)) : 0);
      ipv6[4 * i + 1] = table.ipv6.nets[4 * s + 1]! + (length < 64 ? Math.floor(next() * 2 ** (64 - Math.max(length, 32))) : 0);
      ipv6[4 * i + 2] = word();
      ipv6[4 * i + 3] = word();
    } else {
      ipv4[i] = word();
      ipv6.set([(0x20000000 + Math.floor(next() * 2 ** 28)) >>> 0, word(), word(), word()], 4 * i);
    }
  }
  return { ipv4, ipv6 };
}

async function writeLines(path: string, produce: (write: (line: string) => void) => void): Promise<void> {
  const stream: WriteStream = createWriteStream(path);
  let buffer: string[] = [];
  const flush = () => {
    stream.write(buffer.join(''));
    buffer = [];
  };
  produce((line) => {
    buffer.push(line);
    if (buffer.length === 10_000) flush();
  });
  flush();
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

export async function writeFormats(dir: string, table: GeneratedTable): Promise<void> {
  const each = (visit: (net: string, length: number, origins: number[]) => void) => {
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (let i = 0; i < table[family].lengths.length; i++) {
        const net = networkText(table[family], i, family === 'ipv4');
        const length = table[family].lengths[i]!;
        const second = table[family].second[i]!;
        visit(net, length, second ? [table[family].origins[i]!, second] : [table[family].origins[i]!]);
      }
    }
  };
  await writeLines(join(dir, 'riswhoisdump.txt'), (write) => {
    write('% synthetic RIS whois dump\n');
    each((net, length, origins) => {
      for (const asn of origins) write(`${asn}\t${net}/${length}\t${300}\n`);
    });
  });
  await writeLines(join(dir, 'prefix2as.txt'), (write) => {
    each((net, length, origins) => write(`${net}\t${length}\t${origins.join('_')}\n`));
  });
  await writeLines(join(dir, 'bgpdump.txt'), (write) => {
    each((net, length, origins) => {
      for (const asn of origins) write(`TABLE_DUMP2|1700000000|B|192.0.2.1|64496|${net}/${length}|64496 3356 ${asn}|IGP|192.0.2.1|0|0||NAG||\n`);
    });
  });
}
