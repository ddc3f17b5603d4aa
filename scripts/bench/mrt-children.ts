/**
 * The children of the MRT part of `npm run bench:bgp` (mrt.ts), each a
 * process of its own started with this file as its entry point: the memory's
 * latency, the RIB's load under a CPU profiler, the snapshot's load, and a
 * reload with the event loop's longest stall. They run the compiled build
 * that production runs (compiled-build.ts), and this file imports nothing
 * else of the project's but small helpers: the rest of the bench's modules
 * (the Mastodon test instance's among them) slowed the same load by a fifth
 * when they were loaded into its process, which the build process that
 * loads the RIB in production never loads.
 */

import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessesStarted, longestStall } from '../../test/testkit/event-loop-stall.ts';
import { compiledModule } from './compiled-build.ts';
import { MB } from './format.ts';
import { memory, procStatus } from './memory.ts';

export const MRT_FILE = 'bview.mrt';
const SNAPSHOT_FILE = 'bview.snapshot';
/** This file, which the MRT children run. */
export const MRT_CHILDREN = fileURLToPath(import.meta.url);

/** The modules the children run, compiled. */
const tableSources = () => compiledModule<typeof import('../../lib/bgp/sources/table-file-source.ts')>('lib/bgp/sources/table-file-source');
const tableLoader = () => compiledModule<typeof import('../../lib/bgp/table/table-file-loader.ts')>('lib/bgp/table/table-file-loader');
const dataFiles = () => compiledModule<typeof import('../../lib/datafile/data-file.ts')>('lib/datafile/data-file');

/** Where the load's time goes, from a CPU profile of it: self time by the part of the code it is spent in. */
export interface LoadProfile {
  parseMs: number;
  pathInterningMs: number;
  listInterningMs: number;
  indexBuildMs: number;
  garbageCollectionMs: number;
  otherMs: number;
}

/** The part of the load a profiled function belongs to, by its file (dist's .js: the children load compiled). */
const PROFILE_PARTS: readonly [keyof LoadProfile, RegExp][] = [
  ['parse', /\/(mrt-parser|byte-reader|file-content|stream-parser|table-file-loader)\.js$|node:zlib|node:internal\/(streams|fs)/],
  ['pathInterning', /\/as-path-tree\.js$/],
  ['listInterning', /\/(route-paths|interned-sequences)\.js$/],
  ['indexBuild', /\/(routing-table-builder|prefix-order|prefix-index|origin-sets|origin-asn-counts|routing-table)\.js$/],
].map(([part, pattern]) => [`${part}Ms` as keyof LoadProfile, pattern as RegExp]);
/** Files that serve several parts (the pair map: the peer hints' blocks and the origin sets), counted with their caller's. */
const SHARED = /\/uint32-pair-map\.js$/;

function loadProfile(profile: Profiler.Profile): LoadProfile {
  const byPart: LoadProfile = { parseMs: 0, pathInterningMs: 0, listInterningMs: 0, indexBuildMs: 0, garbageCollectionMs: 0, otherMs: 0 };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const partOf = (id: number): keyof LoadProfile => {
    const { callFrame } = nodes.get(id)!;
    if (callFrame.functionName === '(garbage collector)') return 'garbageCollectionMs';
    const parent = parents.get(id);
    if (SHARED.test(callFrame.url) && parent !== undefined) return partOf(parent);
    return PROFILE_PARTS.find(([, pattern]) => pattern.test(callFrame.url))?.[0] ?? 'otherMs';
  };
  const { samples = [], timeDeltas = [] } = profile;
  samples.forEach((id, i) => {
    byPart[partOf(id)] += (timeDeltas[i] ?? 0) / 1000;
  });
  return byPart;
}

