/** How `npm run bench:bgp` prints its figures: a table per part, each figure beside its goal and the figure before where issue 19 set them. */

import { type ChildReport, type LookupFigures, SAMPLE } from './bgp-children.ts';
import type { MemoryLatencyReport, MrtLoadReport, ReloadReport } from './mrt-children.ts';
import { MRT_GOALS, type MrtWritten } from './mrt.ts';
import { alignedRows, fmt, MB, megabytes, seconds } from './format.ts';
import { VRP_FILES, type VrpReport } from './vrps.ts';

const rate = (f: LookupFigures | undefined) => (f === undefined ? '—' : `${fmt(f.perSecond / 1e6, 2)} M/s`);
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${fmt(a / b, 1)}×` : '');

export function printTable(r: {
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

export function printRadixTable(ours: ChildReport, radix: ChildReport, agree: number): void {
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

export function printMrtTable(
  r: MrtWritten & MemoryLatencyReport & MrtLoadReport & ReloadReport & { bgpdumpMs: number | undefined; snapshotLoadMs: number },
): void {
  const ratio = r.bgpdumpMs === undefined ? '' : `${fmt(r.bgpdumpMs / r.loadMs, 1)}×`;
  console.log(
    `MRT RIB: ${fmt(r.peers)} peers, ${fmt(r.entries)} RIB entries, ${fmt(r.bytes / MB)} MB; ${fmt(r.distinctPaths)} distinct AS paths in ${fmt(r.pathLists)} path lists; read by ${r.threads} thread${r.threads === 1 ? '' : 's'}`,
  );
  console.log(`the machine's load average when the load ended: ${r.loadAverage.map((value) => fmt(value, 2)).join(', ')} (1, 5, 15 min)`);
  console.log(
    `the machine's memory: a read at a random place in 64 MB takes ${fmt(r.memoryLatencyNs, 0)} ns when the read before found it, and costs ${fmt(r.independentReadNs, 0)} ns a read when reads overlap (one per RIB entry: ${seconds((r.memoryLatencyNs * r.entries) / 1e6, 2)} dependent, ${seconds((r.independentReadNs * r.entries) / 1e6, 2)} overlapped)`,
  );
  const s = (ms: number | undefined) => seconds(ms, 2);
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
    ['load: CPU time, user + system (profiled)', s(r.loadCpuMs), '', s(g.loadCpuMs.before), '', ''],
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
    ...reloadRows(r).map((row) => [...row, '', '']),
  ];
  for (const line of alignedRows(rows)) console.log(line);
  console.log(reloadLoadAverage(r));
  const p = r.profile;
  const total = Object.values(p).reduce((sum, value) => sum + value, 0);
  const part = (label: string, value: number) => [label, s(value), `${fmt((100 * value) / total, 0)} %`];
  console.log(
    `where the load’s time goes (CPU profile, self time${r.threads > 1 ? ': the first thread, which also joins the others’ tables and builds the index' : ''}):`,
  );
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

/** The reload's rows: its time, the build process's peak, the bot's RSS growth and its longest stall, each beside its goal and the figure before. */
function reloadRows(r: ReloadReport): string[][] {
  const g = MRT_GOALS;
  const ms = (value: number | undefined) => (value === undefined ? '—' : `${fmt(value, 0)} ms`);
  return [
    ['reload, built in a child process', seconds(r.reloadMs, 2), '', seconds(g.reloadMs.before, 2)],
    // The loading process as production runs it (plain node on dist/): the peak goal is its.
    ['the build process’s peak RSS', megabytes(r.buildPeakRssMB), `≤ ${megabytes(g.peakRssMB.goal)}`, megabytes(g.peakRssMB.before)],
    [
      'the bot’s RSS during it, above before',
      megabytes(r.reloadRssGrowthMB),
      `≤ ${megabytes(g.reloadRssGrowthMB.goal)}`,
      megabytes(g.reloadRssGrowthMB.before),
    ],
    ['longest event-loop stall during it', ms(r.stallMs), `≤ ${ms(g.stallMs.goal)}`, ms(g.stallMs.before)],
  ];
}

function reloadLoadAverage(r: ReloadReport): string {
  return `the machine's load average when the reload ended: ${r.reloadLoadAverage.map((value) => fmt(value, 2)).join(', ')} (1, 5, 15 min)`;
}

/** `--only reload`: the reload's rows alone. */
export function printReloadTable(r: ReloadReport): void {
  for (const line of alignedRows([['', 'fedidig', 'goal', 'before'], ...reloadRows(r)])) console.log(line);
  console.log(reloadLoadAverage(r));
}

export function printRpkiTable(reports: Record<string, VrpReport>): void {
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
