/**
 * Benchmarks the whole path: mentions on a Mastodon instance → the real
 * supervisor and worker processes (as `npm start` runs them) → DNS → replies.
 *
 *   npx tsx scripts/bench-bot.ts [--json PATH] [--mentions N] [--askers N] [--probes N]
 *                                [--heartbeat-timeout MS] [--timeout S] [--env NAME=VALUE]…
 *
 * (`--mentions=N` works as well as `--mentions N`.)
 *
 * Defaults: 10 000 mentions from 50 askers, 30 probes, HEARTBEAT_TIMEOUT_MS
 * 5000, and 60 s + 50 ms per mention for the burst before the run fails.
 * `--env` sets any other variable of the bot (repeatable), e.g.
 * `--env DNS_CACHE_SIZE=0` or `--env MAX_IN_FLIGHT=16`.
 *
 * Everything runs on 127.0.0.1: the loopback Mastodon test instance and the
 * DNS test server live in this process (test/support/bot-process.ts), the bot
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
 */

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { readRuntimeConfig } from '../bot/config.ts';
import { startBotWorld, startSupervisor, type BotProcess, type BotWorld } from '../test/support/bot-process.ts';
import type { LocalTestAccount, StatusJson } from '../test/testkit/mastodon-instance.ts';

interface Options {
  mentions: number;
  askers: number;
  probes: number;
  heartbeatTimeoutMs: number;
  /** Seconds the burst may take before the run counts as failed. */
  timeoutS: number;
  env: Record<string, string>;
  json: string | undefined;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const MB = 1024 * 1024;

// ----------------------------------------------------------------- questions

type Visibility = 'public' | 'unlisted' | 'direct';

interface QuestionSpec {
  readonly text: string;
  /** What the first post of the answer must contain (matched against its HTML). */
  readonly expect: RegExp;
  /** At least this many posts in the answer's thread. */
  readonly minParts?: number;
}

/** Answers of the test zone (test/testkit/test-zone.ts), as `npm run lookup` prints them; TTLs count down in the answer cache. */
const MIX: readonly QuestionSpec[] = [
  { text: 'example.test', expect: /example\.test\. \d+ A 192\.0\.2\.1/ },
  { text: 'example.test AAAA', expect: /AAAA 2001:db8::1/ },
  { text: 'example.test MX', expect: /MX 10 mail\.example\.test\./ },
  { text: 'example.test TXT', expect: /TXT .*v=spf1 -all/ },
  { text: 'example.test NS SOA', expect: /NS ns1\.example\.test\..*SOA ns1\.example\.test\./s },
  { text: 'www.example.test', expect: /CNAME web\.example\.test\./ },
  { text: '_443._tcp.example.test TLSA', expect: /TLSA 3 1 1 0C72AC70/ },
  { text: 'example.test HTTPS', expect: /HTTPS 1 \. alpn=h2/ },
  { text: 'café.example.test', expect: /xn--caf-dma\.example\.test\. \d+ A 192\.0\.2\.7/ },
  { text: '192.0.2.1', expect: /1\.2\.0\.192\.in-addr\.arpa\. \d+ PTR example\.test\./ },
  { text: '2001:db8::1', expect: /ip6\.arpa\. \d+ PTR example\.test\./ },
  { text: '8.8.8.8', expect: /PTR dns\.google\..*AS15169/s },
  { text: 'nothing.example.test', expect: /NXDOMAIN/ },
  { text: 'bgp 8.8.8.8', expect: /8\.8\.8\.0\/24 announced by AS15169/ },
  { text: 'bgp 1.1.1.1', expect: /1\.1\.1\.0\/24 announced by AS13335/ },
  { text: 'help', expect: /I look things up in the DNS/ },
  { text: 'example.test TYPE0', expect: /I could not read that/ },
  { text: 'long.example.test TXT', expect: /long\.example\.test TXT/, minParts: 2 },
];

/** The n-th question of a run: every third a name asked only once (a cache miss, NXDOMAIN), else the mix in turn. */
function questionAt(n: number): QuestionSpec & { visibility: Visibility } {
  const visibility: Visibility = n % 25 === 24 ? 'direct' : n % 10 === 9 ? 'unlisted' : 'public';
  if (n % 3 === 2) return { text: `u${n}.example.test ${['A', 'MX', 'TXT', 'AAAA'][n % 4]}`, expect: /NXDOMAIN/, visibility };
  const k = Math.floor(n / 3) * 2 + (n % 3); // 0, 1, 2, 3… over the questions that are not unique names
  return { ...MIX[k % MIX.length]!, visibility };
}

type Phase = 'warm-up' | 'catch-up' | 'live' | 'probe' | 'canary';

interface Question {
  readonly id: string;
  readonly phase: Phase;
  readonly spec: QuestionSpec & { visibility: Visibility };
  readonly postedAt: number;
}

// --------------------------------------------------------------- the instance

/**
 * Follows the bot's replies as they are posted, from the instance's request
 * log (cheap: rendering statuses on the test instance costs O(statuses) each,
 * so the exact check waits until the end).
 */
class ReplyTracker {
  readonly questions = new Map<string, Question>();
  /** Question id → when its first reply was posted. */
  readonly answered = new Map<string, number>();
  #next = 0;

