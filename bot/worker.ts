/**
 * The worker: one process that listens for mentions and answers them. The
 * supervisor forks it and replaces it when its heartbeat goes silent.
 */
import 'dotenv/config';
import { join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { AskerRateLimit } from '../lib/ops/asker-rate-limit.ts';
import { mergeBlockLists, parseBlockList } from '../lib/ops/block-list.ts';
import { RequestRejectedError } from '../lib/fediverse/errors.ts';
import { FloodWatch, type FloodReport } from '../lib/ops/flood-watch.ts';
import { markupWriter } from '../lib/reply/markup.ts';
import { neutraliseText } from '../lib/reply/safe-text.ts';
import { TokenBucket } from '../lib/ops/token-bucket.ts';
import { WatchedFile } from '../lib/ops/watched-file.ts';
import { LookingGlass } from '../lib/engine/looking-glass.ts';
import { MastodonClient } from '../lib/fediverse/mastodon-client.ts';
import { MentionQueue } from '../lib/mentions/queue.ts';
import { MentionResponder } from '../lib/mentions/responder.ts';
import { NotificationListener } from '../lib/mentions/listener.ts';
import { heartbeatAge, writeHeartbeat } from '../lib/ops/heartbeat.ts';
import { createHttpTwin } from '../lib/ops/http-twin.ts';
import { createLogger } from '../lib/ops/logger.ts';
import { ProgressStore } from '../lib/mentions/progress-store.ts';
import { readRuntimeConfig } from './config.ts';
import { configOrExit, exitOnConfigError } from './config.ts';
import { withServerRetries } from '../lib/fediverse/server-retry.ts';

const logger = createLogger('worker');
const log = (message: string) => logger.info(message);
const SHUTDOWN_GRACE_MS = 20_000;
const FAILED_RETRY_MS = 30_000;

const config = configOrExit(() => readRuntimeConfig(process.env));

const stop = new AbortController();
const fediverse = new MastodonClient({
  url: config.mastodonUrl,
  token: config.mastodonToken,
  streamSilenceMs: config.streamSilenceMs,
  markup: config.replyMarkup,
});
const retry = { signal: stop.signal, onWait: (reason: string, ms: number) => log(`${reason}, waiting ${ms} ms`) };
/** Signing in says what went wrong on every failed attempt, and exits with the reason when it gives up. */
async function signIn<T>(step: string, request: () => Promise<T>): Promise<T> {
  const onFailure = (error: Error, attempt: number, retriesLeft: number) =>
    logger.warn(
      {
        event: 'sign-in-failed',
        step,
        instance: config.mastodonUrl,
        attempt,
        retriesLeft,
        error: error.message,
        status: (error as { status?: number }).status,
      },
      `${step} at ${config.mastodonUrl} failed: ${error.message}`,
    );
  try {
    return await withServerRetries(request, { ...retry, onFailure });
  } catch (error) {
    logger.error(
      { event: 'sign-in-gave-up', step, instance: config.mastodonUrl, error: (error as Error).message },
      `cannot sign in: ${step} failed: ${(error as Error).message}`,
    );
    process.exit(1);
  }
}
const me = await signIn('verify_credentials', () => fediverse.verifyCredentials());
const instance = await signIn('instance facts', () => fediverse.instance());
const streaming = config.streaming === 'auto' && instance.streamingUrl !== undefined;
for (const note of instance.notes) logger.info({ event: 'instance-fact', software: instance.software.name }, note);
logger.info(
  {
    account: me.acct,
    instance: config.mastodonUrl,
    software: instance.software,
    markup: instance.markup,
    maxCharacters: instance.maxCharacters,
    mode: streaming ? 'streaming' : 'polling',
  },
  `signed in as @${me.acct}; ${streaming ? 'streaming' : 'polling'}`,
);

const engine = await LookingGlass.open(config.engine, { botName: `@${me.acct.split('@')[0]}`, log }).catch(exitOnConfigError);
const blockListFile = config.blockListFile
  ? await WatchedFile.open({
      path: config.blockListFile,
      load: async (path) => ({ value: parseBlockList((await readFile(path, 'utf8')).split('\n')), stats: await stat(path) }),
      pollIntervalMs: 10_000,
      settleMs: 500,
      onError: (error) => logger.warn(`block list ${config.blockListFile}: ${error.message}; the list read before stays in force`),
      onLoad: (loaded) => log(`block list ${config.blockListFile}: ${loaded.value.accounts.size} accounts, ${loaded.value.domains.size} instances`),
    })
  : undefined;
const responder = new MentionResponder({
  fediverse,
  engine,
  me,
  maxCharacters: instance.maxCharacters,
  markup: instance.markup,
  idempotentPosts: instance.idempotentPosts,
  mentionsNeedDomain: instance.mentionsNeedDomain,
  postsOneAtATime: instance.postsOneAtATime,
  maxParts: config.engine.maxParts,
  maxVisibility: config.engine.maxVisibility,
  rateLimit: new AskerRateLimit(config.rateLimit.count, config.rateLimit.windowMs),
  globalRateLimit: new TokenBucket(config.globalRateLimit.count, config.globalRateLimit.windowMs),
  blockList: () => (blockListFile ? mergeBlockLists(config.blockList, blockListFile.current.value) : config.blockList),
  floodWatch: new FloodWatch({
    windowMs: config.floodLimit.windowMs,
    threshold: config.floodLimit.count,
    localDomain: new URL(config.mastodonUrl).host,
    onFlood: (report) => void reportFlood(report),
  }),
});

/** Tells the operator about a flood by direct message; the accounts are named as inert text, so none of them is notified. */
async function reportFlood(report: FloodReport): Promise<void> {
  const list = (entries: readonly [string, number][]) =>
    entries
      .slice(0, 10)
      .map(([name, count]) => `${name} (${count})`)
      .join(', ');
  logger.warn({ flood: report }, `flood: ${report.total} mentions in ${report.windowMs / 1000} s`);
  if (!config.adminAcct) return;
  const text = neutraliseText(
    `⚠️ Flood: ${report.total} mentions in ${report.windowMs / 1000} s. Accounts: ${list(report.accounts)}. Instances: ${list(report.domains)}. ` +
      'I keep answering; askers over the rate limit get one notice, then silence.',
  );
  await withServerRetries(
    () =>
      fediverse.postReply({
        text: `@${config.adminAcct} ${markupWriter(instance.markup).line(text)}`,
        visibility: 'direct',
        markup: instance.markup,
        idempotencyKey: `fedidig-flood-${Date.now()}`,
      }),
    retry,
  ).catch((error: Error) => logger.warn(`could not tell the operator about the flood: ${error.message}`));
}
const queue = new MentionQueue(
  new ProgressStore(config.stateDir),
  async (notification, queueMs) => {
    const status = notification.status;
    const event = { mention: notification.id, asker: status?.account.acct, visibility: status?.visibility, queueMs };
    try {
      const outcome = await responder.respond(notification);
      if (outcome.action === 'skipped') {
        logger.info({ ...event, outcome: 'skipped', reason: outcome.reason }, `mention ${notification.id} skipped: ${outcome.reason}`);
        return;
      }
      const question = mayLogQuestion(outcome.visibility) ? outcome.question : undefined;
      logger.info(
        { ...event, outcome: 'answered', parts: outcome.parts, question, dnsMs: Math.round(outcome.engineMs), postMs: Math.round(outcome.postMs) },
        `mention ${notification.id} answered in ${outcome.parts} post(s)`,
      );
    } catch (error) {
      // A question deleted meanwhile (404) or a post the server refuses for good (422) will not get better: it counts as
      // handled, or it would hold the watermark forever. Auth errors and everything else are tried again.
      if (error instanceof RequestRejectedError && ![401, 403].includes(error.status)) {
        logger.warn({ ...event, outcome: 'refused', error: error.message }, `mention ${notification.id}: the server refused the reply for good`);
        return;
      }
      logger.warn(
        { ...event, outcome: 'failed', error: (error as Error).message },
        `mention ${notification.id} failed; asking for it again in ${FAILED_RETRY_MS / 1000} s`,
      );
      listener.catchUpSoon(FAILED_RETRY_MS);
      throw error;
    }
  },
  config.maxInFlight,
);
const heartbeatPath = join(config.stateDir, 'heartbeat');
const listener = new NotificationListener({
  fediverse,
  queue,
  streaming,
  pollIntervalMs: config.pollIntervalMs,
  heartbeat: () => writeHeartbeat(heartbeatPath),
  logger,
});

/** LOG_QUERIES: the text of a private or direct question stays out of the logs unless the operator chose `all`. */
function mayLogQuestion(visibility: string): boolean {
  return config.engine.logQueries === 'all' || (config.engine.logQueries === 'public-only' && (visibility === 'public' || visibility === 'unlisted'));
}

// The HTTP twin: the same engine for curl users, and /healthz for monitoring.
const twin = config.httpListen
  ? createHttpTwin({
      engine,
      rateLimit: config.httpRateLimit,
      log,
      health: () => {
        const { connected, since } = listener.connection;
        if (!connected) return { ok: false, reason: `not connected to ${config.mastodonUrl} since ${since.toISOString()}` };
        const ageMs = heartbeatAge(heartbeatPath);
        const age = `heartbeat ${Math.round(ageMs / 1000)} s old`;
        return ageMs > config.heartbeatTimeoutMs ? { ok: false, reason: age } : { ok: true, reason: `connected since ${since.toISOString()}, ${age}` };
      },
    })
  : undefined;
if (twin && config.httpListen) {
  const bound = await twin.listen(config.httpListen.host, config.httpListen.port);
  log(`HTTP twin on http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}/`);
}

async function shutdown(signal: string): Promise<void> {
  log(`${signal}: taking no new mentions, finishing those in flight`);
  stop.abort();
  const timeout = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
  await Promise.race([Promise.all([queue.stop(), twin?.close()]), timeout]);
  engine.close();
  blockListFile?.close();
  log('stopped');
  process.exit(0);
}
process.on('SIGHUP', () => {
  engine.reload().then(
    (changed) => log(`SIGHUP: ${changed ? 'reloaded the BGP table' : 'nothing to reload'}`),
    (error: Error) => logger.warn(`SIGHUP: reload failed, the data loaded before stays: ${error.message}`),
  );
});
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await listener.run(stop.signal);