export interface MrtLoadReport {
  /** Threads that read the RIB; the profile is of the first, which also joins their tables and builds the index. */
  threads: number;
  loadMs: number;
  /** CPU time of the load (user + system, all threads): on a shared machine, the figure that other work inflates least. */
  loadCpuMs: number;
  /** The machine's load average (1, 5, 15 minutes) when the load ended: how far the wall time is another's. */
  loadAverage: number[];
  profile: LoadProfile;
  peakRssMB: number | undefined;
  rssDeltaMB: number;
  tableMB: number;
  pathsMB: number;
  distinctPaths: number;
  pathLists: number;
  snapshotWriteMs: number;
  snapshotMB: number;
}

/** In a child: loads the RIB on this thread (the work the worker does) under a sampling CPU profiler, then writes its snapshot. */
async function mrtLoadChild(dir: string, threads: number): Promise<MrtLoadReport> {
  // Imported first: their code is neither in the RSS growth nor in the profile.
  const [{ loadTableFile, tableFile }, { writeDataFileSnapshot }] = await Promise.all([tableLoader(), dataFiles()]);
  const before = memory();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const loaded = await loadTableFile(join(dir, MRT_FILE), { threads });
  const loadMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const after = memory();
  const paths = loaded.table.paths!;
  const writeStarted = performance.now();
  await writeDataFileSnapshot(tableFile, join(dir, SNAPSHOT_FILE), join(dir, MRT_FILE), loaded);
  const snapshotWriteMs = performance.now() - writeStarted;
  return {
    threads,
    loadMs,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    loadAverage: loadavg(),
    profile: loadProfile(profile),
    peakRssMB: procStatus(process.pid, 'VmHWM'),
    rssDeltaMB: (after.rss - before.rss) / MB,
    tableMB: loaded.table.byteLength / MB,
    pathsMB: paths.byteLength / MB,
    distinctPaths: paths.pathCount,
    pathLists: paths.lists.count,
    snapshotWriteMs,
    snapshotMB: (await stat(join(dir, SNAPSHOT_FILE))).size / MB,
  };
}

/**
 * What this machine's memory makes of the load: a read at a random place in
 * 64 MB (about the path tree's size), each place given by the read before,
 * as a walk down a path's nodes is; and reads at random places that wait on
 * no other read, which the processor overlaps (the probes of several RIB
 * entries' paths, which depend on their own bytes only, can be such reads).
 * The first, times the RIB's entries, bounds a load that waits for one such
 * read per entry; the second shows how little of that wait is left when the
 * reads do not depend on each other.
 */
export interface MemoryLatencyReport {
  memoryLatencyNs: number;
  independentReadNs: number;
}

/** In a child of its own: the 64 MB array is gone when the load's peak RSS is measured. */
function memoryLatencyChild(): MemoryLatencyReport {
  const words = 16 * 1024 * 1024;
  const next = new Uint32Array(words);
  for (let i = 0; i < words; i++) next[i] = i;
  // Sattolo's shuffle: one cycle through every word, so the walk never circles in a few cached lines.
  for (let i = words - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * i);
    const swapped = next[i]!;
    next[i] = next[j]!;
    next[j] = swapped;
  }
  const steps = 10_000_000;
  let at = 0;
  let started = performance.now();
  for (let step = 0; step < steps; step++) at = next[at]!;
  const dependentMs = performance.now() - started;
  if (at >= words) throw new Error('the walk left the array');
  // Places from a linear congruential generator: the next place needs no read, so the reads overlap.
  let place = 1;
  let sum = 0;
  started = performance.now();
  for (let step = 0; step < steps; step++) {
    place = (Math.imul(place, 1664525) + 1013904223) | 0;
    sum = (sum + next[place >>> 8]!) | 0;
  }
  const independentMs = performance.now() - started;
  // The sum is used, so that the reads are not left out as dead code.
  if (sum === 0.5) throw new Error('unreachable');
  return { memoryLatencyNs: (dependentMs * 1e6) / steps, independentReadNs: (independentMs * 1e6) / steps };
}

