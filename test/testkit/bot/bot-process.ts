import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDnsTestServer, type DnsTestServer } from '../dns/dns-test-server.ts';
import { waitFor } from '../wait-for.ts';
import { eventsNamed } from './log-events.ts';
import { startMastodonInstance, type LocalTestAccount, type MastodonInstance, type MastodonInstanceOptions, type StatusJson } from '../mastodon-instance.ts';

/**
 * The test world's HEARTBEAT_TIMEOUT_MS: short, so a hung worker is replaced within a test, yet long enough for a
 * worker started from source (tsx) on a loaded machine to sign in and connect before it counts as silent.
 */
export const TEST_HEARTBEAT_TIMEOUT_MS = 10_000;

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A DNS server, a Mastodon instance with the bot's account and an asker, and a state folder: all a bot run needs. */
export interface BotWorld {
  readonly dns: DnsTestServer;
  readonly instance: MastodonInstance;
  readonly bot: LocalTestAccount;
  readonly alice: LocalTestAccount;
  readonly stateDir: string;
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startBotWorld(options: MastodonInstanceOptions = {}): Promise<BotWorld> {
  const instance = await startMastodonInstance({ pingIntervalMs: 500, ...options });
  const bot = instance.createAccount('dig', { bot: true });
  const alice = instance.createAccount('alice');
  return { instance, bot, alice, ...(await aroundServer(instance, bot.token)) };
}

/** What a bot run needs besides its server: a DNS server and a state folder, the environment for the bot, and one close for all. */
export async function aroundServer(
  server: { readonly url: string; close(): Promise<void> },
  token: string,
): Promise<{ dns: DnsTestServer; stateDir: string; env(extra?: Record<string, string>): Record<string, string>; close(): Promise<void> }> {
  const dns = await startDnsTestServer();
  const stateDir = mkdtempSync(join(tmpdir(), 'fedidig-state-'));
  return {
    dns,
    stateDir,
    env: (extra = {}) => botEnv({ url: server.url, token, dns, stateDir }, extra),
    close: async () => {
      await server.close();
      await dns.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until every question has a reply on the server (a Mastodon or a Misskey instance), then a little
 * longer for a duplicate to show, and returns each one's reply, failing where one has none or more than one
 * (with the bot's last output).
 */
export async function answeredOnceEach<R>(
  questions: readonly { readonly id: string }[],
  instance: { repliesTo(id: string): readonly R[] },
  bot: Pick<BotProcess, 'output'>,
  timeoutMs = 30_000,
): Promise<R[]> {
  await waitFor(() => questions.every((q) => instance.repliesTo(q.id).length > 0), timeoutMs).catch((error: Error) => {
    const missing = questions.filter((q) => instance.repliesTo(q.id).length === 0).map((q) => q.id);
    throw new Error(`${error.message}; ${missing.length} of ${questions.length} unanswered: ${missing.join(', ')}\n${bot.output().slice(-3000)}`);
  });
  await new Promise((resolve) => setTimeout(resolve, 800));
  return questions.map((q) => {
    const answers = instance.repliesTo(q.id);
    assert.equal(answers.length, 1, `question ${q.id} has ${answers.length} replies`);
    return answers[0]!;
  });
}

/** The environment of a bot run against a test server, with short timeouts; `extra` overrides. */
export function botEnv(
  world: { readonly url: string; readonly token: string; readonly dns: DnsTestServer; readonly stateDir: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    // A developer's .env must not leak into a test (it could point the bot at a real instance).
    DOTENV_CONFIG_PATH: '/dev/null',
    MASTODON_URL: world.url,
    MASTODON_TOKEN: world.token,
    DNS_UPSTREAM: world.dns.address,
    DNS_TIMEOUT_MS: '1000',
    STATE_DIR: world.stateDir,
    STREAM_SILENCE_MS: '2000',
    HEARTBEAT_TIMEOUT_MS: String(TEST_HEARTBEAT_TIMEOUT_MS),
    POLL_INTERVAL_MS: '300',
    RATE_LIMIT: '1000/60s',
    // No refresh of the RDAP bootstrap may leave the machine: this URL is on loopback, which the guard refuses without RDAP_ALLOW_PRIVATE.
    RDAP_BOOTSTRAP_URL: 'https://127.0.0.1:1/',
    ...extra,
  };
}

/** The supervisor as `npm start` runs it, with its output kept for assertions. */
export interface BotProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the supervisor has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `compiled`: as `npm start` runs it, plain node on dist/ (built first where it is out of date); else from
 * source with tsx, as the tests run it.
 */
export function startSupervisor(env: Record<string, string>, options: { compiled?: boolean } = {}): BotProcess {
  if (options.compiled) execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  const args = options.compiled ? ['dist/bot/supervisor.js'] : ['--import', 'tsx', 'bot/supervisor.ts'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Each reply answers its question in its thread, with the question's visibility, mentioning only the asker and tagging nothing. */
export function assertRepliesInThread(questions: readonly StatusJson[], replies: readonly StatusJson[], asker = 'alice'): void {
  replies.forEach((reply, i) => {
    assert.equal(reply.in_reply_to_id, questions[i]!.id);
    assert.equal(reply.visibility, questions[i]!.visibility);
    assert.deepEqual(
      reply.mentions.map((m) => m.acct),
      [asker],
      reply.content,
    );
    assert.deepEqual(reply.tags, [], reply.content);
  });
}

/** The pids of the supervisor's worker processes seen so far, from its log. */
export function workerPids(output: string): number[] {
  return eventsNamed(output, 'worker-started').map((e) => Number(e.worker));
}

/** After a test: the supervisor and every worker it forked are killed, then the world is closed. */
export async function killBotAndWorld(bot: BotProcess | undefined, world: { close(): Promise<void> } | undefined): Promise<void> {
  await bot?.stop('SIGKILL');
  for (const pid of workerPids(bot?.output() ?? '')) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await world?.close();
}
