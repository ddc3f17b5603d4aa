/**
 * The child processes of `npm run bench:bgp`: each measurement runs in its
 * own process (node --expose-gc), so that the memory figures of one
 * structure include neither the other's nor the generator's. A child
 * prepares its query strings, collects garbage, notes its memory, loads the
 * table, collects garbage again and reports the difference, as JSON on its
 * stdout. fedidig, the `longest-prefix-match` package and Debian's py-radix
 * (scripts/bench/radix_peer.py) load the same table and look up the same
 * addresses; the MRT RIB's children are in mrt-children.ts, the RPKI child
 * in vrps.ts.
 */

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadTableFile } from '../../lib/bgp/table/table-file-loader.ts';
import { formatIpv4, formatIpv6, formatPrefix } from '../../lib/net/ip-address.ts';
import { FORMATS, type GeneratedTable, writeFormats } from './bgp-generator.ts';
import { fmt, MB } from './format.ts';
import { generateVrps, routesToCheck, VRP_FILES, type VrpReport, vrpChild, writeVrpFiles } from './vrps.ts';
import { errorMessage } from '../../lib/ops/error-fields.ts';
import { memory } from './memory.ts';

/** What a child process reports. */
export interface ChildReport {
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

export interface LookupFigures {
  perSecond: number;
  nsPerLookup: number;
}

export const SAMPLE = 20_000;
/** The benchmark's entry point: run with `--child KIND …`, it serves child() below. */
const ENTRY_POINT = fileURLToPath(new URL('../bench-bgp.ts', import.meta.url));

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
  const peer = fileURLToPath(new URL('./radix_peer.py', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [peer, dir, String(SAMPLE)], { maxBuffer: 256 * MB });
    return JSON.parse(stdout) as ChildReport & { peakRssMB: number };
  } catch (error) {
    process.stderr.write(`py-radix left out: ${errorMessage(error).split('\n')[0]} (apt-get install python3-radix)\n`);
    return undefined;
  }
}

/** How runChild starts a child: by default, this bench's entry point with room for the package's heap. */
export interface ChildOptions {
  /** Replaces the environment (the build process's, for a table load). */
  readonly env?: NodeJS.ProcessEnv;
  /** The file run with `--child ARGS…`. */
  readonly entryPoint?: string;
  /** Node's options, before tsx's loader. */
  readonly nodeOptions?: readonly string[];
}

/** Runs a child of the bench and returns what it reports. */
export async function runChild<Report = ChildReport>(args: string[], options: ChildOptions = {}): Promise<Report> {
  const { env, entryPoint = ENTRY_POINT, nodeOptions = ['--expose-gc', '--max-old-space-size=16384'] } = options;
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeOptions, '--import', 'tsx', entryPoint, '--child', ...args], {
    maxBuffer: 256 * MB,
    ...(env && { env }),
  });
  return JSON.parse(stdout) as Report;
}

/** The text formats loaded by fedidig, longest-prefix-match and py-radix, and their lookups. */
export async function lookupResults(dir: string, table: GeneratedTable, addresses: { ipv4: Uint32Array; ipv6: Uint32Array }) {
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

export async function rpkiResults(
  dir: string,
  next: () => number,
  table: GeneratedTable,
  options: { vrps: number; checks: number },
  log: (message: string) => void,
) {
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

export async function child(args: readonly string[]): Promise<void> {
  const [kind, dir, file, mode] = args;
  if (kind === 'vrps') {
    const routes = (await readFile(join(dir!, 'routes.txt'), 'utf8')).split('\n');
    process.stdout.write(JSON.stringify(await vrpChild(dir!, file!, routes, Number(mode))));
    return;
  }
  if (kind !== 'fedidig' && kind !== 'package') throw new Error(`no child ${kind}`);
  const report = kind === 'fedidig' ? await fedidigChild(dir!, file!, mode === 'lookups') : await packageChild(dir!);
  process.stdout.write(JSON.stringify(report));
}
