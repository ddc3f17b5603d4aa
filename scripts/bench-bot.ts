/**
 * Benchmarks the whole path: mentions on a Mastodon instance → the real
 * supervisor and worker processes (as `npm start` runs them) → DNS → replies.
 *
 *   npx tsx scripts/bench-bot.ts [options]     (--help lists them; USAGE below)
 *
 * Everything runs on 127.0.0.1: the loopback Mastodon test instance and the
 * DNS test server live in this process (test/testkit/bot/bot-process.ts), the bot
 * in its own processes. The run, in order:
 *
 *  1. idle: the bot starts, connects its stream, answers one mention (so
 *     that it has a watermark, as a bot that ran before has: see below) and
 *     is left alone; the worker's resident memory is read. Then it stops.
 *  2. burst: half the mentions are posted while the bot is down (it answers
 *     them through the catch-up path when it starts), the other half as fast
 *     as possible once its stream is connected. Questions mix record types,
 *     an IDN, reverse lookups, NXDOMAIN, BGP, help, a bad question, a
 *     multi-part answer, and (every third) a name seen once, which the DNS
 *     answer cache cannot know. The worker's RSS is sampled every 100 ms, its
 *     CPU time read from /proc before and after.
 *  3. unloaded: `--probes` mentions one at a time, each after the previous
 *     one is answered: the latency of a bot with nothing else to do.
 *  4. hung worker: the worker is stopped with SIGSTOP and one mention posted;
 *     timed until the supervisor has replaced the worker and the new one has
 *     answered it. `--heartbeat-timeout 0` skips this (the worker then ends
 *     with SIGTERM, e.g. for NODE_OPTIONS=--cpu-prof through `--env`).
 *  5. the bot stops (SIGTERM), and every question is checked: exactly one
 *     reply (thread), with the asker's visibility and the expected content,
 *     and nothing else posted.
 *
 * Latencies come from two sides: mention → reply from the statuses'
 * `created_at` on the instance; the split into queue wait, engine (DNS) and
 * posting time from the worker's log line for each mention (`queueMs`,
 * `dnsMs`, `postMs`). The table (Markdown) goes to stdout, progress to
 * stderr. The exit status is 1 when a check fails or the run times out.
 *
 * This file runs the phases; its parts are in scripts/bench/: questions.ts
 * (the mix asked), load.ts (posting them, following the replies),
 * processes.ts (the bot's processes, /proc figures), bot-log.ts (the bot's
 * events, read by field), report.ts (the checks and the table), with
 * options.ts and format.ts, which bench-bgp.ts shares.
 */

import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readRuntimeConfig } from '../bot/config.ts';
import { startBotWorld } from '../test/testkit/bot/bot-process.ts';
import { fmt, machine, spread } from './bench/format.ts';
import { postMany, ReplyTracker } from './bench/load.ts';
import { optionsOrExit } from './bench/options.ts';
import { procStatus } from './bench/memory.ts';
import { cpuMs, killAll, machineCpuMs, running, sampleRss, startBot, stillOurs, tempDirs, until, type BotRun } from './bench/processes.ts';
import { MIX, type Phase } from './bench/questions.ts';
import { analyse, printTable, type Results } from './bench/report.ts';
import { errorMessage } from '../lib/ops/error-fields.ts';

const USAGE = `
Usage: npx tsx scripts/bench-bot.ts [options]   (--name=value works too)

  --mentions N            mentions in the burst, half posted while the bot is down (default 10000, at least 2)
  --askers N              accounts asking them (default 50)
  --probes N              mentions asked one at a time afterwards (default 30)
  --heartbeat-timeout MS  HEARTBEAT_TIMEOUT_MS for the hung-worker phase; 0 skips it (default 5000)
  --timeout S             seconds the burst may take before the run fails (default 60 + 1 per 20 mentions)
  --env NAME=VALUE        any other variable of the bot, repeatable: --env DNS_CACHE_SIZE=0 --env MAX_IN_FLIGHT=16
  --worker KIND           compiled (default: dist/, plain node, as npm start runs it) or source (tsx, as the tests)
  --json PATH             also write the results as JSON
  --help                  this text
`;

const OPTIONS = {
  mentions: { type: 'count', default: 10_000, min: 2 },
  askers: { type: 'count', default: 50, min: 1 },
  probes: { type: 'count', default: 30 },
  'heartbeat-timeout': { type: 'count', default: 5000 },
  timeout: { type: 'count', default: 0 },
  env: { type: 'env' },
  worker: { type: 'string', default: 'compiled' },
  json: { type: 'string' },
} as const;