  constructor(private readonly world: BotWorld) {}

  ask(author: LocalTestAccount, n: number, phase: Phase, spec = questionAt(n)): Question {
    const status = this.world.instance.post(author, { status: `@${this.world.bot.username} ${spec.text}`, visibility: spec.visibility });
    const question = { id: status.id, phase, spec, postedAt: Date.parse(status.created_at) };
    this.questions.set(question.id, question);
    return question;
  }

  /** Reads the requests logged since the last call; stops at the first one still being answered. */
  update(): void {
    const requests = this.world.instance.requests;
    for (; this.#next < requests.length; this.#next++) {
      const request = requests[this.#next]!;
      if (request.websocket) continue;
      if (request.status === undefined) break;
      if (request.method !== 'POST' || request.path !== '/api/v1/statuses' || request.status !== 200) continue;
      const parent = String(request.params?.in_reply_to_id ?? '');
      if (this.questions.has(parent) && !this.answered.has(parent)) this.answered.set(parent, request.at.getTime());
    }
  }

  count(phases: readonly Phase[]): { asked: number; answered: number } {
    this.update();
    let asked = 0;
    let answered = 0;
    for (const question of this.questions.values()) {
      if (!phases.includes(question.phase)) continue;
      asked++;
      if (this.answered.has(question.id)) answered++;
    }
    return { asked, answered };
  }
}

/** Posts `count` questions from `first` on, in slices, so the instance keeps serving the bot in between. */
async function postMany(tracker: ReplyTracker, askers: readonly LocalTestAccount[], first: number, count: number, phase: Phase): Promise<void> {
  const SLICE = 25;
  for (let i = 0; i < count; i++) {
    tracker.ask(askers[(first + i) % askers.length]!, first + i, phase);
    if (i % SLICE === SLICE - 1) await yieldToLoop();
  }
}

// -------------------------------------------------------------- the processes

interface WorkerEvent {
  readonly pid: number;
  readonly at: number;
}

/** One worker log line about a mention (bot/worker.ts). */
interface MentionEvent {
  readonly mention: string;
  readonly outcome: string;
  readonly queueMs?: number;
  readonly dnsMs?: number;
  readonly postMs?: number;
  readonly parts?: number;
  readonly reason?: string;
  readonly error?: string;
}

/** The supervisor's output (its own log and its workers', one pino JSON line per event), read as it comes. */
class BotLog {
  readonly workers: WorkerEvent[] = [];
  readonly connected: WorkerEvent[] = [];
  readonly replacing: WorkerEvent[] = [];
  /** The listener's "…; again in N ms" after a stream drop or a failed request. */
  readonly reconnects: (WorkerEvent & { waitMs: number; reason: string })[] = [];
  readonly mentions: MentionEvent[] = [];
  readonly floods: number[] = [];
  /** Every line that is not about one mention (starts, drops, replacements…), to explain a failure. */
  readonly lifecycle: string[] = [];
  /** The last lines, shown when something fails. */
  readonly tail: string[] = [];

  constructor(bot: BotProcess) {
    for (const stream of [bot.child.stdout!, bot.child.stderr!]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop()!;
        for (const line of lines) this.#line(line);
      });
    }
  }

