/**
 * Benchmarks the in-memory routing table against the `longest-prefix-match`
 * npm package on a table of full-Internet size.
 *
 *   npx tsx scripts/bench-bgp.ts [--json PATH] [--ipv4 N] [--ipv6 N] [--lookups N] [--vrps N] [--checks N] [--seed N]   (--help explains them)
 *
 * It generates a synthetic table with a realistic prefix-length mix (IPv4
 * mostly /24, then /22, /23, /20…; IPv6 mostly /48, /32, /44, /40),
 * clustered in allocations so prefixes nest as in the real table, writes it
 * as a RIS riswhoisdump, a CAIDA prefix2as and a `bgpdump -m` file, and
 * random lookup addresses (80 % inside announced prefixes). Each measurement
 * runs in its own child process (node --expose-gc), so that the memory
 * figures of one structure do not include the other's or the generator's:
 * a child prepares its query strings, collects garbage, notes its memory,
 * loads the table, collects garbage again and reports the difference.
 *
 * Debian's py-radix (python3-radix, a C radix tree) loads the same
 * prefix2as file and looks up the same addresses, as a second peer.
 *
 * Then the table as an MRT RIB of 30 peers with AS paths (scripts/bench/
 * mrt.ts): fedidig's load against Debian's `bgpdump -m` on the same file,
 * peak RSS, what the paths cost, the snapshot, and the event loop's longest
 * stall during a reload.
 *
 * Then RPKI: VRPs of today's number for prefixes of that table
 * (scripts/bench/vrps.ts), as rpki-client JSON and Routinator CSV, each
 * loaded in a child that then validates table routes.
 */

import { execFile } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatIpv4, formatIpv6, formatPrefix } from '../lib/net/ip-address.ts';
import { loadTableFile } from '../lib/bgp/table/table-file-loader.ts';
import { seededRandom } from '../test/testkit/seeded-random.ts';
import { alignedRows, fmt, MB, megabytes, seconds } from './bench/format.ts';
import { optionsOrExit } from './bench/options.ts';
import { generateVrps, networkText, routesToCheck, VRP_FILES, type VrpReport, vrpChild, writeVrpFiles } from './bench/vrps.ts';
import { MRT_GOALS, type MrtLoadReport, type MrtWritten, mrtLoadChild, reloadStallChild, snapshotLoadChild, timeBgpdump, writeMrtRib } from './bench/mrt.ts';

const USAGE = `
Usage: npx tsx scripts/bench-bgp.ts [options]   (--name=value works too)

  --ipv4 N        IPv4 prefixes in the generated table (default 1000000)
  --ipv6 N        IPv6 prefixes (default 220000)
  --lookups N     random addresses looked up per family (default 2000000)
  --vrps N        RPKI VRPs generated for the table's prefixes (default 800000)
  --checks N      route origin validations timed per VRP file (default 1000000)
  --peers N       peers in the generated MRT RIB (default 30)
  --seed N        seed of the generator, for the same table again (default 1)
  --only mrt      only the MRT RIB part (load, memory, snapshot, reload)
  --dir DIR       write the files in DIR and keep them; the MRT RIB (1.4 GB at full
                  size) is written again only when its options changed
  --json PATH     also write the results as JSON
  --help          this text
`;

const OPTIONS = {
  ipv4: { type: 'count', default: 1_000_000, min: 1 },
  ipv6: { type: 'count', default: 220_000, min: 1 },
  lookups: { type: 'count', default: 2_000_000, min: 1 },
  vrps: { type: 'count', default: 800_000, min: 1 },
  checks: { type: 'count', default: 1_000_000, min: 1 },
  peers: { type: 'count', default: 30, min: 1 },
  seed: { type: 'count', default: 1 },
  only: { type: 'string' },
  dir: { type: 'string' },
  json: { type: 'string' },
} as const;

type Options = ReturnType<typeof parseOptions>;