/** In a child: how long a restart takes to answer from the snapshot. */
async function snapshotLoadChild(dir: string): Promise<{ snapshotLoadMs: number }> {
  const [{ tableFile }, { readDataFileSnapshot }] = await Promise.all([tableLoader(), dataFiles()]);
  const started = performance.now();
  await readDataFileSnapshot(tableFile, join(dir, SNAPSHOT_FILE), join(dir, MRT_FILE));
  return { snapshotLoadMs: performance.now() - started };
}

/**
 * In a child, as the bot: a TableFileSource opened from the snapshot reloads
 * the RIB, built in a child process of its own and read back from the
 * snapshot it writes; the longest stall of this thread meanwhile, and how far
 * this process's RSS rose above what it was before (its peak, reset through
 * /proc/self/clear_refs, less its RSS before): the bot's, not the build
 * process's, whose memory ends with it.
 */
export interface ReloadReport {
  reloadMs: number;
  stallMs: number;
  reloadRssGrowthMB: number | undefined;
  /** The build process's peak RSS (VmHWM), read while it ran: the loading process as production runs it, plain node on dist/. */
  buildPeakRssMB: number | undefined;
  /** The machine's load average (1, 5, 15 minutes) when the reload ended: how much of a core the bot's thread had to share. */
  reloadLoadAverage: number[];
}

async function reloadStallChild(dir: string, threads: number): Promise<ReloadReport> {
  const { TableFileSource } = await tableSources();
  const source = await TableFileSource.open({
    path: join(dir, MRT_FILE),
    threads,
    snapshotPath: join(dir, SNAPSHOT_FILE),
    onError: (error) => {
      throw error;
    },
  });
  try {
    const rssBefore = procStatus(process.pid, 'VmRSS');
    writeFileSync('/proc/self/clear_refs', '5'); // the peak (VmHWM) starts again from the RSS now
    const started = performance.now();
    const { result: reloaded, buildPeakRssMB } = await buildProcessPeak(() => longestStall(() => source.reload()));
    const { result, stallMs } = reloaded;
    if (!result) throw new Error('the reload swapped nothing in');
    const peak = procStatus(process.pid, 'VmHWM');
    return {
      reloadMs: performance.now() - started,
      stallMs,
      reloadRssGrowthMB: peak === undefined || rssBefore === undefined ? undefined : peak - rssBefore,
      buildPeakRssMB,
      reloadLoadAverage: loadavg(),
    };
  } finally {
    source.close();
  }
}

/**
 * Calls `during` while reading, every 50 ms, the peak RSS of the child
 * processes this process starts meanwhile: the kernel's high-water mark,
 * which the last read before a child exits holds, as its /proc entry goes
 * with it. The build's peak comes before it writes its snapshot, well before
 * it exits.
 */
async function buildProcessPeak<T>(during: () => Promise<T>): Promise<{ result: T; buildPeakRssMB: number | undefined }> {
  let buildPeakRssMB: number | undefined;
  const { result } = await childProcessesStarted(async (_started, children) => {
    const timer = setInterval(() => {
      // A child is published as it is made, before it has a pid.
      for (const { pid } of children) {
        const peak = pid === undefined ? undefined : procStatus(pid, 'VmHWM');
        if (peak !== undefined) buildPeakRssMB = Math.max(buildPeakRssMB ?? 0, peak);
      }
    }, 50);
    try {
      return await during();
    } finally {
      clearInterval(timer);
    }
  });
  return { result, buildPeakRssMB };
}

/** The child that `--child KIND DIR THREADS` names, its report written to stdout as JSON. */
async function child([kind, dir, threadsText]: readonly string[]): Promise<unknown> {
  const threads = Number(threadsText ?? 1);
  if (kind === 'memory-latency') return memoryLatencyChild();
  if (kind === 'mrt-load') return mrtLoadChild(dir!, threads);
  if (kind === 'snapshot') return snapshotLoadChild(dir!);
  if (kind === 'reload-stall') return reloadStallChild(dir!, threads);
  throw new Error(`no MRT child ${kind}`);
}

if (process.argv[1] === MRT_CHILDREN && process.argv[2] === '--child') process.stdout.write(JSON.stringify(await child(process.argv.slice(3))));