  #line(text: string): void {
    this.tail.push(text);
    if (this.tail.length > 40) this.tail.shift();
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const msg = String(event.msg ?? '');
    const at = Number(event.time);
    if (typeof event.mention !== 'string' && this.lifecycle.length < 5000) {
      this.lifecycle.push(`${new Date(at).toISOString().slice(11, 23)} ${String(event.name ?? '?')} ${String(event.pid ?? '?')}: ${msg}`);
    }
    const again = /^listener: (.*); again in (\d+) ms$/.exec(msg);
    if (again) this.reconnects.push({ pid: Number(event.pid), at, waitMs: Number(again[2]), reason: again[1]! });
    const started = /^worker (\d+) started$/.exec(msg);
    if (started) this.workers.push({ pid: Number(started[1]), at });
    else if (msg === 'stream: connected') this.connected.push({ pid: Number(event.pid), at });
    else if (/silent for \d+ ms .*replacing it/.test(msg)) this.replacing.push({ pid: Number(/worker (\d+)/.exec(msg)?.[1]), at });
    else if (msg.startsWith('flood:')) this.floods.push(at);
    else if (typeof event.mention === 'string' && typeof event.outcome === 'string') this.mentions.push(event as unknown as MentionEvent);
  }
}

/** A child of ours that may still run: its pid, if /proc says it is still our bot's code. */
function stillOurs(pid: number): boolean {
  try {
    return /bot\/(worker|supervisor)\.ts/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills the supervisor and every worker it forked, whatever state they are in (a stopped one too). */
function killAll(bot: BotProcess, botLog: BotLog): void {
  const pids = [bot.child.pid, ...botLog.workers.map((w) => w.pid)].filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) {
    if (!stillOurs(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MB : undefined;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process so far, in ms (/proc/PID/stat fields 14 and 15). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU time of the whole machine so far, in ms, from the `cpu` line of /proc/stat (clock ticks): `processes` is user,
 * nice and system time, which other people's processes show up in; `kernel` the interrupts (our loopback traffic
 * too) and time stolen by the hypervisor.
 */
function machineCpuMs(): { processes: number; kernel: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = /^cpu\s+(.+)$/m
    .exec(readFileSync('/proc/stat', 'utf8'))![1]!
    .split(/\s+/)
    .map(Number) as number[];
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;
  return {
    processes: ms(user! + nice! + system!),
    kernel: ms(irq! + softirq! + steal!),
    total: ms(user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!),
  };
}

/** Samples a process's VmRSS every 100 ms; notes the longest gap, as this process's own event loop is busy too. */
function sampleRss(pid: number) {
  const samples: number[] = [];
  let last = Date.now();
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    const rss = procStatus(pid, 'VmRSS');
    if (rss !== undefined) samples.push(rss);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { samples: samples.length, peakMB: Math.max(0, ...samples), longestGapMs, kernelPeakMB: procStatus(pid, 'VmHWM') };
    },
  };
}

/** Polls `probe` every `everyMs` until it returns something, or throws after `timeoutMs` (or at once if `probe` throws). */
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${fmt(timeoutMs / 1000, 1)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------- figures

interface Spread {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1)! };
}

function machine() {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  return {
    cpu: model.replace(/\s+/g, ' '),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    kernel: `Linux ${release()}`,
  };
}

// ---------------------------------------------------------------------- main

function parseOptions(args: readonly string[]): Options {
  const options: Options = { mentions: 10_000, askers: 50, probes: 30, heartbeatTimeoutMs: 5000, timeoutS: 0, env: {}, json: undefined };
  // `--flag=value` too, which is how scripts/bench.ts can pass a value through its prefixed options.
  const argv = args.flatMap((arg) => (/^--[a-z-]+=/.test(arg) ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg]));
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--json') options.json = value;
    else if (flag === '--mentions' || flag === '--askers' || flag === '--probes') options[flag.slice(2) as 'mentions'] = Number(value);
    else if (flag === '--heartbeat-timeout') options.heartbeatTimeoutMs = Number(value);
    else if (flag === '--timeout') options.timeoutS = Number(value);
    else if (flag === '--env' && /^[A-Z_][A-Z0-9_]*=/.test(value)) options.env[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    else throw new Error(`unknown option ${flag} ${value}`);
  }
  for (const key of ['mentions', 'askers', 'probes', 'heartbeatTimeoutMs', 'timeoutS'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`--${key} must be a whole number`);
  }
  if (options.mentions < 2 || options.askers < 1) throw new Error('--mentions must be at least 2 and --askers at least 1');
  // Generous: a bot slower than 20 mentions per second fails the run rather than keeping the machine busy.
  if (options.timeoutS === 0) options.timeoutS = Math.ceil(60 + options.mentions / 20);
  return options;
}

