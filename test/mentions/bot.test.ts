/**
 * The bot as lib/mentions/bot.ts puts it together, against a server in
 * memory: signing in, answering, what each server error means for a mention,
 * what is logged (by event), floods, health, reload and stop.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Answer } from '../../lib/engine/looking-glass.ts';
import { parseQuestion } from '../../lib/engine/question/parse-question.ts';
import type { Question } from '../../lib/engine/question/question.ts';
import { AuthError, StatusGoneError, TransientServerError } from '../../lib/fediverse/errors.ts';
import { createBot, type Bot, type BotConfig, type BotDeps } from '../../lib/mentions/bot.ts';
import { settlementOf } from '../../lib/mentions/outcome.ts';
import type { Progress } from '../../lib/mentions/progress-store.ts';
import { SignInError, signIn } from '../../lib/mentions/sign-in.ts';
import { parseBlockList } from '../../lib/policy/block-list.ts';
import { PostTooLongError, RateLimitedError, RequestRejectedError } from '../../lib/fediverse/errors.ts';
import { recordingLogger } from '../testkit/bot/log-events.ts';
import { BOT, FACTS, MemoryFediverse } from '../testkit/fediverse/memory-fediverse.ts';

const config: BotConfig = {
  mastodonUrl: 'https://dig.example',
  pollIntervalMs: 20,
  heartbeatTimeoutMs: 90_000,
  maxInFlight: 4,
  rateLimit: { count: 100, windowMs: 60_000 },
  globalRateLimit: { count: 1000, windowMs: 1000 },
  floodLimit: { count: 1000, windowMs: 60_000 },
  blockList: parseBlockList([]),
  engine: { logQueries: 'all', maxParts: 4, maxVisibility: 'public' },
};

/**
 * An engine that reads with the real parser, so that refusals are told from
 * chatter as the engine reads them, and answers at once, or when a test lets
 * it (`hold`), without asking anything.
 */
function fakeEngine() {
  const engine = {
    hold: undefined as Promise<void> | undefined,
    reload: async (): Promise<boolean> => true,
    read: (text: string): Question => parseQuestion(text, { profiles: [], maxTypes: 5 }),
    costOf: (_question: Question): number => 1,
    async answerQuestion(question: Question): Promise<Answer> {
      await engine.hold;
      return { question, lines: [{ text: `🔎 ${question.kind === 'dns' ? question.name.unicode : question.kind}` }], cost: 1 };
    },
  };
  return engine;
}

function memoryProgress() {
  const progress = {
    saved: { handled: [] } as Progress,
    load: () => progress.saved,
    save: (saved: Progress) => {
      progress.saved = saved;
    },
  };
  return progress;
}

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const running: { bot: Bot; run: Promise<void> }[] = [];
afterEach(async () => {
  for (const { bot, run } of running.splice(0)) {
    await bot.stop();
    await run;
  }
});

async function startBot(fediverse: MemoryFediverse, overrides: Partial<BotConfig> = {}, deps: Partial<BotDeps> = {}) {
  const { logger, events, named } = recordingLogger();
  const session = await signIn(fediverse, { logger, instanceUrl: config.mastodonUrl, streaming: 'auto' });
  const engine = (deps.engine as ReturnType<typeof fakeEngine> | undefined) ?? fakeEngine();
  const progress = memoryProgress();
  const heartbeat = { beats: 0, age: 0, beat: () => void heartbeat.beats++, ageMs: () => heartbeat.age };
  const bot = createBot({ ...config, ...overrides }, { fediverse, session, engine, progress, logger, heartbeat, failedRetryMs: 30, ...deps });
  const run = bot.run(new AbortController().signal);
  running.push({ bot, run });
  return { bot, run, engine, progress, heartbeat, events, named };
}

