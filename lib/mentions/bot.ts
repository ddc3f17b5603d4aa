import type { EngineSources, LookingGlass } from '../engine/looking-glass.ts';
import type { Fediverse } from '../fediverse/fediverse.ts';
import type { Visibility } from '../fediverse/reply-visibility.ts';
import { AskerRateLimit } from '../policy/asker-rate-limit.ts';
import { mergeBlockLists, type BlockList } from '../policy/block-list.ts';
import { FloodWatch } from '../policy/flood-watch.ts';
import { healthOf, type Health, type Heartbeat } from '../ops/health.ts';
import type { LogQueries } from '../policy/log-privacy.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';
import { WaitingRateLimit } from '../policy/waiting-rate-limit.ts';
import { ThreadPoster } from '../fediverse/thread-poster.ts';
import { floodReporter } from './flood-report.ts';
import { NotificationListener } from './listener.ts';
import { mentionHandler } from './outcome.ts';
import type { ProgressStorage } from './progress-store.ts';
import { MentionQueue } from './queue.ts';
import { MentionResponder } from './responder.ts';
import type { Session } from './sign-in.ts';
import type { WatchConfig } from '../watch/watch-config.ts';
import { WatchDesk } from '../watch/watch-desk.ts';
import { Watcher } from '../watch/watcher.ts';
import type { WatchStore } from '../watch/watch-store.ts';

interface RateLimit {
  readonly count: number;
  readonly windowMs: number;
}

/** The settings the bot runs by; the worker's RuntimeConfig (bot/config.ts) has them all. */
export interface BotConfig {
  readonly mastodonUrl: string;
  readonly pollIntervalMs: number;
  /** HEARTBEAT_TIMEOUT_MS: /healthz fails when the heartbeat is older. */
  readonly heartbeatTimeoutMs: number;
  readonly maxInFlight: number;
  readonly rateLimit: RateLimit;
  readonly globalRateLimit: RateLimit;
  readonly floodLimit: RateLimit;
  readonly adminAcct?: string;
  readonly blockList: BlockList;
  readonly engine: { readonly logQueries: LogQueries; readonly maxParts: number; readonly maxVisibility: Visibility };
}

export interface BotDeps {
  readonly fediverse: Fediverse;
  /** Who the bot is and what its server can do, from signIn(). */
  readonly session: Session;
  readonly engine: Pick<LookingGlass, 'read' | 'costOf' | 'answerQuestion' | 'reload'>;
  readonly progress: ProgressStorage;
  /** Each part logs to a child of it (`component`: listener, mentions, flood-watch, bot). */
  readonly logger: Logger;
  /** Beaten while really connected; its age is part of health(). */
  readonly heartbeat: Heartbeat;
  /** BLOCKLIST_FILE as last read, merged with `config.blockList`. */
  readonly blockListFile?: () => BlockList;
  /** How long a mention that failed waits before it is listed again (default 30 s). */
  readonly failedRetryMs?: number;
  /** How long stop() waits for the replies in flight (default 20 s). */
  readonly stopGraceMs?: number;
  /** Watches (lib/watch/): where they are kept, their settings, what they ask through, and who holds their leases here. */
  readonly watch?: { readonly store: WatchStore; readonly config: WatchConfig; readonly sources: EngineSources; readonly owner: string };
}

export interface Bot {
  /** Catches up, then streams or polls, answering each mention once, until `signal` aborts or stop() is called. */
  run(signal: AbortSignal): Promise<void>;
  /** Takes no new mentions and resolves once those in flight are answered and the progress is saved, or the grace is over. */
  stop(reason?: string): Promise<void>;
  /** For /healthz: connected to the server, with a fresh heartbeat. */
  health(): Health;
  /** Reloads what the engine loaded from files (the BGP table); true when something changed. It never rejects. */
  reload(reason?: string): Promise<boolean>;
}

const STOP_GRACE_MS = 20_000;