type BotRun = ReturnType<typeof startBot>;

/** Bot runs not yet stopped, and temp dirs: what the exit handler below cleans up, whatever way this process ends. */
const running = new Set<BotRun>();
const tempDirs = new Set<string>();

/** One supervisor run: the process, its log, and a stop that always ends with nothing left running. */
function startBot(env: Record<string, string>) {
  const bot = startSupervisor(env);
  const botLog = new BotLog(bot);
  const run = {
    bot,
    botLog,
    /** true while the supervisor runs; throws once it has exited, so that a wait on it fails at once. */
    alive: (): true => {
      if (bot.child.exitCode !== null || bot.child.signalCode !== null)
        throw new Error(`the supervisor exited (${bot.child.exitCode ?? bot.child.signalCode})`);
      return true;
    },
    /** SIGTERM and up to 30 s for the worker to finish its replies; then SIGKILL for all. Resolves with the exit code (null: it did not stop). */
    stop: async (): Promise<number | null> => {
      const code = await Promise.race([bot.stop('SIGTERM'), sleep(30_000).then(() => null)]);
      killAll(bot, botLog);
      running.delete(run);
      return code;
    },
  };
  running.add(run);
  return run;
}

interface Results {
  machine: ReturnType<typeof machine>;
  setup: Record<string, unknown>;
  startupMs?: number;
  rssMB: { idle?: number; peakSampled?: number; peakKernel?: number; afterBurst?: number; samples?: number; longestSampleGapMs?: number };
  cpu: { workerMsPerMention?: number; benchProcessMsPerMention?: number };
  burst: {
    mentions: number;
    answered: number;
    firstPostToLastReplyMs?: number;
    connectedToLastReplyMs?: number;
    perSecond?: number;
    perSecondFromConnect?: number;
    livePostedPerSecond?: number;
    /** Times the worker's stream dropped and the listener waited to reconnect, and how long in all. */
    streamReconnects?: number;
    reconnectWaitMs?: number;
    reconnects?: { afterConnectMs: number; waitMs: number; reason: string }[];
    /** The longest stall of this process's event loop, which serves the instance (pings, pongs, requests). */
    benchLoopMaxStallMs?: number;
    /** Cores busy with processes other than the bot and this benchmark, on average over the burst. */
    otherProcessesCores?: number;
    /** Cores busy with interrupts (the loopback traffic) and stolen by the hypervisor. */
    kernelCores?: number;
    loadAverage?: number[];
  };
  latencyMs: Record<string, Spread | undefined>;
  hungWorker?: { heartbeatTimeoutMs: number; detectedMs?: number; newWorkerMs?: number; connectedMs?: number; answeredMs?: number };
  worker: { answeredLines: number; skipped: number; failed: number; floodWarnings: number };
  checks: { unanswered: number; duplicated: number; wrongContent: number; wrongVisibility: number; strayPosts: number };
  failures: string[];
}

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
  const askers = Array.from({ length: options.askers }, (_, i) => world.instance.createAccount(`asker${i}`));
  tempDirs.add(world.stateDir);
  const runs: BotRun[] = [];
  try {
    // 1. idle
    log('idle: starting the bot and leaving it alone');
    const idleRun = startBot(fullEnv);
    runs.push(idleRun);
    const spawned = Date.now();
    const idleWorker = await until('the first worker', () => idleRun.alive() && idleRun.botLog.workers[0], 30_000);
    const idleConnected = await until('the stream to connect', () => idleRun.alive() && idleRun.botLog.connected.find((c) => c.pid === idleWorker.pid), 30_000);
    results.startupMs = idleConnected.at - spawned;
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
    const run = startBot(fullEnv);
    runs.push(run);
    const worker = await until('the worker', () => run.alive() && run.botLog.workers[0], 30_000);
    const connected = await until('the stream to connect', () => run.alive() && run.botLog.connected.find((c) => c.pid === worker.pid), 30_000);
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
        hung.detectedMs = (run.botLog.replacing.find((r) => r.at >= stoppedAt)?.at ?? NaN) - stoppedAt;
        hung.newWorkerMs = (replacement?.at ?? NaN) - stoppedAt;
        hung.connectedMs = (run.botLog.connected.find((c) => c.pid === replacement?.pid)?.at ?? NaN) - stoppedAt;
      } catch (error) {
        results.failures.push(`hung worker: ${(error as Error).message}`);
      }
    }

    // 5. stop, then check every question against what the instance holds.
    log('stopping the bot');
    const exit = await run.stop();
    if (exit !== 0) results.failures.push(`the bot exited with ${exit} on SIGTERM, not 0`);
    log('checking every question (the test instance renders slowly with this many statuses)');
    analyse(results, world, tracker, run.botLog, connected.at);
  } catch (error) {
    results.failures.push((error as Error).message);
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

/** Reads every status once, checks each question's thread and computes the latencies. */
function analyse(results: Results, world: BotWorld, tracker: ReplyTracker, botLog: BotLog, connectedAt: number): void {
  const mine = world.instance.statusesBy(world.bot.acct);
  const children = new Map<string, StatusJson[]>();
  const byId = new Map(mine.map((status) => [status.id, status]));
  for (const status of mine) {
    const parent = status.in_reply_to_id ?? '';
    if (!tracker.questions.has(parent) && !byId.has(parent)) results.checks.strayPosts++;
    const siblings = children.get(parent);
    if (siblings) siblings.push(status);
    else children.set(parent, [status]);
  }
  const e2e: Record<Phase, number[]> = { 'warm-up': [], 'catch-up': [], live: [], probe: [], canary: [] };
  const replyAt = new Map<string, number>();
  let lastReplyAt = 0;
  const problems: string[] = [];
  for (const question of tracker.questions.values()) {
    const direct = children.get(question.id) ?? [];
    if (direct.length === 0) {
      results.checks.unanswered++;
      problems.push(`unanswered: ${question.id} “${question.spec.text}” (${question.phase})`);
      continue;
    }
    if (direct.length > 1) {
      results.checks.duplicated++;
      problems.push(`${direct.length} replies to ${question.id} “${question.spec.text}”`);
    }
    // Follow the thread of parts; a part with two children is a duplicate too.
    let last = direct[0]!;
    let parts = 1;
    for (let next = children.get(last.id); next?.length; next = children.get(last.id)) {
      if (next.length > 1) results.checks.duplicated++;
      last = next[0]!;
      parts++;
    }
    if (!question.spec.expect.test(direct[0]!.content) || parts < (question.spec.minParts ?? 1)) {
      results.checks.wrongContent++;
      problems.push(`unexpected answer to “${question.spec.text}” (${parts} part(s)): ${direct[0]!.content.slice(0, 200)}`);
    }
    if (direct[0]!.visibility !== question.spec.visibility) results.checks.wrongVisibility++;
    const at = Date.parse(last.created_at);
    replyAt.set(question.id, at);
    if (question.phase === 'catch-up' || question.phase === 'live') lastReplyAt = Math.max(lastReplyAt, at);
    // A mention posted while the bot was down could not be answered before its stream connected.
    e2e[question.phase].push(at - (question.phase === 'catch-up' ? Math.max(question.postedAt, connectedAt) : question.postedAt));
  }
  for (const problem of problems.slice(0, 10)) log(`  ${problem}`);
  if (problems.length > 10) log(`  … and ${problems.length - 10} more`);
  const { checks } = results;
  if (checks.unanswered) results.failures.push(`${checks.unanswered} question(s) not answered`);
  if (checks.duplicated) results.failures.push(`${checks.duplicated} question(s) or parts answered more than once`);
  if (checks.wrongContent) results.failures.push(`${checks.wrongContent} answer(s) without the expected content`);
  if (checks.wrongVisibility) results.failures.push(`${checks.wrongVisibility} answer(s) with another visibility than the question`);
  if (checks.strayPosts) results.failures.push(`${checks.strayPosts} post(s) by the bot that answer no question`);

  const burst = [...tracker.questions.values()].filter((q) => q.phase === 'catch-up' || q.phase === 'live');
  const firstPostAt = Math.min(...burst.map((q) => q.postedAt));
  results.burst.answered = burst.filter((q) => replyAt.has(q.id)).length;
  if (lastReplyAt > 0) {
    results.burst.firstPostToLastReplyMs = lastReplyAt - firstPostAt;
    results.burst.connectedToLastReplyMs = lastReplyAt - connectedAt;
    results.burst.perSecond = (results.burst.answered * 1000) / results.burst.firstPostToLastReplyMs;
    results.burst.perSecondFromConnect = (results.burst.answered * 1000) / results.burst.connectedToLastReplyMs;
  }
  const canary = [...tracker.questions.values()].find((q) => q.phase === 'canary');
  const stoppedAt = canary?.postedAt;
  if (results.hungWorker && canary && stoppedAt !== undefined && replyAt.has(canary.id)) results.hungWorker.answeredMs = replyAt.get(canary.id)! - stoppedAt;

  // The worker's own split, joined to the questions through the notifications (mention id → status id).
  const statusOf = new Map(world.instance.notificationsFor(world.bot.acct).map((n) => [n.id, n.status?.id ?? '']));
  const split = { queue: [] as number[], dns: [] as number[], post: [] as number[], rest: [] as number[] };
  for (const event of botLog.mentions) {
    if (event.outcome === 'skipped') results.worker.skipped++;
    if (event.outcome === 'failed') results.worker.failed++;
    if (event.outcome !== 'answered') continue;
    results.worker.answeredLines++;
    const question = tracker.questions.get(statusOf.get(event.mention) ?? '');
    if (!question || (question.phase !== 'catch-up' && question.phase !== 'live')) continue;
    const [queueMs, dnsMs, postMs] = [event.queueMs ?? NaN, event.dnsMs ?? NaN, event.postMs ?? NaN];
    split.queue.push(queueMs);
    split.dns.push(dnsMs);
    split.post.push(postMs);
    const at = replyAt.get(question.id);
    if (question.phase === 'live' && at !== undefined) split.rest.push(at - question.postedAt - queueMs - dnsMs - postMs);
  }
  results.worker.floodWarnings = botLog.floods.length;
  if (results.worker.skipped) results.failures.push(`the worker skipped ${results.worker.skipped} mention(s)`);
  const finite = (values: number[]) => values.filter(Number.isFinite);
  if (split.queue.length && finite(split.queue).length === 0) results.failures.push('the worker log has no queueMs/dnsMs/postMs fields: check bot/worker.ts');
  results.latencyMs = {
    unloaded: spread(e2e.probe),
    live: spread(e2e.live),
    catchUp: spread(e2e['catch-up']),
    queue: spread(finite(split.queue)),
    dns: spread(finite(split.dns)),
    post: spread(finite(split.post)),
    liveRest: spread(finite(split.rest)),
  };
}

function printTable(r: Results): void {
  const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : value < 10 ? fmt(value, 1) : fmt(value));
  const s = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : `${fmt(value / 1000, 1)} s`);
  const mb = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : `${fmt(value)} MB`);
  const { burst, rssMB, cpu, hungWorker, machine: m } = r;
  const setup = r.setup as { catchUp: number; live: number; askers: number; probes: number; maxInFlight?: number; dnsCacheSize?: number };
  const lines: string[] = [];
  lines.push(
    `Whole path, \`scripts/bench-bot.ts --mentions ${r.burst.mentions}\`: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.kernel}.`,
  );
  lines.push(
    `${fmt(setup.catchUp)} mentions posted while the bot was down (catch-up), ${fmt(setup.live)} while it ran (stream), from ${setup.askers} askers; ` +
      `the supervisor and worker as \`npm start\` runs them (MAX_IN_FLIGHT ${setup.maxInFlight ?? '?'}, DNS_CACHE_SIZE ${fmt(setup.dnsCacheSize ?? NaN)}), ` +
      'the loopback Mastodon test instance and DNS test server in the benchmark process on the same cores.',
  );
  const others = burst.otherProcessesCores;
  if (others !== undefined && others > 0.2) {
    lines.push('', `**Other processes kept ${fmt(others, 1)} of ${m.cores} cores busy during the burst: these figures are lower than on an idle machine.**`);
  }
  lines.push('');
  lines.push('| measure | value |', '| --- | --- |');
  const answeredNote =
    r.failures.length === 0
      ? `${fmt(burst.answered)}, each exactly once`
      : `**${fmt(burst.answered)} of ${fmt(burst.mentions)}; ${r.checks.unanswered} unanswered, ${r.checks.duplicated} duplicated — FAILED, see stderr**`;
  lines.push(`| mentions answered | ${answeredNote} |`);
  lines.push(`| throughput, first post → last reply | ${burst.perSecond ? `${fmt(burst.perSecond)} mentions/s (${s(burst.firstPostToLastReplyMs)})` : '—'} |`);
  lines.push(
    `| throughput, stream connected → last reply | ${burst.perSecondFromConnect ? `${fmt(burst.perSecondFromConnect)} mentions/s (${s(burst.connectedToLastReplyMs)})` : '—'} |`,
  );
  lines.push(`| start: supervisor spawned → stream connected | ${s(r.startupMs)} |`);
  if (r.worker.failed) lines.push(`| answers that failed and were retried | ${fmt(r.worker.failed)} |`);
  lines.push(
    `| worker RSS: idle / peak under load / after the burst | ${mb(rssMB.idle)} / ${mb(rssMB.peakKernel ?? rssMB.peakSampled)} / ${mb(rssMB.afterBurst)} |`,
  );
  lines.push(
    `| stream drops during the burst (time waiting to reconnect) | ${burst.streamReconnects ?? '—'}${burst.reconnectWaitMs ? ` (${s(burst.reconnectWaitMs)})` : ''} |`,
  );
  lines.push(`| other processes on the machine during the burst | ${others === undefined ? '—' : `${fmt(others, 2)} cores`} |`);
  lines.push(`| benchmark process: longest event-loop stall (it serves the instance) | ${ms(burst.benchLoopMaxStallMs)} ms |`);
  lines.push(`| worker CPU per mention | ${cpu.workerMsPerMention === undefined ? '—' : `${fmt(cpu.workerMsPerMention, 2)} ms`} |`);
  lines.push(
    `| benchmark process CPU per mention (test instance, DNS server, load) | ${cpu.benchProcessMsPerMention === undefined ? '—' : `${fmt(cpu.benchProcessMsPerMention, 2)} ms`} |`,
  );
  if (hungWorker) {
    lines.push(
      `| hung worker (SIGSTOP, HEARTBEAT_TIMEOUT_MS=${hungWorker.heartbeatTimeoutMs}): detected / new worker / its stream / mention answered | ` +
        `${s(hungWorker.detectedMs)} / ${s(hungWorker.newWorkerMs)} / ${s(hungWorker.connectedMs)} / ${s(hungWorker.answeredMs)} |`,
    );
  }
  lines.push('');
  lines.push('| latency, ms | count | p50 | p90 | p99 | max |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  const row = (label: string, value: Spread | undefined) =>
    lines.push(`| ${label} | ${value ? fmt(value.count) : 0} | ${ms(value?.p50)} | ${ms(value?.p90)} | ${ms(value?.p99)} | ${ms(value?.max)} |`);
  row(`mention → reply, unloaded (${setup.probes} one at a time)`, r.latencyMs.unloaded);
  row('mention → reply, burst, posted while running', r.latencyMs.live);
  row('mention → reply, burst, catch-up (from stream connected)', r.latencyMs.catchUp);
  row('… queue wait (worker log, whole burst)', r.latencyMs.queue);
  row('… DNS / engine (worker log, whole burst)', r.latencyMs.dns);
  row('… posting the reply (worker log, whole burst)', r.latencyMs.post);
  row('… the rest: delivery, held during catch-up (posted while running)', r.latencyMs.liveRest);
  console.log(lines.join('\n'));
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
