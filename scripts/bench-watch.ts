/**
 * `npx tsx scripts/bench-watch.ts`: many watches checked against loopback
 * servers — DNS names answered by a UDP responder here, prefixes from a
 * routing table file that is rewritten and reloaded — with the real engine,
 * watcher and store, and a server that counts the replies. Measures checks
 * per second, memory and the event loop's longest stall, and that each
 * scripted change is told exactly once. `--replicas 2` runs two watchers,
 * each with its own engine and connections, on one PostgreSQL the benchmark
 * starts (test/testkit/watch/postgres.ts); else one on SQLite.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import dns2 from 'dns2';
import { readEngineConfig } from '../lib/engine/config.ts';
import { LookingGlass } from '../lib/engine/looking-glass.ts';
import type { Fediverse, Reply } from '../lib/fediverse/fediverse.ts';
import { parseBlockList } from '../lib/policy/block-list.ts';
import { silentLogger } from '../lib/ops/logger.ts';
import { SqlWatchStore } from '../lib/watch/sql-watch-store.ts';
import { readWatchConfig } from '../lib/watch/watch-config.ts';
import { noProgress } from '../lib/watch/watch-rules.ts';
import type { WatchStore } from '../lib/watch/watch-store.ts';
import { Watcher } from '../lib/watch/watcher.ts';
import { longestStall } from '../test/testkit/event-loop-stall.ts';
import { startPostgres, type Postgres } from '../test/testkit/watch/postgres.ts';
import { BOT, FACTS } from '../test/testkit/fediverse/memory-fediverse.ts';
import { ThreadPoster } from '../lib/fediverse/thread-poster.ts';
import { fmt, MB } from './bench/format.ts';
import { optionsOrExit } from './bench/options.ts';

const options = optionsOrExit(
  process.argv.slice(2),
  {
    dns: { type: 'count', default: 10_000 },
    prefixes: { type: 'count', default: 10_000 },
    changes: { type: 'count', default: 500, min: 1 },
    replicas: { type: 'count', default: 1, min: 1 },
    json: { type: 'string' },
  },
  'usage: tsx scripts/bench-watch.ts [--dns 10000] [--prefixes 10000] [--changes 500] [--replicas 1|2] [--json FILE]',
);
const replicas = Math.min(options.replicas, 2);
const { Packet } = dns2;

/** A UDP DNS responder on loopback: A records from a map, TTL 0 so that every check asks. */
async function startResponder(answers: Map<string, string>) {
  const socket = createSocket('udp4');
  let queries = 0;
  socket.on('message', (message, from) => {
    queries++;
    const request = Packet.parse(message);
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    const address = answers.get(question.name.toLowerCase());
    if (address) response.answers.push({ name: question.name, type: 1, class: 1, ttl: 0, address } as never);
    else response.header.rcode = 3;
    socket.send(response.toBuffer(), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${socket.address().port}`, queries: () => queries, close: () => socket.close() };
}

/** A server that posts nothing anywhere and counts the replies per watch. */
function countingServer() {
  const repliesPerWatch = new Map<string, number>();
  let posted = 0;
  const fediverse: Pick<Fediverse, 'postReply' | 'findReply'> = {
    async postReply(reply: Reply) {
      repliesPerWatch.set(reply.inReplyToId!, (repliesPerWatch.get(reply.inReplyToId!) ?? 0) + 1);
      return { id: `r${++posted}` };
    },
    findReply: async () => undefined,
  };
  return { fediverse, repliesPerWatch, posted: () => posted };
}

const dir = mkdtempSync(join(tmpdir(), 'fedidig-bench-watch-'));
const tablePath = join(dir, 'table.txt');
const prefixOf = (i: number) => `11.${i >> 8}.${i & 255}.0/24`;
const writeTable = (changed: number) =>
  writeFileSync(tablePath, Array.from({ length: options.prefixes }, (_, i) => `${i < changed ? 64511 : 64500}\t${prefixOf(i)}\t300\n`).join(''));
const answers = new Map(Array.from({ length: options.dns }, (_, i) => [`w${i}.bench.test`, '192.0.2.1']));
writeTable(0);
const responder = await startResponder(answers);
let postgres: Postgres | undefined;
const stores: WatchStore[] = [];
try {
  postgres = replicas > 1 ? await startPostgres() : undefined;
  const openStore = () => (postgres ? SqlWatchStore.postgres(postgres.url) : SqlWatchStore.sqlite(join(dir, 'watches.sqlite')));
  for (let r = 0; r < replicas; r++) stores.push(await openStore());
  const env = { WATCH_MIN_INTERVAL_MS: '100', WATCH_BGP_INTERVAL_MS: '1000', WATCH_CHECKS_PER_MINUTE: '10000000', WATCH_MAX: '1000000' };
  const config = readWatchConfig(env);
  const engineConfig = readEngineConfig({ DNS_UPSTREAM: responder.address, DNS_CACHE_SIZE: '0', BGP_SOURCE: `table:${tablePath}` });
  const server = countingServer();
  const engines = await Promise.all(stores.map(() => LookingGlass.open(engineConfig, { logger: silentLogger() })));
  const watchers = stores.map(
    (store, r) =>
      new Watcher({
        store,
        engine: engines[r],
        sources: engines[r].sources(),
        poster: new ThreadPoster({ fediverse: server.fediverse, me: BOT, server: FACTS, maxParts: 4 }),
        config,
        blockList: () => parseBlockList([]),
        logger: silentLogger(),
        owner: `replica-${r}`,
      }),
  );

  const created = performance.now();
  const now = Date.now();
  const watch = (id: string, question: string, kind: 'dns' | 'bgp') => ({
    id,
    asker: `asker${id}`,
    mention: '@asker',
    question,
    questionKey: question,
    kind,
    visibility: 'public' as const,
    createdAt: now,
    expiresAt: now + 86_400_000,
    nextCheckAt: now,
    progress: noProgress,
  });
  for (let i = 0; i < options.dns; i++) await stores[0].add(watch(`d${i}`, `w${i}.bench.test`, 'dns'), { perAsker: 5, total: 1_000_000 });
  for (let i = 0; i < options.prefixes; i++) await stores[0].add(watch(`b${i}`, `bgp ${prefixOf(i)}`, 'bgp'), { perAsker: 5, total: 1_000_000 });
  const createMs = performance.now() - created;
  const total = options.dns + options.prefixes;
  const checked = () => watchers.reduce((sum, w) => sum + w.checked, 0);

  const stop = new AbortController();
  const runs = watchers.map((w) => w.run(stop.signal));
  const { result, stallMs } = await longestStall(async () => {
    const started = performance.now();
    // Every watch checked once: its baseline.
    while (checked() < total) await sleep(50);
    const baselineMs = performance.now() - started;
    const baselineChecks = checked();
    // The scripted changes: some names get a new address, some prefixes a new origin in the reloaded table.
    const dnsChanges = Math.min(options.changes, options.dns);
    const bgpChanges = Math.min(options.changes, options.prefixes);
    for (let i = 0; i < dnsChanges; i++) answers.set(`w${i}.bench.test`, '192.0.2.2');
    writeTable(bgpChanges);
    await Promise.all(engines.map((engine) => engine.reload()));
    const changedAt = performance.now();
    const expected = dnsChanges + (options.prefixes ? bgpChanges : 0);
    while (server.posted() < expected && performance.now() - changedAt < 300_000) await sleep(50);
    const toldMs = performance.now() - changedAt;
    // Time for a duplicate to show up.
    await sleep(3000);
    const checksAfter = checked();
    return { baselineMs, baselineChecks, toldMs, expected, checksAfter, runMs: performance.now() - started };
  });
  stop.abort();
  await Promise.all(runs);
  const memory = process.memoryUsage();
  const twice = [...server.repliesPerWatch.values()].filter((n) => n > 1).length;
  const expectedIds = [
    ...Array.from({ length: Math.min(options.changes, options.dns) }, (_, i) => `d${i}`),
    ...Array.from({ length: Math.min(options.changes, options.prefixes) }, (_, i) => `b${i}`),
  ];
  const missing = expectedIds.filter((id) => !server.repliesPerWatch.has(id)).length;
  const unexpected = [...server.repliesPerWatch.keys()].filter((id) => !expectedIds.includes(id)).length;
  const report = {
    store: postgres ? 'PostgreSQL' : 'SQLite',
    replicas,
    dnsWatches: options.dns,
    prefixWatches: options.prefixes,
    createMs: Math.round(createMs),
    baselineChecksPerSecond: Math.round(result.baselineChecks / (result.baselineMs / 1000)),
    checksPerSecond: Math.round(result.checksAfter / (result.runMs / 1000)),
    changes: result.expected,
    toldInMs: Math.round(result.toldMs),
    toldOnce: server.repliesPerWatch.size - twice - unexpected,
    toldTwice: twice,
    missing,
    unexpected,
    dnsQueries: responder.queries(),
    rssMb: Math.round(memory.rss / MB),
    heapUsedMb: Math.round(memory.heapUsed / MB),
    longestStallMs: Math.round(stallMs),
  };
  process.stdout.write(
    [
      `watches: ${fmt(options.dns)} DNS + ${fmt(options.prefixes)} prefixes, ${report.store}, ${replicas} watcher(s); created in ${fmt(createMs / 1000, 1)} s`,
      `checks/s: ${fmt(report.baselineChecksPerSecond)} for the first round, ${fmt(report.checksPerSecond)} over the run`,
      `changes: ${report.changes} scripted, told in ${fmt(result.toldMs / 1000, 1)} s: ${report.toldOnce} once, ${twice} twice, ${missing} missing, ${unexpected} unasked`,
      `memory: RSS ${report.rssMb} MB, heap ${report.heapUsedMb} MB; event loop's longest stall ${report.longestStallMs} ms`,
      '',
    ].join('\n'),
  );
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  for (const engine of engines) engine.close();
  process.exitCode = twice || missing || unexpected ? 1 : 0;
} finally {
  for (const store of stores) await store.close();
  responder.close();
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
}