describe('signIn', () => {
  it('signs in, logs what it had to assume and how it listens', async () => {
    const { logger, named } = recordingLogger();
    const session = await signIn(new MemoryFediverse(), { logger, instanceUrl: 'https://dig.example', streaming: 'auto' });
    assert.equal(session.botName, '@dig');
    assert.equal(session.streaming, false);
    assert.deepEqual(
      named('instance-fact').map((e) => e.msg),
      ['no streaming API: polling'],
    );
    const [signedIn] = named('signed-in');
    assert.equal(signedIn?.msg, 'signed in as @dig; polling');
    assert.equal(signedIn?.mode, 'polling');
    assert.deepEqual(signedIn?.software, { name: 'mastodon', version: '4.3.0' });
  });

  it('streams where the server can, unless STREAMING is off', async () => {
    const { logger } = recordingLogger();
    const streamingServer = new MemoryFediverse({ ...FACTS, streamingUrl: 'wss://dig.example', notes: [] });
    assert.equal((await signIn(streamingServer, { logger, instanceUrl: 'x', streaming: 'auto' })).streaming, true);
    assert.equal((await signIn(streamingServer, { logger, instanceUrl: 'x', streaming: 'off' })).streaming, false);
  });

  it('tries a server error again, logging each attempt, and gives up at once on a refused token', async () => {
    const { logger, named } = recordingLogger();
    const server = new MemoryFediverse();
    server.signInErrors.push(new TransientServerError('502: Bad Gateway', 502));
    await signIn(server, { logger, instanceUrl: 'https://dig.example', streaming: 'auto', minTimeoutMs: 1 });
    assert.deepEqual(
      named('sign-in-failed').map((e) => [e.step, e.errorType, e.attempt]),
      [['verify_credentials', 'TransientServerError', 1]],
    );
    server.signInErrors.push(new AuthError(401, 'The access token is invalid'));
    await assert.rejects(signIn(server, { logger, instanceUrl: 'https://dig.example', streaming: 'auto' }), (error: unknown) => {
      assert.ok(error instanceof SignInError);
      assert.equal(error.step, 'verify_credentials');
      assert.match(error.message, /^cannot sign in: verify_credentials failed: 401: The access token is invalid$/);
      return true;
    });
    assert.equal(named('sign-in-failed').length, 2, 'one attempt: a refused token does not get better by asking again');
    assert.equal(named('sign-in-gave-up')[0]?.errorType, 'AuthError');
  });
});

describe('what a server error means for a mention', () => {
  it('refused for good ends it; a refused token and everything else are tried again', () => {
    assert.equal(settlementOf(new StatusGoneError('s1', 404, 'Record not found')), 'refused');
    assert.equal(settlementOf(new PostTooLongError(422, 'Validation failed: Text character limit of 500 exceeded')), 'refused');
    assert.equal(settlementOf(new RequestRejectedError(422, "Validation failed: Text can't be blank")), 'refused');
    assert.equal(settlementOf(new AuthError(403, 'This action is outside the authorized scopes')), 'failed');
    assert.equal(settlementOf(new TransientServerError('503: Service Unavailable', 503)), 'failed');
    assert.equal(settlementOf(new RateLimitedError(new Date())), 'failed');
    assert.equal(settlementOf(new Error('anything else')), 'failed');
  });
});