/** What a child process reports. */
interface ChildReport {
  loadMs: number;
  rssMB: number;
  rssDeltaMB: number;
  /** Live JS heap plus ArrayBuffers (typed arrays), after GC, minus the baseline. */
  liveDeltaMB: number;
  /** Bytes in the table's typed arrays (fedidig only). */
  tableMB?: number;
  lookups?: { ipv4: LookupFigures; ipv6: LookupFigures; ipv4Numeric?: LookupFigures; ipv6Numeric?: LookupFigures };
  /** Longest match of the first SAMPLE addresses, '' for none, to compare the two structures. */
  sample?: string[];
}

interface LookupFigures {
  perSecond: number;
  nsPerLookup: number;
}

const SAMPLE = 20_000;
const SCRIPT = fileURLToPath(import.meta.url);
const FORMATS = [
  { key: 'ris', file: 'riswhoisdump.txt', label: 'RIS riswhoisdump' },
  { key: 'caida', file: 'prefix2as.txt', label: 'CAIDA prefix2as' },
  { key: 'bgpdump', file: 'bgpdump.txt', label: 'bgpdump -m' },
] as const;

// ---------------------------------------------------------------- generation

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

interface GeneratedTable {
  ipv4: { nets: Uint32Array; lengths: Uint8Array; origins: Uint32Array; second: Uint32Array };
  ipv6: { nets: Uint32Array; lengths: Uint8Array; origins: Uint32Array; second: Uint32Array };
}

/** A random ASN: mostly 16-bit, a quarter 4-byte, as in the real table. */
function asnPicker(next: () => number): () => number {
  return () => (next() < 0.75 ? 1 + Math.floor(next() * 64_000) : 131_072 + Math.floor(next() * 270_000));
}

