/**
 * The whole-path benchmark's results: what is measured, the check of every
 * question against what the instance holds, and the report (Markdown on stdout).
 */
import type { BotWorld } from '../../test/testkit/bot/bot-process.ts';
import type { StatusJson } from '../../test/testkit/mastodon-instance.ts';
import type { BotLog } from './bot-log.ts';
import { fmt, megabytes, milliseconds, seconds, spread, type Machine, type Spread } from './format.ts';
import type { ReplyTracker } from './load.ts';
import type { Phase } from './questions.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

export interface Results {
  machine: Machine;
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

/** Reads every status once, checks each question's thread and computes the latencies. */
export function analyse(results: Results, world: BotWorld, tracker: ReplyTracker, botLog: BotLog, connectedAt: number): void {
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
  if (split.queue.length && finite(split.queue).length === 0)
    results.failures.push('the worker log has no queueMs/dnsMs/postMs fields: check lib/mentions/outcome.ts');
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

export function printTable(r: Results): void {
  const [ms, s, mb] = [milliseconds, seconds, megabytes];
  const { burst, rssMB, cpu, hungWorker, machine: m } = r;
  const setup = r.setup as { catchUp: number; live: number; askers: number; probes: number; maxInFlight?: number; dnsCacheSize?: number; worker?: string };
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
    `| worker RSS (${setup.worker ?? 'compiled'}): idle / peak under load / after the burst | ${mb(rssMB.idle)} / ${mb(rssMB.peakKernel ?? rssMB.peakSampled)} / ${mb(rssMB.afterBurst)} |`,
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