describe('createBot', () => {
  it('answers each mention once, in its thread and with its visibility, and logs each with its timings', async () => {
    const server = new MemoryFediverse();
    const asked = [
      server.mention('alice', 'example.test'),
      server.mention('bob', 'example.test MX', 'unlisted'),
      server.mention('carol', '192.0.2.1', 'direct'),
    ];
    const { named } = await startBot(server);
    await until(() => named('mention-answered').length === 3, 'three answers');
    for (const notification of asked) {
      const replies = server.repliesTo(notification.status!.id);
      assert.equal(replies.length, 1);
      assert.equal(replies[0]!.visibility, notification.status!.visibility);
      assert.match(replies[0]!.text, new RegExp(`^@${notification.status!.account.acct} 🔎 `));
    }
    const answered = named('mention-answered');
    assert.deepEqual(
      answered.map((e) => [e.mention, e.outcome, e.parts, e.question, e.msg]),
      [
        ['n1', 'answered', 1, 'example.test', 'mention n1 answered in 1 post(s)'],
        ['n2', 'answered', 1, 'example.test MX', 'mention n2 answered in 1 post(s)'],
        ['n3', 'answered', 1, '192.0.2.1', 'mention n3 answered in 1 post(s)'],
      ],
    );
    for (const e of answered) for (const field of ['queueMs', 'dnsMs', 'postMs']) assert.equal(typeof e[field], 'number', field);
    assert.equal(answered[0]!.component, 'mentions');
  });

  it('decides the rate limit before asking anything: an asker over it costs no query, and a costly question counts as several', async () => {
    const server = new MemoryFediverse();
    const engine = fakeEngine();
    let asked = 0;
    const answerQuestion = engine.answerQuestion;
    engine.answerQuestion = (question) => {
      asked++;
      return answerQuestion(question);
    };
    // A comparison of three resolvers counts as three questions.
    engine.costOf = (question) => (question.kind === 'dns' && question.compare ? 3 : 1);
    server.mention('alice', 'example.test compare');
    server.mention('alice', 'example.test');
    server.mention('alice', 'example.test');
    server.mention('alice', 'example.test');
    const { named } = await startBot(server, { rateLimit: { count: 4, windowMs: 60_000 } }, { engine });
    await until(() => named('mention-answered').length + named('mention-skipped').length === 4, 'four mentions handled');
    assert.equal(asked, 2, 'the comparison and one question: then the bucket of 4 is empty');
    const texts = server.posts.map((post) => post.text);
    assert.equal(texts.length, 3);
    assert.match(texts[2]!, /You are asking faster than I answer/);
    assert.deepEqual(
      named('mention-skipped').map((e) => e.reason),
      ['over the rate limit, notice already sent'],
    );
  });

  it('skips a bot replying in its thread, and a reply there that asks nothing', async () => {
    const server = new MemoryFediverse();
    server.mention('echo', 'example.test', 'public', { inReplyToAccountId: BOT.id, bot: true });
    server.mention('alice', 'thanks!', 'public', { inReplyToAccountId: BOT.id });
    const { named } = await startBot(server);
    await until(() => named('mention-skipped').length === 2, 'two skips');
    assert.deepEqual(
      named('mention-skipped').map((e) => [e.outcome, e.reason]),
      [
        ['skipped', 'a bot replying in my thread'],
        ['skipped', 'a reply in my thread without a question'],
      ],
    );
    assert.equal(server.posts.length, 0);
  });

  it('answers in its thread what it refuses or cannot read of a dig command, so that a second try gets the reason', async () => {
    const server = new MemoryFediverse();
    for (const text of ['example.test @8.8.8.8', 'example.test AXFR', 'dig example.test +bogus', 'thanks a lot!', 'great, thanks'])
      server.mention('alice', text, 'public', { inReplyToAccountId: BOT.id });
    const { named } = await startBot(server);
    await until(() => named('mention-answered').length + named('mention-skipped').length === 5, 'five mentions handled');
    assert.deepEqual(
      named('mention-answered').map((e) => e.question),
      ['example.test @8.8.8.8', 'example.test AXFR', 'dig example.test +bogus'],
    );
    assert.equal(named('mention-skipped').length, 2);
  });

  it('counts a question gone as handled, and asks again for one whose token was refused', async () => {
    const server = new MemoryFediverse();
    const gone = server.mention('alice', 'example.test');
    const refusedToken = server.mention('bob', 'example.test');
    const fine = server.mention('carol', 'example.test');
    let tokenFixed = false;
    server.failPost = (reply) => {
      if (reply.inReplyToId === gone.status!.id) return new StatusGoneError(gone.status!.id, 404, 'Record not found');
      if (reply.inReplyToId === refusedToken.status!.id && !tokenFixed) return new AuthError(401, 'The access token was revoked');
      return undefined;
    };
    const { bot, named, progress } = await startBot(server);
    await until(() => named('mention-failed').length >= 2 && server.repliesTo(fine.status!.id).length === 1, 'a failure tried again');
    assert.deepEqual(
      named('mention-refused').map((e) => [e.mention, e.outcome, e.errorType]),
      [['n1', 'refused', 'StatusGoneError']],
    );
    assert.equal(named('mention-failed')[0]?.errorType, 'AuthError');
    assert.match(String(named('mention-failed')[0]?.msg), /^mention n2 failed; asking for it again in 0\.03 s$/);
    tokenFixed = true;
    await until(() => server.repliesTo(refusedToken.status!.id).length === 1, 'the refused one answered once the token works');
    await bot.stop();
    assert.equal(progress.saved.after, 'n3', 'the watermark passed all three');
    assert.equal(named('mention-refused').length, 1, 'a question gone is not asked about again');
    assert.equal(server.repliesTo(gone.status!.id).length, 0);
  });

  it('keeps the text of private and direct questions out of the log with LOG_QUERIES=public-only', async () => {
    const server = new MemoryFediverse();
    server.mention('alice', 'public.example.test');
    server.mention('alice', 'unlisted.example.test', 'unlisted');
    server.mention('alice', 'private.example.test', 'private');
    server.mention('alice', 'secret.example.test', 'direct');
    const { named, events } = await startBot(server, { engine: { ...config.engine, logQueries: 'public-only' } });
    await until(() => named('mention-answered').length === 4, 'four answers');
    assert.deepEqual(
      named('mention-answered').map((e) => e.question),
      ['public.example.test', 'unlisted.example.test', undefined, undefined],
    );
    assert.doesNotMatch(JSON.stringify(events), /private\.example\.test|secret\.example\.test/);
  });

  it('tells the operator about a flood by direct message, and logs it', async () => {
    const server = new MemoryFediverse();
    for (let i = 0; i < 2; i++) server.mention('alice@spam.example', `x${i}.example.test`);
    const { named } = await startBot(server, { adminAcct: 'admin', floodLimit: { count: 4, windowMs: 60_000 } });
    const note = await until(() => server.posts.find((post) => post.inReplyToId === undefined), 'the note to the operator');
    assert.equal(note.visibility, 'direct');
    assert.match(note.text, /^@admin ⚠️ Flood: 2 mentions in 60 s\. Accounts: alice@spam\.example \(2\)\. Instances: spam\.example \(2\)\./);
    assert.match(note.idempotencyKey, /^fedidig-flood-\d+$/);
    assert.equal(named('flood')[0]?.msg, 'flood: 2 mentions in 60 s');
  });

  it('is healthy only while connected with a fresh heartbeat', async () => {
    const server = new MemoryFediverse();
    const { logger } = recordingLogger();
    const heartbeat = { age: 0, beat: () => {}, ageMs: () => heartbeat.age };
    const session = await signIn(server, { logger, instanceUrl: config.mastodonUrl, streaming: 'auto' });
    const bot = createBot(config, { fediverse: server, session, engine: fakeEngine(), progress: memoryProgress(), logger, heartbeat });
    const before = bot.health();
    assert.equal(before.ok, false);
    assert.match(before.reason, /^not connected to https:\/\/dig\.example since \d{4}-/);
    running.push({ bot, run: bot.run(new AbortController().signal) });
    await until(() => bot.health().ok, 'connected');
    assert.match(bot.health().reason, /^connected since .*, heartbeat 0 s old$/);
    heartbeat.age = 100_000;
    assert.deepEqual(bot.health(), { ok: false, reason: 'heartbeat 100 s old' });
  });

  it('reloads the engine’s files and says what changed, and never rejects', async () => {
    const { bot, engine, named } = await startBot(new MemoryFediverse());
    assert.equal(await bot.reload('SIGHUP'), true);
    assert.equal(named('reloaded')[0]?.msg, 'SIGHUP: reloaded the BGP table');
    engine.reload = async () => {
      throw new Error('broken table');
    };
    assert.equal(await bot.reload('SIGHUP'), false);
    assert.equal(named('reload-failed')[0]?.msg, 'SIGHUP: reload failed, the data loaded before stays: broken table');
  });

  it('on stop takes no new mentions and finishes those in flight, within its grace', async () => {
    const server = new MemoryFediverse();
    const first = server.mention('alice', 'slow.example.test');
    let release!: () => void;
    const engine = fakeEngine();
    engine.hold = new Promise((resolve) => (release = resolve));
    const { bot, run, named } = await startBot(server, {}, { stopGraceMs: 5000, engine });
    await until(() => server.listings > 0, 'a listing');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stopped = bot.stop('SIGTERM');
    server.mention('bob', 'late.example.test');
    release();
    await stopped;
    await run;
    assert.equal(named('stopping')[0]?.msg, 'SIGTERM: taking no new mentions, finishing those in flight');
    assert.equal(server.repliesTo(first.status!.id).length, 1, 'the one in flight was answered');
    assert.equal(server.posts.length, 1, 'the one after the stop was not taken');
    assert.equal(named('stop-grace-over').length, 0);
  });

  it('stops after its grace even when an answer hangs', async () => {
    const server = new MemoryFediverse();
    server.mention('alice', 'hangs.example.test');
    const engine = fakeEngine();
    engine.hold = new Promise(() => {});
    const { bot, named } = await startBot(server, {}, { stopGraceMs: 50, engine });
    await until(() => server.listings > 0, 'a listing');
    await bot.stop('SIGTERM');
    assert.equal(named('stop-grace-over').length, 1);
  });
});