function generateIpv4(next: () => number, count: number): GeneratedTable['ipv4'] {
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

function generateIpv6(next: () => number, count: number): GeneratedTable['ipv6'] {
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
function generateAddresses(next: () => number, table: GeneratedTable, count: number): { ipv4: Uint32Array; ipv6: Uint32Array } {
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

// ------------------------------------------------------------------- writing

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

async function writeFormats(dir: string, table: GeneratedTable): Promise<void> {
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

// ------------------------------------------------------------------ children

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the child with --expose-gc');
  for (let i = 0; i < 3; i++) collect();
}

interface Memory {
  rss: number;
  live: number;
}

function memory(): Memory {
  gc();
  const usage = process.memoryUsage();
  return { rss: usage.rss, live: usage.heapUsed + usage.arrayBuffers };
}

/** Times `lookup` over `count` queries after a warm-up; returns figures and a checksum against dead-code elimination. */
function timeLookups(count: number, lookup: (i: number) => number): { figures: LookupFigures; checksum: number } {
  let checksum = 0;
  for (let i = 0; i < Math.min(count, 200_000); i++) checksum += lookup(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) checksum += lookup(i);
  const ns = Number(process.hrtime.bigint() - start);
  return { figures: { perSecond: Math.round((count * 1e9) / ns), nsPerLookup: ns / count }, checksum };
}

async function readAddresses(dir: string) {
  const buffer = await readFile(join(dir, 'addresses.bin'));
  const words = new Uint32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  const count = words.length / 5;
  const ipv4 = words.slice(0, count);
  const ipv6 = words.slice(count);
  return {
    count,
    ipv4,
    ipv6,
    ipv4Text: Array.from(ipv4, formatIpv4),
    ipv6Text: Array.from({ length: count }, (_, i) => formatIpv6(ipv6, 4 * i)),
  };
}

async function fedidigChild(dir: string, file: string, withLookups: boolean): Promise<ChildReport> {
  const addresses = withLookups ? await readAddresses(dir) : undefined;
  const before = memory();
  const start = performance.now();
  const { table } = await loadTableFile(join(dir, file));
  const loadMs = performance.now() - start;
  const after = memory();
  const report: ChildReport = {
    loadMs,
    rssMB: after.rss / MB,
    rssDeltaMB: (after.rss - before.rss) / MB,
    liveDeltaMB: (after.live - before.live) / MB,
    tableMB: table.byteLength / MB,
  };
  if (!addresses) return report;
  const { count, ipv4, ipv6, ipv4Text, ipv6Text } = addresses;
  const sum: number[] = [];
  const v4 = timeLookups(count, (i) => table.lookupAddress(ipv4Text[i]!));
  const v6 = timeLookups(count, (i) => table.lookupAddress(ipv6Text[i]!));
  const v4n = timeLookups(count, (i) => table.lookupIpv4(ipv4[i]!));
  const v6n = timeLookups(count, (i) => table.lookupIpv6(ipv6[4 * i]!, ipv6[4 * i + 1]!, ipv6[4 * i + 2]!, ipv6[4 * i + 3]!));
  sum.push(v4.checksum, v6.checksum, v4n.checksum, v6n.checksum);
  report.lookups = { ipv4: v4.figures, ipv6: v6.figures, ipv4Numeric: v4n.figures, ipv6Numeric: v6n.figures };
  const sample = (text: string) => {
    const match = table.matchAddress(text);
    return match ? formatPrefix(match.prefix) : '';
  };
  report.sample = [...ipv4Text.slice(0, SAMPLE / 2).map(sample), ...ipv6Text.slice(0, SAMPLE / 2).map(sample)];
  process.stderr.write(`checksum ${sum.join(' ')}\n`);
  return report;
}

/** The package as its README shows it: addPrefix per prefix, getMatch per query. */
async function packageChild(dir: string): Promise<ChildReport> {
  type Lpm = { addPrefix(prefix: string, data: unknown): void; getMatch(prefix: string): unknown[] };
  const LongestPrefixMatch = createRequire(import.meta.url)('longest-prefix-match') as new () => Lpm;
  const { count, ipv4Text, ipv6Text } = await readAddresses(dir);
  // Its getMatch() wants a prefix, so queries are /32 and /128.
  const ipv4Queries = ipv4Text.map((text) => `${text}/32`);
  const ipv6Queries = ipv6Text.map((text) => `${text}/128`);
  const lines = (await readFile(join(dir, 'prefix2as.txt'), 'utf8')).split('\n');
  const before = memory();
  const start = performance.now();
  const lpm = new LongestPrefixMatch();
  for (const line of lines) {
    if (line === '') continue;
    const [net, length, origins] = line.split('\t');
    lpm.addPrefix(`${net}/${length}`, { prefix: `${net}/${length}`, origins: origins!.split('_').map(Number) });
  }
  const loadMs = performance.now() - start;
  lines.length = 0;
  const after = memory();
  const v4 = timeLookups(count, (i) => lpm.getMatch(ipv4Queries[i]!).length);
  const v6 = timeLookups(count, (i) => lpm.getMatch(ipv6Queries[i]!).length);
  process.stderr.write(`checksum ${v4.checksum} ${v6.checksum}\n`);
  const sample = (query: string) => (lpm.getMatch(query)[0] as { prefix: string } | undefined)?.prefix ?? '';
  return {
    loadMs,
    rssMB: after.rss / MB,
    rssDeltaMB: (after.rss - before.rss) / MB,
    liveDeltaMB: (after.live - before.live) / MB,
    lookups: { ipv4: v4.figures, ipv6: v6.figures },
    sample: [...ipv4Queries.slice(0, SAMPLE / 2).map(sample), ...ipv6Queries.slice(0, SAMPLE / 2).map(sample)],
  };
}

/** Debian's python3-radix in its own process (scripts/bench/radix_peer.py); undefined when it is not installed. */
async function radixChild(dir: string): Promise<(ChildReport & { peakRssMB: number }) | undefined> {
  const peer = fileURLToPath(new URL('./bench/radix_peer.py', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [peer, dir, String(SAMPLE)], { maxBuffer: 256 * MB });
    return JSON.parse(stdout) as ChildReport & { peakRssMB: number };
  } catch (error) {
    process.stderr.write(`py-radix left out: ${(error as Error).message.split('\n')[0]} (apt-get install python3-radix)\n`);
    return undefined;
  }
}

async function runChild<Report = ChildReport>(args: string[]): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--max-old-space-size=16384', '--import', 'tsx', SCRIPT, '--child', ...args], {
    maxBuffer: 256 * MB,
  });
  return JSON.parse(stdout) as Report;
}

// ---------------------------------------------------------------------- main

function parseOptions(argv: readonly string[]) {
  return optionsOrExit(argv, OPTIONS, USAGE);
}