interface Options {
  mentions: number;
  askers: number;
  probes: number;
  heartbeatTimeoutMs: number;
  /** Seconds the burst may take before the run counts as failed. */
  timeoutS: number;
  env: Record<string, string>;
  /** Run the compiled supervisor and worker (as npm start), or the sources with tsx. */
  compiled: boolean;
  json: string | undefined;
}

function parseOptions(args: readonly string[]): Options {
  const values = optionsOrExit(args, OPTIONS, USAGE);
  const { mentions, askers, probes, env, json } = values;
  // Generous: a bot slower than 20 mentions per second fails the run rather than keeping the machine busy.
  const timeoutS = values.timeout || Math.ceil(60 + mentions / 20);
  if (values.worker !== 'compiled' && values.worker !== 'source') {
    process.stderr.write(`--worker takes compiled or source (got “${values.worker}”)\n${USAGE}`);
    process.exit(2);
  }
  return { mentions, askers, probes, heartbeatTimeoutMs: values['heartbeat-timeout'], timeoutS, env, compiled: values.worker === 'compiled', json };
}

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(options: Options): Promise<number> {
  const half = Math.floor(options.mentions / 2);
  const env: Record<string, string> = {
    // High enough never to hold anyone back: the burst measures the bot, not its limits.
    RATE_LIMIT: '1000000/60s',
    GLOBAL_RATE_LIMIT: '1000000/1s',
    ...(options.heartbeatTimeoutMs ? { HEARTBEAT_TIMEOUT_MS: String(options.heartbeatTimeoutMs) } : {}),
    // This process serves the instance and posts the burst; a stall of its event loop must not look like a dead stream.
    STREAM_SILENCE_MS: '10000',
    ...options.env,
  };
  const results: Results = {
    machine: machine(),
    setup: {
      mentions: options.mentions,
      catchUp: half,
      live: options.mentions - half,
      askers: options.askers,
      probes: options.probes,
      questionMix: MIX.length,
      uniqueNames: 'every third question',
      env,
      instancePingIntervalMs: 500,
      worker: options.compiled ? 'compiled' : 'source (tsx)',
    },
    rssMB: {},
    cpu: {},
    burst: { mentions: options.mentions, answered: 0 },
    latencyMs: {},
    worker: { answeredLines: 0, skipped: 0, failed: 0, floodWarnings: 0 },
    checks: { unanswered: 0, duplicated: 0, wrongContent: 0, wrongVisibility: 0, strayPosts: 0 },
    failures: [],
  };
  const world = await startBotWorld({ rateLimit: { limit: 1e9 }, pingIntervalMs: 500 });
  const fullEnv = world.env(env);
  // As the worker reads them, defaults included.
  const config = readRuntimeConfig(fullEnv);
  Object.assign(results.setup, { maxInFlight: config.maxInFlight, dnsCacheSize: config.engine.cacheSize });
  const tracker = new ReplyTracker(world);
  // The worker's stream-connected comes when its socket opens; masto sends the subscription a moment later. A mention
  // notified in between is in neither the catch-up's listing nor the stream, and is never answered: a known race of
  // the bot, not what this benchmark measures, so the posting waits until the instance has the subscription.
  const subscribed = () => until('the stream subscription', () => world.instance.streamSubscriptions(world.bot.acct).length > 0, 10_000, 2);
  const askers = Array.from({ length: options.askers }, (_, i) => world.instance.createAccount(`asker${i}`));
  tempDirs.add(world.stateDir);
  const runs: BotRun[] = [];
  try {
    // 1. idle
    log('idle: starting the bot and leaving it alone');
    const idleRun = startBot(fullEnv, options.compiled);
    runs.push(idleRun);
    const spawned = Date.now();
    const idleWorker = await until('the first worker', () => idleRun.alive() && idleRun.botLog.workers[0], 30_000);
    const idleConnected = await until('the stream to connect', () => idleRun.alive() && idleRun.botLog.connected.find((c) => c.pid === idleWorker.pid), 30_000);
    results.startupMs = idleConnected.at - spawned;
    await subscribed();
    // Without a watermark (a first start) the catch-up lists only the newest page of mentions and skips the older
    // ones (lib/mentions/listener.ts); a bot that answered something before has one, which is the case measured.
    const warmUp = tracker.ask(askers[0]!, 0, 'warm-up', { ...MIX[0]!, visibility: 'public' });
    await until(
      'the warm-up mention answered',
      () => {
        tracker.update();
        return tracker.answered.has(warmUp.id) && idleRun.botLog.mentions.length > 0;
      },
      30_000,
    );
    await sleep(3000);
    const idleSamples: number[] = [];
    for (let i = 0; i < 10; i++) {
      idleSamples.push(procStatus(idleWorker.pid, 'VmRSS') ?? NaN);
      await sleep(100);
    }
    results.rssMB.idle = spread(idleSamples.filter(Number.isFinite))?.p50;
    const idleExit = await idleRun.stop();
    if (idleExit !== 0) results.failures.push(`the idle bot exited with ${idleExit} on SIGTERM, not 0`);

    // 2. burst
    log(`burst: posting ${fmt(half)} mentions while the bot is down`);
    await postMany(tracker, askers, 0, half, 'catch-up');
    log('burst: starting the bot (catch-up), then the other half while it runs');
    const run = startBot(fullEnv, options.compiled);
    runs.push(run);
    const worker = await until('the worker', () => run.alive() && run.botLog.workers[0], 30_000);
    const connected = await until('the stream to connect', () => run.alive() && run.botLog.connected.find((c) => c.pid === worker.pid), 30_000);
    await subscribed();
    const cpuBefore = cpuMs(worker.pid);
    const benchCpuBefore = process.cpuUsage();
    const supervisorCpuBefore = cpuMs(run.bot.child.pid!);
    const machineBefore = machineCpuMs();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const rss = sampleRss(worker.pid);
    const liveStart = Date.now();
    await postMany(tracker, askers, half, options.mentions - half, 'live');
    results.burst.livePostedPerSecond = ((options.mentions - half) * 1000) / Math.max(1, Date.now() - liveStart);
    const burstPhases: Phase[] = ['catch-up', 'live'];
    let lastReport = 0;
    const burstDone = await until(
      `all ${fmt(options.mentions)} mentions answered`,
      () => {
        const { asked, answered } = tracker.count(burstPhases);
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          log(`burst: ${fmt(answered)} of ${fmt(asked)} answered`);
        }
        return run.alive() && answered === asked;
      },
      options.timeoutS * 1000,
      50,
    ).catch((error: Error) => {
      results.failures.push(error.message);
      return false;
    });
    // The worker logs a mention once all its parts are posted: wait for those lines before reading the CPU time.
    if (burstDone) await until('the worker to log every answer', () => run.botLog.mentions.length >= options.mentions, 10_000).catch(() => undefined);
    const cpuAfter = stillOurs(worker.pid) ? cpuMs(worker.pid) : undefined;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const machineAfter = machineCpuMs();
    loopDelay.disable();
    results.burst.benchLoopMaxStallMs = loopDelay.max / 1e6;
    results.burst.loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
    results.burst.streamReconnects = run.botLog.reconnects.length;
    results.burst.reconnectWaitMs = run.botLog.reconnects.reduce((sum, r) => sum + r.waitMs, 0);
    results.burst.reconnects = run.botLog.reconnects.slice(0, 50).map((r) => ({ afterConnectMs: r.at - connected.at, waitMs: r.waitMs, reason: r.reason }));
    if (cpuAfter !== undefined && stillOurs(run.bot.child.pid!)) {
      // What the machine did besides the bot and this process: other people's work skews every figure here.
      const ours = cpuAfter - cpuBefore + (benchCpu.user + benchCpu.system) / 1000 + cpuMs(run.bot.child.pid!) - supervisorCpuBefore;
      const wallMs = (machineAfter.total - machineBefore.total) / results.machine.cores;
      results.burst.otherProcessesCores = Math.max(0, (machineAfter.processes - machineBefore.processes - ours) / wallMs);
      results.burst.kernelCores = (machineAfter.kernel - machineBefore.kernel) / wallMs;
    }
    const sampled = rss.stop();
    results.rssMB = {
      ...results.rssMB,
      peakSampled: sampled.peakMB,
      peakKernel: sampled.kernelPeakMB,
      samples: sampled.samples,
      longestSampleGapMs: sampled.longestGapMs,
    };
    const answeredInBurst = tracker.count(burstPhases).answered;
    if (cpuAfter !== undefined && answeredInBurst > 0) results.cpu.workerMsPerMention = (cpuAfter - cpuBefore) / answeredInBurst;
    if (answeredInBurst > 0) results.cpu.benchProcessMsPerMention = (benchCpu.user + benchCpu.system) / 1000 / answeredInBurst;
    if (run.botLog.workers.length > 1) results.failures.push(`the supervisor replaced its worker during the burst (${run.botLog.workers.length - 1} times)`);

    // 3. unloaded, and 4. the hung worker: only after a complete burst, with the first worker still there.
    if (burstDone && run.botLog.workers.length === 1) {
      log(`unloaded: ${options.probes} mentions, one at a time`);
      for (let p = 0; p < options.probes; p++) {
        const lines = run.botLog.mentions.length;
        const probe = tracker.ask(askers[p % askers.length]!, options.mentions + p, 'probe');
        await until(
          `probe ${p} answered`,
          () => {
            tracker.update();
            return tracker.answered.has(probe.id) && run.botLog.mentions.length > lines;
          },
          30_000,
          2,
        );
      }
      results.rssMB.afterBurst = procStatus(worker.pid, 'VmRSS');
    }
    if (burstDone && run.botLog.workers.length === 1 && options.heartbeatTimeoutMs > 0) {
      log(`hung worker: SIGSTOP to worker ${worker.pid}, HEARTBEAT_TIMEOUT_MS=${options.heartbeatTimeoutMs}`);
      const stoppedAt = Date.now();
      process.kill(worker.pid, 'SIGSTOP');
      const canary = tracker.ask(askers[0]!, options.mentions + options.probes, 'canary', { ...MIX[2]!, visibility: 'public' });
      const hung: NonNullable<Results['hungWorker']> = { heartbeatTimeoutMs: options.heartbeatTimeoutMs };
      results.hungWorker = hung;
      try {
        await until(
          'the canary mention answered by a new worker',
          () => {
            tracker.update();
            return tracker.answered.has(canary.id);
          },
          options.heartbeatTimeoutMs + 60_000,
        );
        const replacement = run.botLog.workers.find((w) => w.pid !== worker.pid && w.at >= stoppedAt);
        // The reply reaches the instance on its own socket, the log lines through a pipe: give those a moment to arrive.
        const connectedLine = await until(
          'the new worker’s stream-connected event',
          () => run.botLog.connected.find((c) => c.pid === replacement?.pid),
          2000,
        ).catch(() => undefined);
        hung.detectedMs = (run.botLog.replacing.find((r) => r.at >= stoppedAt)?.at ?? NaN) - stoppedAt;
        hung.newWorkerMs = (replacement?.at ?? NaN) - stoppedAt;
        hung.connectedMs = (connectedLine?.at ?? NaN) - stoppedAt;
      } catch (error) {
        results.failures.push(`hung worker: ${errorMessage(error)}`);
      }
    }

    // 5. stop, then check every question against what the instance holds.
    log('stopping the bot');
    const exit = await run.stop();
    if (exit !== 0) results.failures.push(`the bot exited with ${exit} on SIGTERM, not 0`);
    log('checking every question (the test instance renders slowly with this many statuses)');
    analyse(results, world, tracker, run.botLog, connected.at);
  } catch (error) {
    results.failures.push(errorMessage(error));
    for (const run of runs) log(`--- last lines of the bot's output ---\n${run.botLog.tail.join('\n')}`);
  } finally {
    if (results.failures.length) for (const run of runs) log(`--- the bot's life (not the mentions) ---\n${run.botLog.lifecycle.slice(-60).join('\n')}`);
    for (const run of runs) killAll(run.bot, run.botLog);
    await world.close();
    tempDirs.delete(world.stateDir);
  }

  printTable(results);
  if (options.json) await writeFile(options.json, `${JSON.stringify(results, null, 2)}\n`);
  if (results.failures.length) {
    log(`\n${'!'.repeat(72)}\nFAILED: ${results.failures.length} problem(s)\n${results.failures.map((f) => `  - ${f}`).join('\n')}\n${'!'.repeat(72)}`);
    return 1;
  }
  return 0;
}

// Whatever way this process ends, no bot process and no temp dir outlives it.
process.on('exit', () => {
  for (const run of running) killAll(run.bot, run.botLog);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    process.exit(130);
  });
}

const options = parseOptions(process.argv.slice(2));
// A last resort against a hang outside the bounded waits (world.close(), a stuck stop).
setTimeout(
  () => {
    log('FAILED: the benchmark did not finish in time; killing everything');
    process.exit(1);
  },
  (options.timeoutS + 300) * 1000,
).unref();
process.exit(await main(options));
