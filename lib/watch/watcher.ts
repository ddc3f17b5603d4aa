import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import type { EngineSources, LookingGlass } from '../engine/looking-glass.ts';
import { RequestRejectedError, StatusGoneError } from '../fediverse/errors.ts';
import type { ThreadPoster } from '../fediverse/thread-poster.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';
import { blockReason, type BlockList } from '../policy/block-list.ts';
import { WaitingRateLimit } from '../policy/waiting-rate-limit.ts';
import { checkCost, checkQuestion, type WatchedQuestion } from './watch-check.ts';
import type { WatchConfig } from './watch-config.ts';
import { watchable } from './watch-desk.ts';
import { checkDelay, judge, type WatchProgress } from './watch-rules.ts';
import { stateKey } from './watch-state.ts';
import type { PendingPost, WatchRecord, WatchStore } from './watch-store.ts';
import { changeLines, endedLines } from './watch-text.ts';

export interface WatcherOptions {
  readonly store: WatchStore;
  readonly engine: Pick<LookingGlass, 'read'>;
  readonly sources: EngineSources;
  /** Posts the replies, as it posts answers: idempotency keys, the reply found where the server ignores them, retries. */
  readonly poster: Pick<ThreadPoster, 'post'>;
  readonly config: WatchConfig;
  readonly blockList: () => BlockList;
  readonly logger: Logger;
  /** Who holds the leases: unique per process, so that a respawned worker is another owner. */
  readonly owner: string;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** Checks in flight at once; each waits on the network, not on the CPU. */
const CONCURRENCY = 32;
/** Watches leased at once at most, so that none waits for the budget long enough to lose its lease. */
const MAX_BATCH = 256;
/** How many checks in a row a new state must hold. */
const HOLD_CHECKS = 2;
/** Ended watches are kept this long (a mention answered again after a crash finds its watch), then forgotten. */
const KEEP_ENDED_MS = 30 * 86_400_000;
const FORGET_EVERY_MS = 3_600_000;
/** Watched questions kept read, per process. */
const QUESTIONS_KEPT = 100_000;

/**
 * Checks the watches that are due, here or on any replica sharing the store:
 * each is leased for its check, its state judged (watch-rules.ts) and a change
 * written as a pending post before it is posted, then marked posted, so that a
 * crash at any point tells each change once (the Idempotency-Key, derived from
 * the watch and the change, makes the post after a respawn the same post).
 */
export class Watcher {
  private readonly log: Logger;
  private readonly budget: WaitingRateLimit;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly tickMs: number;
  private readonly batch: number;
  /** When the BGP table and the VRPs were last loaded, to check BGP watches after a reload. */
  private loaded: string | undefined;
  /** Each watch's question as read, or that it is not one this bot watches (any more). */
  private readonly questions = new LRUCache<string, WatchedQuestion | 'unwatchable'>({ max: QUESTIONS_KEPT });
  private forgotAt = 0;
  private checks = 0;

  constructor(private readonly options: WatcherOptions) {
    this.log = options.logger.child({ component: 'watch' });
    this.budget = new WaitingRateLimit(options.config.checksPerMinute, 60_000);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.tickMs = Math.min(1000, Math.max(50, Math.round(options.config.minIntervalMs / 4)));
    this.batch = Math.min(MAX_BATCH, Math.max(1, Math.ceil((options.config.checksPerMinute * this.tickMs) / 60_000)));
  }

  /** Checks performed so far, for the benchmark. */
  get checked(): number {
    return this.checks;
  }

