/**
 * The worker: one process that listens for mentions and answers them. The
 * supervisor forks it and replaces it when its heartbeat goes silent. This
 * file only wires the parts together from the environment and turns signals
 * into calls; what the bot does is in lib/mentions/bot.ts.
 */
import 'dotenv/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LookingGlass } from '../lib/engine/looking-glass.ts';
import { chooseFediverseApi, openFediverse } from '../lib/fediverse/open-fediverse.ts';
import { withServerRetries } from '../lib/fediverse/server-retry.ts';
import { createBot } from '../lib/mentions/bot.ts';
import { ProgressStore } from '../lib/mentions/progress-store.ts';
import { signIn } from '../lib/mentions/sign-in.ts';
import { watchBlockList } from '../lib/policy/block-list-file.ts';
import { beatingWhile, fileHeartbeat } from '../lib/ops/health.ts';
import { createHttpTwin } from '../lib/twin/http-twin.ts';
import { createLogger } from '../lib/ops/logger.ts';
import { openWatchStore } from '../lib/watch/open-watch-store.ts';
import { configOrExit, exitOnSetupError, readRuntimeConfig } from './config.ts';

const logger = createLogger('worker');
const config = configOrExit(() => readRuntimeConfig(process.env));
const { mastodonUrl: url, mastodonToken: token, streamSilenceMs, replyMarkup: markup } = config;
const api = await withServerRetries(() => chooseFediverseApi(url, config.fediverseApi), {
  onFailure: (error) =>
    logger.warn({ event: 'api-choice-failed', error: error.message, errorType: error.name }, `cannot tell which API ${url} speaks: ${error.message}`),
}).catch(() => process.exit(1));
logger.info({ event: 'api-chosen', api: api.api, reason: api.reason }, `speaking ${api.api}'s API: ${api.reason}`);
const fediverse = await openFediverse(api.api, { url, token, streamSilenceMs, markup });
// signIn logs every failed attempt, and why it gave up.
const session = await signIn(fediverse, { logger, instanceUrl: url, streaming: config.streaming }).catch(() => process.exit(1));
const heartbeat = fileHeartbeat(join(config.stateDir, 'heartbeat'));
// Opening the data can outlast HEARTBEAT_TIMEOUT_MS (a full RIB's first load); the supervisor must not take that for a hang.
// The watch store is opened once the engine's configuration held: a bad one exits before any database is touched.
const { engine, watches } = await beatingWhile(
  heartbeat,
  config.heartbeatTimeoutMs,
  (async () => {
    const engine = await LookingGlass.open(config.engine, {
      botName: session.botName,
      logger: logger.child({ component: 'engine' }),
      snapshotDir: config.stateDir,
    });
    return { engine, watches: await openWatchStore(config.watch, config.stateDir) };
  })().catch(exitOnSetupError),
);
engine.addInfo(async () => [
  {
    text: `Watches: ${await watches.store.countRunning()} running (at most ${config.watch.max}, ${config.watch.perAsker} per account), kept in ${watches.kind}`,
  },
]);
const blockListFile = config.blockListFile ? await watchBlockList(config.blockListFile, logger) : undefined;
const bot = createBot(config, {
  fediverse,
  session,
  engine,
  progress: new ProgressStore(config.stateDir),
  logger,
  heartbeat,
  blockListFile: blockListFile?.current,
  watch: { store: watches.store, config: config.watch, sources: engine.sources(), owner: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}` },
});

// The HTTP twin: the same engine for curl users, and /healthz for monitoring.
const twin = config.httpListen
  ? createHttpTwin({ engine, rateLimit: config.httpRateLimit, health: bot.health, logger: logger.child({ component: 'http-twin' }) })
  : undefined;
if (twin && config.httpListen) {
  const { host, port } = await twin.listen(config.httpListen.host, config.httpListen.port);
  logger.info({ event: 'http-twin-listening', host, port }, `HTTP twin on http://${host.includes(':') ? `[${host}]` : host}:${port}/`);
}

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  await Promise.all([bot.stop(signal), twin?.close()]);
  engine.close();
  await watches.store.close();
  blockListFile?.close();
  logger.info({ event: 'stopped' }, 'stopped');
  process.exit(0);
}
process.on('SIGHUP', () => void bot.reload('SIGHUP'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await bot.run(new AbortController().signal);
