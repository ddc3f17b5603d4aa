/**
 * Benchmarks the in-memory routing table against the `longest-prefix-match`
 * npm package and Debian's py-radix on a table of full-Internet size, then
 * the same table as an MRT RIB of 30 peers with AS paths (fedidig's load
 * against Debian's `bgpdump -m`, peak RSS, what the paths cost, the snapshot,
 * the event loop's longest stall during a reload, and where the load's time
 * goes), then RPKI (VRPs as rpki-client JSON and Routinator CSV, loaded and
 * checked against table routes).
 *
 *   npx tsx scripts/bench-bgp.ts [options]   (--help explains them)
 *
 * Its parts, in scripts/bench/: bgp-generator.ts (the table, the addresses,
 * the text files), bgp-children.ts (each measurement in a child process of
 * its own), mrt.ts (the RIB and the goals of issue 19), mrt-children.ts
 * (the RIB's measurements, each a process run from that file with the
 * compiled build), vrps.ts (RPKI), bgp-report.ts (the tables printed). This
 * file reads the options and runs them in order; run with `--child`, it is
 * one of the children.
 */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../test/testkit/seeded-random.ts';
import { generateAddresses, generateIpv4, generateIpv6, type GeneratedTable } from './bench/bgp-generator.ts';
import { child, lookupResults, rpkiResults, runChild } from './bench/bgp-children.ts';
import { printMrtTable, printRadixTable, printReloadTable, printRpkiTable, printTable } from './bench/bgp-report.ts';
import { fmt, MB } from './bench/format.ts';
import { ensureCompiledBuild } from './bench/compiled-build.ts';
import { keptMrtRib } from './bench/mrt.ts';
import { MRT_CHILDREN, type MemoryLatencyReport, type MrtLoadReport, type ReloadReport } from './bench/mrt-children.ts';
import { optionsOrExit } from './bench/options.ts';
import { buildProcessEnvironment } from '../lib/datafile/build-process.ts';

const USAGE = `
Usage: npx tsx scripts/bench-bgp.ts [options]   (--name=value works too)

  --ipv4 N        IPv4 prefixes in the generated table (default 1000000)
  --ipv6 N        IPv6 prefixes (default 220000)
  --lookups N     random addresses looked up per family (default 2000000)
  --vrps N        RPKI VRPs generated for the table's prefixes (default 800000)
  --checks N      route origin validations timed per VRP file (default 1000000)
  --peers N       peers in the generated MRT RIB (default 30)
  --threads N     threads that read the MRT RIB, as BGP_TABLE_THREADS (default 1)
  --seed N        seed of the generator, for the same table again (default 1)
  --only mrt      only the MRT RIB part (load, memory, snapshot, reload)
  --only reload   only the reload of the RIB kept in --dir, from its snapshot there:
                  the bot's RSS growth and event-loop stall while it is rebuilt
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
  threads: { type: 'count', default: 1, min: 1 },
  seed: { type: 'count', default: 1 },
  only: { type: 'string' },
  dir: { type: 'string' },
  json: { type: 'string' },
} as const;

type Options = ReturnType<typeof parseOptions>;

function parseOptions(argv: readonly string[]) {
  return optionsOrExit(argv, OPTIONS, USAGE);
}

/** A child of mrt-children.ts, with the build process's options (no larger heap), so that its load is production's. */
function mrtChild<Report>(args: string[], env?: NodeJS.ProcessEnv): Promise<Report> {
  return runChild<Report>(args, { entryPoint: MRT_CHILDREN, nodeOptions: ['--expose-gc'], ...(env && { env }) });
}

async function main(options: Options): Promise<void> {
  if (options.only !== undefined && options.only !== 'mrt' && options.only !== 'reload') {
    process.stderr.write(`--only takes mrt or reload (got “${options.only}”)\n\n${USAGE.trim()}\n`);
    process.exit(2);
  }
  if (options.only === 'reload') {
    if (options.dir === undefined) {
      process.stderr.write(`--only reload needs the --dir of an earlier run\n\n${USAGE.trim()}\n`);
      process.exit(2);
    }
    ensureCompiledBuild();
    printReloadTable(await mrtChild<ReloadReport>(['reload-stall', options.dir, String(options.threads)]));
    return;
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
    ensureCompiledBuild();
    log(`fedidig: loading ${fmt(rib.bytes / MB)} MB of MRT RIB (compiled, as production runs it)`);
    const latency = await mrtChild<MemoryLatencyReport>(['memory-latency']);
    // Loaded as the bot's build process loads it: the same environment, the same threads.
    const mrtLoad = await mrtChild<MrtLoadReport>(['mrt-load', dir, String(options.threads)], buildProcessEnvironment());
    const snapshot = await mrtChild<{ snapshotLoadMs: number }>(['snapshot', dir]);
    const reload = await mrtChild<ReloadReport>(['reload-stall', dir, String(options.threads)]);
    const mrt = { ...rib, ...latency, ...mrtLoad, bgpdumpMs, ...snapshot, ...reload };

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

const argv = process.argv.slice(2);
await (argv[0] === '--child' ? child(argv.slice(1)) : main(parseOptions(argv)));