/**
 * The bot, put together: the listener feeds the queue, which hands each
 * mention to the responder and logs its outcome; floods are reported to the
 * operator. It knows nothing of processes: the worker (bot/worker.ts) builds
 * its parts from the environment and turns signals into stop() and reload().
 */
export function createBot(config: BotConfig, deps: BotDeps): Bot {
  const { fediverse, session, engine, logger, heartbeat } = deps;
  const log = logger.child({ component: 'bot' });
  const stopping = new AbortController();
  const { instance, me } = session;
  // Answers and watch replies go through one poster: one queue where the server takes one post at a time.
  const poster = new ThreadPoster({ fediverse, me, server: instance, maxParts: config.engine.maxParts });
  const blockList = deps.blockListFile ? () => mergeBlockLists(config.blockList, deps.blockListFile!()) : () => config.blockList;
  const watcher = deps.watch && new Watcher({ ...deps.watch, engine, poster, blockList, logger });
  const desk = deps.watch && new WatchDesk({ ...deps.watch, engine });
  const reportFlood = floodReporter({ fediverse, adminAcct: config.adminAcct, markup: instance.markup, logger, signal: stopping.signal });
  const responder = new MentionResponder({
    fediverse,
    engine,
    me,
    server: instance,
    maxParts: config.engine.maxParts,
    maxVisibility: config.engine.maxVisibility,
    rateLimit: new AskerRateLimit(config.rateLimit.count, config.rateLimit.windowMs),
    globalRateLimit: new WaitingRateLimit(config.globalRateLimit.count, config.globalRateLimit.windowMs),
    blockList,
    commands: desk,
    poster,
    floodWatch: new FloodWatch({
      windowMs: config.floodLimit.windowMs,
      threshold: config.floodLimit.count,
      localDomain: new URL(config.mastodonUrl).host,
      onFlood: (report) => void reportFlood(report),
    }),
  });
  const handle = mentionHandler({
    responder,
    logger,
    logQueries: config.engine.logQueries,
    failedRetryMs: deps.failedRetryMs,
    retryLater: (ms) => listener.catchUpSoon(ms),
  });
  const queue = new MentionQueue(deps.progress, handle, config.maxInFlight);
  const listener = new NotificationListener({
    fediverse,
    queue,
    streaming: session.streaming,
    pollIntervalMs: config.pollIntervalMs,
    heartbeat: () => heartbeat.beat(),
    logger,
  });

  return {
    async run(signal) {
      const running = AbortSignal.any([signal, stopping.signal]);
      await Promise.all([listener.run(running), watcher?.run(running)]);
    },

    async stop(reason = 'stop') {
      log.info({ event: 'stopping', reason }, `${reason}: taking no new mentions, finishing those in flight`);
      stopping.abort();
      const graceMs = deps.stopGraceMs ?? STOP_GRACE_MS;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'grace'>((resolve) => (timer = setTimeout(resolve, graceMs, 'grace')));
      const ended = await Promise.race([queue.stop().then(() => 'done' as const), grace]);
      clearTimeout(timer);
      if (ended === 'grace') log.warn({ event: 'stop-grace-over', graceMs }, `replies still in flight after ${graceMs / 1000} s; stopping anyway`);
    },

    health: () =>
      healthOf({
        connection: listener.connection,
        heartbeatAgeMs: heartbeat.ageMs(),
        heartbeatTimeoutMs: config.heartbeatTimeoutMs,
        instanceUrl: config.mastodonUrl,
      }),

    async reload(reason = 'reload') {
      try {
        const changed = await engine.reload();
        log.info({ event: 'reloaded', reason, changed }, `${reason}: ${changed ? 'reloaded the BGP table' : 'nothing to reload'}`);
        return changed;
      } catch (error) {
        const fields = errorFields(error);
        log.warn({ event: 'reload-failed', reason, ...fields }, `${reason}: reload failed, the data loaded before stays: ${fields.error}`);
        return false;
      }
    },
  };
}