async function main(options: Options): Promise<void> {
  if (options.only !== undefined && options.only !== 'mrt') {
    process.stderr.write(`--only takes mrt (got “${options.only}”)\n\n${USAGE.trim()}\n`);
    process.exit(2);
  }
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'fedidig-bench-')));
  await mkdir(dir, { recursive: true });
  try {
    const next = seededRandom(options.seed);
    const log = (message: string) => process.stderr.write(`${message}\n`);
    log(`generating ${fmt(options.ipv4)} IPv4 and ${fmt(options.ipv6)} IPv6 prefixes in ${dir}`);
    const table: GeneratedTable = { ipv4: generateIpv4(next, options.ipv4), ipv6: generateIpv6(next, options.ipv6) };
    const addresses = generateAddresses(next, table, options.lookups);
    const lookups = options.only === undefined ? await lookupResults(dir, table, addresses) : undefined;

    const { rib, bgpdumpMs } = await keptMrtRib(dir, table, options, log);
    log(`fedidig: loading ${fmt(rib.bytes / MB)} MB of MRT RIB`);
    const mrtLoad = await runChild<MrtLoadReport>(['mrt-load', dir]);
    const snapshot = await runChild<{ snapshotLoadMs: number }>(['snapshot', dir]);
    const reload = await runChild<{ reloadMs: number; stallMs: number; reloadRssGrowthMB: number | undefined }>(['reload-stall', dir]);
    const mrt = { ...rib, ...mrtLoad, bgpdumpMs, ...snapshot, ...reload };

    const rpki = options.only === undefined ? await rpkiResults(dir, next, table, options, log) : undefined;
    if (lookups) {
      printTable(lookups.results);
      if (lookups.radix) printRadixTable(lookups.ours, lookups.radix, lookups.results.agreement.sameAsPyRadix!);
    }
    printMrtTable(mrt);
    if (rpki) printRpkiTable(rpki);
    const results = {
      ...lookups?.results,
      node: process.version,
      mrt,
      ...(rpki && { rpki: { vrpsGenerated: options.vrps, checks: options.checks, ...rpki } }),
    };
    if (options.json) await writeFile(options.json, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** The text formats loaded by fedidig, longest-prefix-match and py-radix, and their lookups. */
async function lookupResults(dir: string, table: GeneratedTable, addresses: { ipv4: Uint32Array; ipv6: Uint32Array }) {
  const log = (message: string) => process.stderr.write(`${message}\n`);
  await writeFile(join(dir, 'addresses.bin'), Buffer.concat([Buffer.from(addresses.ipv4.buffer), Buffer.from(addresses.ipv6.buffer)]));
  await writeFormats(dir, table);
  const loads: Record<string, ChildReport> = {};
  for (const format of FORMATS) {
    log(`fedidig: loading ${format.file}`);
    loads[format.key] = await runChild(['fedidig', dir, format.file, format.key === 'ris' ? 'lookups' : 'load']);
  }
  log('longest-prefix-match: loading prefix2as.txt and looking up');
  const pkg = await runChild(['package', dir]);
  log('py-radix: loading prefix2as.txt and looking up');
  const radix = await radixChild(dir);
  const ours = loads.ris!;
  const agree = ours.sample!.filter((prefix, i) => prefix === pkg.sample![i]).length;
  const agreeRadix = radix && ours.sample!.filter((prefix, i) => prefix === radix.sample![i]).length;
  const results = {
    prefixes: { ipv4: table.ipv4.lengths.length, ipv6: table.ipv6.lengths.length },
    lookupsPerFamily: addresses.ipv4.length,
    fedidig: {
      loadMs: Object.fromEntries(FORMATS.map((f) => [f.key, loads[f.key]!.loadMs])),
      memory: { rssMB: ours.rssMB, rssDeltaMB: ours.rssDeltaMB, liveDeltaMB: ours.liveDeltaMB, tableMB: ours.tableMB },
      lookups: ours.lookups,
    },
    longestPrefixMatch: {
      loadMs: { caida: pkg.loadMs },
      memory: { rssMB: pkg.rssMB, rssDeltaMB: pkg.rssDeltaMB, liveDeltaMB: pkg.liveDeltaMB },
      lookups: pkg.lookups,
    },
    pyRadix: radix && {
      loadMs: { caida: radix.loadMs },
      memory: { rssMB: radix.rssMB, rssDeltaMB: radix.rssDeltaMB, peakRssMB: radix.peakRssMB },
      lookups: radix.lookups,
    },
    agreement: { sampled: SAMPLE, sameLongestMatch: agree, sameAsPyRadix: agreeRadix },
  };
  return { results, ours, radix };
}

interface KeptRib {
  /** The options it was made with. */
  made: string;
  rib: MrtWritten;
  /** `bgpdump -m` on it: minutes at full size, and the same for every run on this file. */
  bgpdumpMs: number | undefined;
}

/** The MRT RIB in `dir` and bgpdump's time on it: kept there by an earlier run with the same options, or written and timed now. */
async function keptMrtRib(dir: string, table: GeneratedTable, options: Options, log: (message: string) => void): Promise<KeptRib> {
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

async function rpkiResults(dir: string, next: () => number, table: GeneratedTable, options: Options, log: (message: string) => void) {
  log(`RPKI: generating ${fmt(options.vrps)} VRPs for the table's prefixes`);
  await writeVrpFiles(dir, generateVrps(next, table, options.vrps));
  await writeFile(join(dir, 'routes.txt'), routesToCheck(next, table, 100_000).join('\n'));
  const rpki: Record<string, VrpReport> = {};
  for (const vrpFile of VRP_FILES) {
    log(`fedidig: loading ${vrpFile.file} and validating routes`);
    rpki[vrpFile.key] = await runChild<VrpReport>(['vrps', dir, vrpFile.file, String(options.checks)]);
  }
  return rpki;
}

const rate = (f: LookupFigures | undefined) => (f === undefined ? '—' : `${fmt(f.perSecond / 1e6, 2)} M/s`);
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${fmt(a / b, 1)}×` : '');

function printTable(r: {
  prefixes: { ipv4: number; ipv6: number };
  lookupsPerFamily: number;
  fedidig: { loadMs: Record<string, number>; memory: Record<string, number | undefined>; lookups?: ChildReport['lookups'] };
  longestPrefixMatch: { loadMs: Record<string, number>; memory: Record<string, number>; lookups?: ChildReport['lookups'] };
  agreement: { sampled: number; sameLongestMatch: number };
}): void {
  const ours = r.fedidig;
  const pkg = r.longestPrefixMatch;
  const s = (ms: number | undefined) => seconds(ms, 2);
  const mb = megabytes;
  const ns = (f: LookupFigures | undefined) => (f === undefined ? '—' : `${fmt(f.nsPerLookup, 0)} ns`);
  const rows: [string, string, string, string][] = [
    ['', 'fedidig', 'longest-prefix-match', 'ratio'],
    ['load: RIS riswhoisdump text', s(ours.loadMs.ris), '—', ''],
    ['load: CAIDA prefix2as text', s(ours.loadMs.caida), s(pkg.loadMs.caida), ratio(pkg.loadMs.caida, ours.loadMs.caida)],
    ['load: bgpdump -m text', s(ours.loadMs.bgpdump), '—', ''],
    ['memory: RSS with the table', mb(ours.memory.rssMB), mb(pkg.memory.rssMB), ''],
    ['memory: RSS growth from loading', mb(ours.memory.rssDeltaMB), mb(pkg.memory.rssDeltaMB), ratio(pkg.memory.rssDeltaMB, ours.memory.rssDeltaMB)],
    ['memory: live heap + ArrayBuffers', mb(ours.memory.liveDeltaMB), mb(pkg.memory.liveDeltaMB), ratio(pkg.memory.liveDeltaMB, ours.memory.liveDeltaMB)],
    ['memory: table typed arrays', mb(ours.memory.tableMB), '—', ''],
    ['IPv4 lookups, text address', rate(ours.lookups?.ipv4), rate(pkg.lookups?.ipv4), ratio(ours.lookups?.ipv4.perSecond, pkg.lookups?.ipv4.perSecond)],
    ['IPv4 time per lookup, text', ns(ours.lookups?.ipv4), ns(pkg.lookups?.ipv4), ''],
    ['IPv6 lookups, text address', rate(ours.lookups?.ipv6), rate(pkg.lookups?.ipv6), ratio(ours.lookups?.ipv6.perSecond, pkg.lookups?.ipv6.perSecond)],
    ['IPv6 time per lookup, text', ns(ours.lookups?.ipv6), ns(pkg.lookups?.ipv6), ''],
    ['IPv4 lookups, uint32', rate(ours.lookups?.ipv4Numeric), '—', ''],
    ['IPv4 time per lookup, uint32', ns(ours.lookups?.ipv4Numeric), '—', ''],
    ['IPv6 lookups, 4 words', rate(ours.lookups?.ipv6Numeric), '—', ''],
    ['IPv6 time per lookup, 4 words', ns(ours.lookups?.ipv6Numeric), '—', ''],
  ];
  console.log(`${fmt(r.prefixes.ipv4)} IPv4 + ${fmt(r.prefixes.ipv6)} IPv6 prefixes, ${fmt(r.lookupsPerFamily)} lookups per family`);
  for (const line of alignedRows(rows)) console.log(line);
  console.log(`same longest match on ${fmt(r.agreement.sameLongestMatch)} of ${fmt(r.agreement.sampled)} sampled addresses`);
}

function printRadixTable(ours: ChildReport, radix: ChildReport, agree: number): void {
  const rows = [
    ['', 'fedidig', 'py-radix', 'ratio'],
    ['load (py-radix: prefix2as)', seconds(ours.loadMs, 2), seconds(radix.loadMs, 2), ''],
    ['memory: RSS growth from loading', megabytes(ours.rssDeltaMB), megabytes(radix.rssDeltaMB), ratio(radix.rssDeltaMB, ours.rssDeltaMB)],
    ['IPv4 lookups, text address', rate(ours.lookups?.ipv4), rate(radix.lookups?.ipv4), ratio(ours.lookups?.ipv4.perSecond, radix.lookups?.ipv4.perSecond)],
    ['IPv6 lookups, text address', rate(ours.lookups?.ipv6), rate(radix.lookups?.ipv6), ratio(ours.lookups?.ipv6.perSecond, radix.lookups?.ipv6.perSecond)],
  ];
  for (const line of alignedRows(rows)) console.log(line);
  console.log(`same longest match as py-radix on ${fmt(agree)} of ${fmt(SAMPLE)} sampled addresses`);
}

function printMrtTable(
  r: MrtWritten &
    MrtLoadReport & { bgpdumpMs: number | undefined; snapshotLoadMs: number; reloadMs: number; stallMs: number; reloadRssGrowthMB: number | undefined },
): void {
  const ratio = r.bgpdumpMs === undefined ? '' : `${fmt(r.bgpdumpMs / r.loadMs, 1)}×`;
  console.log(
    `MRT RIB: ${fmt(r.peers)} peers, ${fmt(r.entries)} RIB entries, ${fmt(r.bytes / MB)} MB; ${fmt(r.distinctPaths)} distinct AS paths in ${fmt(r.pathLists)} path lists`,
  );
  const s = (ms: number | undefined) => seconds(ms, 2);
  const ms = (value: number | undefined) => (value === undefined ? '—' : `${fmt(value, 0)} ms`);
  const g = MRT_GOALS;
  const rows = [
    ['', 'fedidig', 'goal', 'before', 'bgpdump -m', 'ratio'],
    [
      'load (bgpdump: its -m text to /dev/null)',
      s(r.loadMs),
      `≤ ${s(g.loadMs.goal)}`,
      s(g.loadMs.before),
      r.bgpdumpMs === undefined ? '— (not installed)' : s(r.bgpdumpMs),
      ratio,
    ],
    ['memory: peak RSS of the loading process', megabytes(r.peakRssMB), `≤ ${megabytes(g.peakRssMB.goal)}`, megabytes(g.peakRssMB.before), '', ''],
    ['memory: RSS growth from loading', megabytes(r.rssDeltaMB), '', megabytes(g.rssDeltaMB.before), '', ''],
    ['memory: table typed arrays, all', megabytes(r.tableMB), `≤ ${megabytes(g.tableMB.goal)}`, megabytes(g.tableMB.before), '', ''],
    ['memory: … of which paths and visibility', megabytes(r.pathsMB), '', megabytes(g.pathsMB.before), '', ''],
    [
      'snapshot: write / size',
      `${s(r.snapshotWriteMs)} / ${megabytes(r.snapshotMB)}`,
      '',
      `${s(g.snapshotWriteMs.before)} / ${megabytes(g.tableMB.before)}`,
      '',
      '',
    ],
    ['snapshot: load after a restart', s(r.snapshotLoadMs), `≤ ${s(g.snapshotLoadMs.goal)}`, s(g.snapshotLoadMs.before), '', ''],
    ['reload in the worker thread', s(r.reloadMs), '', s(g.reloadMs.before), '', ''],
    [
      'the bot’s RSS during it, above before',
      megabytes(r.reloadRssGrowthMB),
      `≤ ${megabytes(g.reloadRssGrowthMB.goal)}`,
      megabytes(g.reloadRssGrowthMB.before),
      '',
      '',
    ],
    ['longest event-loop stall during it', ms(r.stallMs), `≤ ${ms(g.stallMs.goal)}`, ms(g.stallMs.before), '', ''],
  ];
  for (const line of alignedRows(rows)) console.log(line);
  const p = r.profile;
  const total = Object.values(p).reduce((sum, value) => sum + value, 0);
  const part = (label: string, value: number) => [label, s(value), `${fmt((100 * value) / total, 0)} %`];
  console.log('where the load’s time goes (CPU profile, self time):');
  const parts = [
    part('parse (read, gunzip, MRT records, AS_PATH)', p.parseMs),
    part('path interning (the AS path tree)', p.pathInterningMs),
    part('list interning (path lists, peers)', p.listInterningMs),
    part('index build (rows, sort, origins, prefix index)', p.indexBuildMs),
    part('garbage collection', p.garbageCollectionMs),
    part('other (I/O waits, runtime)', p.otherMs),
  ];
  for (const line of alignedRows(parts)) console.log(`  ${line}`);
}

function printRpkiTable(reports: Record<string, VrpReport>): void {
  const columns = VRP_FILES.map((f) => reports[f.key]!);
  const row = (label: string, value: (r: VrpReport) => string): string[] => [label, ...columns.map(value)];
  const rows = [
    ['', ...VRP_FILES.map((f) => f.label)],
    row('VRPs (distinct)', (r) => fmt(r.vrps)),
    row('load', (r) => seconds(r.loadMs, 2)),
    row('memory: RSS growth from loading', (r) => megabytes(r.rssDeltaMB)),
    row('memory: live heap + ArrayBuffers', (r) => megabytes(r.liveDeltaMB)),
    row('memory: VRP set typed arrays', (r) => megabytes(r.setMB)),
    row('route checks', (r) => `${fmt(r.checks.perSecond / 1e6, 2)} M/s`),
    row('time per check', (r) => `${fmt(r.checks.nsPerCheck, 0)} ns`),
  ];
  for (const line of alignedRows(rows)) console.log(line);
  const states = columns[0]!.checks.states;
  console.log(
    `states of the checked table routes: ${Object.entries(states)
      .map(([state, count]) => `${state} ${fmt(count)}`)
      .join(', ')}`,
  );
}

async function child(args: readonly string[]): Promise<void> {
  const [kind, dir, file, mode] = args;
  const reply = (report: unknown) => process.stdout.write(JSON.stringify(report));
  if (kind === 'mrt-load') return void reply(await mrtLoadChild(dir!, memory));
  if (kind === 'snapshot') return void reply(await snapshotLoadChild(dir!));
  if (kind === 'reload-stall') return void reply(await reloadStallChild(dir!));
  if (kind === 'vrps') {
    const routes = (await readFile(join(dir!, 'routes.txt'), 'utf8')).split('\n');
    process.stdout.write(JSON.stringify(await vrpChild(dir!, file!, routes, memory, Number(mode))));
    return;
  }
  const report = kind === 'fedidig' ? await fedidigChild(dir!, file!, mode === 'lookups') : await packageChild(dir!);
  process.stdout.write(JSON.stringify(report));
}

const argv = process.argv.slice(2);
await (argv[0] === '--child' ? child(argv.slice(1)) : main(parseOptions(argv)));
