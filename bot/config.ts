import { parseBlockList, type BlockList } from '../lib/policy/block-list.ts';
import { ConfigError } from '../lib/engine/config-error.ts';
import { SetupError } from '../lib/ops/setup-error.ts';
import { integer, oneOf, readEngineConfig, type EngineConfig, type Environment } from '../lib/engine/config.ts';
import { fediverseApis, type FediverseApi } from '../lib/fediverse/open-fediverse.ts';
import { replyMarkups, type ReplyMarkup } from '../lib/reply/markup.ts';
import { readWatchConfig, type WatchConfig } from '../lib/watch/watch-config.ts';

/** Everything the bot process needs, read from the environment (see .env.example). */
export interface RuntimeConfig {
  readonly engine: EngineConfig;
  readonly mastodonUrl: string;
  readonly mastodonToken: string;
  /** FEDIVERSE_API: the client API spoken to the server; `auto` decides from /api/v1/instance and nodeinfo. */
  readonly fediverseApi: FediverseApi | 'auto';
  readonly stateDir: string;
  readonly heartbeatTimeoutMs: number;
  readonly streaming: 'auto' | 'off';
  /** How replies are written for the server to read: `auto` decides from nodeinfo and the instance's version. */
  readonly replyMarkup: ReplyMarkup | 'auto';
  readonly pollIntervalMs: number;
  /** A stream that sent nothing, not even a ping, for this long is dead. */
  readonly streamSilenceMs: number;
  readonly rateLimit: RateLimit;
  /** All askers together; over it the bot slows down, it drops nothing. */
  readonly globalRateLimit: RateLimit;
  /** Mentions per window that make a flood, reported to `adminAcct`. */
  readonly floodLimit: RateLimit;
  /** The operator's account (`user@domain`), told about floods by direct message. */
  readonly adminAcct?: string;
  /** BLOCKED_ACCOUNTS and BLOCKED_DOMAINS. */
  readonly blockList: BlockList;
  /** A block list file, re-read when it changes. */
  readonly blockListFile?: string;
  readonly maxInFlight: number;
  /** Where the HTTP twin listens (HTTP_LISTEN); undefined: no HTTP twin. */
  readonly httpListen?: { readonly host: string; readonly port: number };
  readonly httpRateLimit: RateLimit;
  /** WATCH_* and DATABASE_URL. */
  readonly watch: WatchConfig;
}

export interface RateLimit {
  readonly count: number;
  readonly windowMs: number;
}

export function readRuntimeConfig(env: Environment): RuntimeConfig {
  return {
    engine: readEngineConfig(env),
    mastodonUrl: url(env, 'MASTODON_URL'),
    mastodonToken: required(env, 'MASTODON_TOKEN'),
    fediverseApi: oneOf(env, 'FEDIVERSE_API', ['auto', ...fediverseApis]),
    stateDir: env.STATE_DIR?.trim() || './var',
    heartbeatTimeoutMs: integer(env, 'HEARTBEAT_TIMEOUT_MS', 90_000, 1000, 3_600_000),
    streaming: oneOf(env, 'STREAMING', ['auto', 'off'] as const),
    replyMarkup: oneOf(env, 'REPLY_MARKUP', ['auto', ...replyMarkups]),
    pollIntervalMs: integer(env, 'POLL_INTERVAL_MS', 30_000, 200, 3_600_000),
    streamSilenceMs: integer(env, 'STREAM_SILENCE_MS', 75_000, 200, 3_600_000),
    rateLimit: rateLimit(env, 'RATE_LIMIT', '10/60s'),
    globalRateLimit: rateLimit(env, 'GLOBAL_RATE_LIMIT', '120/60s'),
    floodLimit: rateLimit(env, 'FLOOD_LIMIT', '60/60s'),
    adminAcct: env.ADMIN_ACCT?.trim().replace(/^@/, '') || undefined,
    blockList: parseBlockList([...(env.BLOCKED_ACCOUNTS ?? '').split(','), ...(env.BLOCKED_DOMAINS ?? '').split(',')]),
    blockListFile: env.BLOCKLIST_FILE?.trim() || undefined,
    maxInFlight: integer(env, 'MAX_IN_FLIGHT', 8, 1, 100),
    httpListen: listenAddress(env, 'HTTP_LISTEN'),
    httpRateLimit: rateLimit(env, 'HTTP_RATE_LIMIT', '30/60s'),
    watch: readWatchConfig(env),
  };
}

function required(env: Environment, variable: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new ConfigError(variable, 'is required (see .env.example)');
  return value;
}

function url(env: Environment, variable: string): string {
  const value = required(env, variable);
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error();
    return parsed.origin;
  } catch {
    throw new ConfigError(variable, `must be the instance's address, like https://mastodon.example (got “${value}”)`);
  }
}

function rateLimit(env: Environment, variable: string, fallback: string): RateLimit {
  const value = env[variable]?.trim() || fallback;
  const match = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(value);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new ConfigError(variable, `must be COUNT/WINDOW like 10/60s or 100/1h (got “${value}”)`);
  }
  return { count: Number(match[1]), windowMs: Number(match[2]) * unit[match[3] as keyof typeof unit] };
}

/** `127.0.0.1:8053`, `[::1]:8053` or a bare port (then loopback); `off` or nothing: no listener. */
function listenAddress(env: Environment, variable: string): { host: string; port: number } | undefined {
  const value = env[variable]?.trim();
  if (!value || value === 'off') return undefined;
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/i.exec(value) ?? (/^(\d{1,5})$/.exec(value) ? [value, undefined, '127.0.0.1', value] : null);
  const port = Number(match?.[3]);
  if (!match || !(port >= 1 && port <= 65535)) throw new ConfigError(variable, `must be HOST:PORT like 127.0.0.1:8053 or [::1]:8053 (got “${value}”)`);
  return { host: match[1] ?? match[2]!, port };
}

/** A SetupError stops the process at start with its one line and exit code 2, which tells the supervisor not to restart the worker. */
export function exitOnSetupError(error: unknown): never {
  if (!(error instanceof SetupError)) throw error;
  process.stderr.write(`fedidig: ${error.message}\n`);
  process.exit(2);
}

export function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    return exitOnSetupError(error);
  }
}