  /** Checks due watches until `signal` aborts; a failing store or server is logged and tried again at the next tick. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let claimed = 0;
      try {
        claimed = await this.tick(signal);
      } catch (error) {
        const fields = errorFields(error);
        this.log.warn({ event: 'watch-tick-failed', ...fields }, `watches: ${fields.error}`);
      }
      if (claimed < this.batch) await sleep(this.tickMs, undefined, { signal }).catch(() => {});
    }
  }

  /** One round: BGP watches made due after a reload, then up to a batch of due watches checked; how many were. */
  async tick(signal?: AbortSignal): Promise<number> {
    await this.noticeReloads();
    const { store, owner, config } = this.options;
    if (this.now() - this.forgotAt >= FORGET_EVERY_MS) {
      this.forgotAt = this.now();
      await store.forgetEnded(this.forgotAt - KEEP_ENDED_MS);
    }
    const due = await store.claimDue(owner, this.now(), config.leaseMs, this.batch);
    let next = 0;
    const worker = async () => {
      while (next < due.length && !signal?.aborted) {
        await this.handle(due[next++], signal);
        // A check against a table in memory and SQLite settles in microtasks alone: give the event loop its turn
        // after each, or a batch of them would hold up every mention and timer of the worker.
        await turn();
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
    return due.length;
  }

  private async noticeReloads(): Promise<void> {
    const { bgp, rpki } = this.options.sources;
    if (!bgp) return;
    const [table, vrps] = await Promise.all([bgp.stats().catch(() => undefined), rpki?.stats().catch(() => undefined)]);
    const loaded = `${table?.loadedAt?.getTime()} ${vrps?.loadedAt?.getTime()}`;
    if (this.loaded !== undefined && loaded !== this.loaded) {
      const spreadMs = Math.min(this.options.config.bgpIntervalMs, 60_000);
      await this.options.store.bgpDueSoon(this.now(), spreadMs);
      this.log.info({ event: 'watch-bgp-reloaded', spreadMs }, 'BGP data reloaded: BGP watches are checked again');
    }
    this.loaded = loaded;
  }

  private async handle(watch: WatchRecord, signal: AbortSignal | undefined): Promise<void> {
    try {
      if (watch.pending) return await this.post(watch, watch.pending);
      const blocked = blockReason(this.options.blockList(), watch.asker);
      if (blocked) return await this.end(watch, `${blocked}`);
      if (this.now() >= watch.expiresAt) {
        const pending = { key: `fedidig-watch-${watch.id}-ended`, lines: endedLines(watch), ends: 'expired' };
        return await this.save(watch, watch.progress, watch.expiresAt, pending);
      }
      const question = this.questionOf(watch);
      if (!question) return await this.end(watch, 'no longer a question this bot watches');
      await this.check(watch, question, signal);
    } catch (error) {
      const fields = errorFields(error);
      // The lease runs out and the watch is checked again then.
      this.log.warn({ event: 'watch-check-failed', watch: watch.id, ...fields }, `watch ${watch.id}: ${fields.error}`);
    }
  }

  /** The watched question, read once per process from the text it was asked with. */
  private questionOf(watch: WatchRecord): WatchedQuestion | undefined {
    let question = this.questions.get(watch.id);
    if (question === undefined) {
      const watched = watchable(this.options.engine.read(watch.question), this.options.sources);
      question = typeof watched === 'object' && !Array.isArray(watched) ? watched : 'unwatchable';
      this.questions.set(watch.id, question);
    }
    return question === 'unwatchable' ? undefined : question;
  }

  private async check(watch: WatchRecord, question: WatchedQuestion, signal: AbortSignal | undefined): Promise<void> {
    const { config, sources } = this.options;
    for (let cost = checkCost(question, sources); cost > 0; cost--) await this.budget.take();
    const observation = await checkQuestion(question, sources, config.visibilityThreshold, signal);
    this.checks++;
    const now = this.now();
    const nextCheckAt = Math.min(now + checkDelay(watch.kind, observation?.ttlSeconds, config, this.random()), watch.expiresAt);
    if (!observation) return this.save(watch, watch.progress, nextCheckAt, undefined);
    const observed = stateKey(observation.state);
    const verdict = judge(watch.progress, observed, now, { holdChecks: HOLD_CHECKS, dailyChanges: config.dailyChanges });
    const pending =
      verdict.tell && verdict.before !== undefined
        ? {
            key: changeKey(watch.id, verdict.before, verdict.progress),
            lines: changeLines(watch, verdict.before, observed, verdict.tell === 'muted', config.dailyChanges),
          }
        : undefined;
    await this.save(watch, verdict.progress, nextCheckAt, pending);
  }

  /** Writes the check; a pending post is posted once it is written, never before. */
  private async save(watch: WatchRecord, progress: WatchProgress, nextCheckAt: number, pending: PendingPost | undefined): Promise<void> {
    const saved = await this.options.store.saveCheck(watch.id, this.options.owner, { progress, nextCheckAt, pending }, this.now(), this.options.config.leaseMs);
    if (!saved) {
      this.log.info({ event: 'watch-lease-lost', watch: watch.id }, `watch ${watch.id}: another replica has it now`);
      return;
    }
    if (!pending) return;
    this.log.info({ event: 'watch-change-pending', watch: watch.id, key: pending.key }, `watch ${watch.id}: a reply to post`);
    await this.post(watch, pending);
  }

  private async post(watch: WatchRecord, pending: PendingPost): Promise<void> {
    const { poster, store } = this.options;
    try {
      // Where the server ignores Idempotency-Key, a reply posted before a crash is found in the thread: one not known as the watch's.
      const known = new Set(await store.postsOf(watch.id));
      const [reply, ...more] = await poster.post({
        inReplyToId: watch.id,
        mention: watch.mention,
        visibility: watch.visibility,
        lines: pending.lines,
        key: pending.key,
        known,
      });
      for (const part of more) await store.addPost(watch.id, part);
      await store.posted(watch.id, pending.key, reply, this.now());
      this.log.info({ event: 'watch-posted', watch: watch.id, key: pending.key, reply, ends: pending.ends }, `watch ${watch.id}: posted`);
    } catch (error) {
      if (!(error instanceof RequestRejectedError)) throw error;
      // The question is gone (deleted, or hidden from the bot), or the server refuses the reply for good: the watch ends.
      await store.posted(watch.id, pending.key, undefined, this.now());
      await this.end(watch, error instanceof StatusGoneError ? 'question gone' : 'reply refused');
    }
  }

  private async end(watch: WatchRecord, reason: string): Promise<void> {
    await this.options.store.end(watch.id, reason, this.now());
    this.questions.delete(watch.id);
    this.log.info({ event: 'watch-ended', watch: watch.id, reason }, `watch ${watch.id} ended: ${reason}`);
  }
}

/** The Idempotency-Key of a change: the watch, the states before and after, and the day's count (A→B→A→B are four changes). */
function changeKey(watchId: string, before: string, progress: WatchProgress): string {
  const change = createHash('sha256').update(`${before}\n${progress.reported}\n${progress.day}\n${progress.changesToday}`).digest('hex').slice(0, 24);
  return `fedidig-watch-${watchId}-${change}`;
}
