/**
 * The bot as `npm start` runs it — the supervisor forking the worker, real
 * processes — against the loopback Mastodon instance and DNS server. Every
 * question of every scenario must be answered exactly once.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import {
  answeredOnceEach,
  assertRepliesInThread,
  killBotAndWorld,
  repoRoot,
  startBotWorld,
  startSupervisor,
  TEST_HEARTBEAT_TIMEOUT_MS,
  workerPids,
  type BotProcess,
  type BotWorld,
} from '../testkit/bot/bot-process.ts';
import { eventsNamed } from '../testkit/bot/log-events.ts';
import { testFolders } from '../testkit/temporary-folder.ts';
import { freePort } from '../testkit/bot/processes.ts';
import type { MastodonInstanceOptions, StatusJson } from '../testkit/mastodon-instance.ts';
import { serveRegistries } from '../testkit/rdap/rdap-registries.ts';
import { startRdapServer, writeBootstrapDir } from '../testkit/rdap/rdap-server.ts';

let world: BotWorld | undefined;
let bot: BotProcess | undefined;
/** Temporary folders, removed after each test. */
const folders = testFolders();
const folder = folders.make;
afterEach(async () => {
  await killBotAndWorld(bot, world);
  folders.removeAll();
  bot = world = undefined;
});

async function start(options: MastodonInstanceOptions = {}, env: Record<string, string> = {}) {
  world = await startBotWorld(options);
  bot = startSupervisor(world.env(env));
  return { world, bot };
}

/** Each question has exactly one reply, and the bot posted nothing else: in this file `questions` are all a run's questions. */
async function answeredExactlyOnce(world: BotWorld, questions: readonly StatusJson[], timeoutMs = 20_000): Promise<StatusJson[]> {
  const replies = await answeredOnceEach(questions, world.instance, bot!, timeoutMs);
  assert.equal(world.instance.statusesBy(world.bot.acct).length, questions.length, 'the bot posted only the answers');
  return replies;
}

/** The supervisor's output once it has stopped for a setup error: exit code 2 within 30 s, after one worker, not restarted. */
async function stoppedForSetup(): Promise<string> {
  const code = await Promise.race([bot!.exited, sleep(30_000, 'still running after 30 s', { ref: false })]);
  const output = bot!.output();
  assert.equal(code, 2, output.slice(-3000));
  assert.equal(workerPids(output).length, 1, 'one worker, not restarted');
  assert.equal(eventsNamed(output, 'worker-setup-error').length, 1);
  return output;
}

function ask(world: BotWorld, text: string, visibility = 'public', author = world.alice): StatusJson {
  return world.instance.post(author, { status: `@dig ${text}`, visibility });
}

describe('the bot end to end', { timeout: 300_000 }, () => {
  it('answers in the thread with the same visibility, mentioning only the asker', async () => {
    const { world } = await start();
    const bob = world.instance.createAccount('bob');
    const questions = (['public', 'unlisted', 'private', 'direct'] as const).map((visibility) =>
      world.instance.post(world.alice, { status: `@dig @bob example.test MX`, visibility }),
    );
    const replies = await answeredExactlyOnce(world, questions);
    assertRepliesInThread(questions, replies);
    for (const reply of replies) assert.match(reply.content, /MX 10 mail\.example\.test\./);
    assert.equal(world.instance.notificationsFor(bob.acct).filter((n) => n.status?.account.acct === 'dig').length, 0, 'bob is never mentioned by the bot');
    const posts = world.instance.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');
    assert.ok(posts.length >= 4 && posts.every((r) => r.idempotencyKey?.startsWith('fedidig-')), 'every reply carries an Idempotency-Key');
  });

  it('never lets DNS data mention or tag anyone', async () => {
    const { world } = await start();
    world.instance.createAccount('someone@example.social');
    const question = ask(world, 'evil.example.test TXT');
    const [reply] = await answeredExactlyOnce(world, [question]);
    assertRepliesInThread([question], [reply]);
    assert.match(reply.content, /＠someone@example\.social ♯tag/);
  });

  it('answers mentions that arrived while it was stopped, and none twice', async () => {
    const { world, bot: first } = await start();
    const before = [ask(world, 'example.test')];
    await answeredExactlyOnce(world, before);
    assert.equal(await first.stop('SIGTERM'), 0);
    const whileDown = [ask(world, 'example.test AAAA'), ask(world, '192.0.2.1', 'direct'), ask(world, 'www.example.test')];
    bot = startSupervisor(world.env());
    await answeredExactlyOnce(world, [...before, ...whileDown]);
  });

  it('on its very first start answers the mentions already there, over several pages, oldest first', async () => {
    world = await startBotWorld();
    const waiting = Array.from({ length: 45 }, (_, i) => ask(world!, `example.test ${i % 2 ? 'A' : 'AAAA'}`));
    // One at a time, so that the order of the replies is the order of answering.
    bot = startSupervisor(world.env({ MAX_IN_FLIGHT: '1' }));
    const replies = await answeredExactlyOnce(world, waiting, 30_000);
    const replyIds = replies.map((reply) => Number(reply.id));
    assert.deepEqual(
      [...replyIds].sort((a, b) => a - b),
      replyIds,
      'oldest first',
    );
  });

  for (const idStyle of ['flake', 'uuid'] as const) {
    it(`works with ${idStyle} ids and without a streaming API (polling)`, async () => {
      const { world } = await start({ idStyle, streaming: false });
      const burst = Array.from({ length: 6 }, (_, i) => ask(world, `example.test ${['A', 'AAAA', 'MX', 'TXT', 'NS', 'SOA'][i]}`));
      await answeredExactlyOnce(world, burst);
      assert.ok(eventsNamed(bot!.output(), 'signed-in', (e) => e.mode === 'polling').length > 0, 'signed in to poll');
    });
  }

  it('survives a killed worker mid-burst', async () => {
    const { world, bot } = await start();
    await world.instance.waitFor(() => world.instance.openStreams(world.bot.acct) > 0, 10_000);
    const burst = Array.from({ length: 12 }, (_, i) => ask(world, `example.test ${i % 2 ? 'A' : 'MX'}`));
    process.kill(workerPids(bot.output()).at(-1)!, 'SIGKILL');
    burst.push(...Array.from({ length: 6 }, () => ask(world, 'signed.example.test')));
    await answeredExactlyOnce(world, burst, 30_000);
    assert.ok(workerPids(bot.output()).length >= 2, 'a new worker was forked');
  });

  it('replaces a hung worker within HEARTBEAT_TIMEOUT_MS and answers the burst', async () => {
    const { world, bot } = await start();
    await world.instance.waitFor(() => world.instance.openStreams(world.bot.acct) > 0, 10_000);
    const [firstWorker] = workerPids(bot.output());
    process.kill(firstWorker, 'SIGSTOP');
    const stoppedAt = Date.now();
    const burst = Array.from({ length: 8 }, () => ask(world, 'example.test TXT'));
    await world.instance.waitFor(() => workerPids(bot.output()).length >= 2, TEST_HEARTBEAT_TIMEOUT_MS + 10_000);
    // The check runs every HEARTBEAT_TIMEOUT_MS / 10 and SIGKILL follows 2 s after SIGTERM.
    const replacedAfter = Date.now() - stoppedAt;
    assert.ok(replacedAfter < TEST_HEARTBEAT_TIMEOUT_MS * 1.1 + 2500, `replaced after ${replacedAfter} ms`);
    assert.ok(eventsNamed(bot.output(), 'worker-silent').length > 0, 'the supervisor said the worker went silent');
    await answeredExactlyOnce(world, burst, 30_000);
  });

  it('answers a mention made after the catch-up but before the stream’s subscription took effect', async () => {
    const { world, bot } = await start({ subscribeDelayMs: 1500 });
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'stream-connected').length > 0, 10_000);
    // In the gap: the catch-up that follows the connection has listed (an empty list takes milliseconds), and the
    // subscription does not deliver yet.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await answeredExactlyOnce(world, [ask(world, 'example.test')]);
  });

  it('catches up after the stream drops and after the instance restarts', async () => {
    const { world } = await start();
    await world.instance.waitFor(() => world.instance.openStreams(world.bot.acct) > 0, 10_000);
    world.instance.dropStreams();
    const questions = [ask(world, 'example.test'), ask(world, 'example.test MX')];
    await world.instance.restart({ downtimeMs: 500 });
    questions.push(ask(world, 'example.test AAAA'));
    await answeredExactlyOnce(world, questions);
  });

  it('reconnects when the stream goes half-dead (no pings, no events) and misses nothing', async () => {
    const { world, bot } = await start();
    await world.instance.waitFor(() => world.instance.streamSubscriptions(world.bot.acct).length > 0, 10_000);
    // Let the catch-up that follows the connection finish, so that only the reconnection can find the questions.
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'stream-connected').length > 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    world.instance.setPings(false);
    const questions = [ask(world, 'example.test'), ask(world, 'example.test TXT', 'direct')];
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'stream-closed', (e) => typeof e.silentMs === 'number').length > 0, 15_000);
    await answeredExactlyOnce(world, questions);
  });

  it('answers BGP questions and adds the announcing network to a reverse lookup', async () => {
    const { world } = await start();
    const [bgp, reverse] = await answeredExactlyOnce(world, [ask(world, 'bgp 8.8.8.8'), ask(world, '8.8.8.8', 'direct')]);
    assert.match(bgp.content, /8\.8\.8\.0\/24 announced by AS15169 GOOGLE - Google LLC, US/);
    assert.match(reverse.content, /PTR dns\.google\./);
    assert.match(reverse.content, /BGP: 8\.8\.8\.0\/24 from AS15169/);
    assert.equal(reverse.visibility, 'direct');
  });

  it('splits again, smaller, when the server refuses a post as too long', async () => {
    const { world } = await start({ enforcedMaxCharacters: 300 });
    const question = ask(world, 'long.example.test TXT');
    // The thread of parts under the question, once its last part (n/n) is posted.
    const thread = () => {
      const parts: StatusJson[] = [];
      for (let next = world.instance.repliesTo(question.id)[0]; next; next = world.instance.repliesTo(next.id)[0]) parts.push(next);
      const last = /\((\d+)\/(\d+)\)<\/p>$/.exec(parts.at(-1)?.content ?? '');
      return last && last[1] === last[2] ? parts : undefined;
    };
    const parts = await world.instance.waitFor(thread, 20_000);
    assert.ok(parts.length >= 2, 'the answer was split');
    const total = Number(/\/(\d+)\)<\/p>$/.exec(parts.at(-1)!.content)![1]);
    assert.equal(parts.length, total, 'one thread, each part once');
    assert.deepEqual([...new Set(parts.map((p) => p.mentions.map((m) => m.acct).join()))], ['alice']);
    assert.ok(
      world.instance.requests.some((r) => r.method === 'POST' && r.status === 422),
      'the first try was refused',
    );
  });

  it('does not let a slow DNS answer hold up the others', async () => {
    // Asked once the worker is connected (its start is not what this measures); the resolver's timeout leaves a
    // loaded machine many seconds to answer the quick question while the slow one waits.
    const { world, bot } = await start({}, { DNS_TIMEOUT_MS: '15000' });
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'stream-connected').length > 0, 30_000);
    const slow = ask(world, 'timeout.example.test');
    const quick = ask(world, 'example.test');
    await world.instance.waitFor(() => world.instance.repliesTo(quick.id).length > 0, 14_000);
    assert.equal(world.instance.repliesTo(slow.id).length, 0, 'the slow question is still waiting for its resolver');
    const [reply] = await answeredExactlyOnce(world, [slow, quick], 30_000);
    assert.match(reply.content, /no answer from 127\.0\.0\.1:\d+ within 15\.0 s/);
  });

  it('answers from a routing table file and reloads it on SIGHUP without a restart', async () => {
    const table = join(folder('fedidig-rib-'), 'riswhois.txt');
    writeFileSync(table, '64500\t193.0.0.0/16\t300\n');
    const { world, bot } = await start({}, { BGP_SOURCE: `table:${table}` });
    const [before] = await answeredExactlyOnce(world, [ask(world, 'bgp 193.0.1.1')]);
    assert.match(before.content, /193\.0\.0\.0\/16 announced by AS64500/);
    writeFileSync(table, '64500\t193.0.0.0/16\t300\n64511\t193.0.1.0/24\t250\n');
    bot.child.kill('SIGHUP');
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'reloaded', (e) => e.reason === 'SIGHUP' && e.changed === true).length > 0, 10_000);
    const after = ask(world, 'bgp 193.0.1.1 ');
    const reply = await world.instance.waitFor(() => world.instance.repliesTo(after.id)[0], 10_000);
    assert.match(reply.content, /193\.0\.1\.0\/24 announced by AS64511/);
    assert.equal(workerPids(bot.output()).length, 1, 'the same worker answered');
  });

  it('rides out a 429 storm and a proxy’s 502 page without losing or doubling an answer', async () => {
    const { world } = await start();
    await world.instance.waitFor(() => world.instance.openStreams(world.bot.acct) > 0, 10_000);
    world.instance.failNext(2, '502-html', { method: 'POST', path: '/api/v1/statuses' });
    world.instance.rateLimitStorm(10, 800);
    const burst = Array.from({ length: 10 }, (_, i) => ask(world, `example.test ${i % 2 ? 'NS' : 'CAA'}`));
    await answeredExactlyOnce(world, burst, 30_000);
  });

  it('does not answer replies without a question, bots in its threads, favourites, follows or blocked accounts', async () => {
    const { world } = await start({}, { BLOCKED_ACCOUNTS: 'mallory', BLOCKED_DOMAINS: 'spam.example' });
    const mallory = world.instance.createAccount('mallory');
    const spammer = world.instance.createAccount('eve@spam.example');
    const otherBot = world.instance.createAccount('echo', { bot: true });
    const question = ask(world, 'example.test');
    const [answer] = await answeredExactlyOnce(world, [question]);
    world.instance.favourite(world.alice, answer.id);
    world.instance.follow(world.alice, world.bot);
    const thanks = world.instance.post(world.alice, { status: '@dig thanks!', in_reply_to_id: answer.id });
    const loop = world.instance.post(otherBot, { status: '@dig @alice example.test', in_reply_to_id: answer.id });
    const blocked = [ask(world, 'example.test', 'public', mallory as never), world.instance.post(spammer, { status: '@dig example.test' })];
    const followUp = world.instance.post(world.alice, { status: '@dig example.test MX', in_reply_to_id: answer.id });
    await world.instance.waitFor(() => world.instance.repliesTo(followUp.id).length > 0, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const ignored of [thanks, loop, ...blocked]) assert.equal(world.instance.repliesTo(ignored.id).length, 0, ignored.content);
    const skipped = eventsNamed(bot!.output(), 'mention-skipped').map((e) => e.reason);
    assert.ok(skipped.includes('a reply in my thread without a question'), skipped.join());
    assert.ok(skipped.includes('a bot replying in my thread'), skipped.join());
    assert.equal(world.instance.statusesBy(world.bot.acct).length, 2, 'a favourite and a follow get no answer');
  });

  it('sends one notice to an asker over the rate limit, then silence', async () => {
    const { world } = await start({}, { RATE_LIMIT: '2/60s' });
    const questions = Array.from({ length: 5 }, () => ask(world, 'example.test'));
    await world.instance.waitFor(() => world.instance.statusesBy(world.bot.acct).length >= 3, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const replies = questions.map((q) => world.instance.repliesTo(q.id));
    assert.deepEqual(
      replies.map((r) => r.length),
      [1, 1, 1, 0, 0],
    );
    assert.match(replies[2][0].content, /faster than I answer/);
  });

  it('tells the operator about a flood by DM without mentioning anyone else, and re-reads its block list', async () => {
    const blockList = join(folder('fedidig-block-'), 'blocked.txt');
    writeFileSync(blockList, '# blocked\nmallory\n');
    const { world, bot } = await start({}, { ADMIN_ACCT: 'admin', FLOOD_LIMIT: '6/60s', BLOCKLIST_FILE: blockList });
    const admin = world.instance.createAccount('admin');
    const mallory = world.instance.createAccount('mallory');
    const blocked = world.instance.post(mallory, { status: '@dig example.test' });
    const burst = Array.from({ length: 6 }, () => ask(world, 'example.test'));
    await world.instance.waitFor(() => burst.every((q) => world.instance.repliesTo(q.id).length === 1), 20_000);
    const alert = await world.instance.waitFor(() => world.instance.statusesBy(world.bot.acct).find((s) => s.in_reply_to_id === null), 10_000);
    assert.equal(alert.visibility, 'direct');
    assert.deepEqual(
      alert.mentions.map((m) => m.acct),
      [admin.acct],
    );
    // One instance alone at half the limit (3 of 6) is a flood already.
    assert.match(alert.content, /Flood: 3 mentions in 60 s\. Accounts: alice \(3\)\. Instances: 127\.0\.0\.1:\d+ \(3\)/);
    assert.equal(world.instance.repliesTo(blocked.id).length, 0);
    writeFileSync(blockList, '# nobody blocked now\n');
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'block-list-loaded', (e) => e.accounts === 0).length > 0, 15_000);
    const unblocked = world.instance.post(mallory, { status: '@dig example.test AAAA' });
    await world.instance.waitFor(() => world.instance.repliesTo(unblocked.id).length === 1, 15_000);
  });

  it('keeps the text of private and direct questions out of the logs with LOG_QUERIES=public-only', async () => {
    const { world, bot } = await start({}, { LOG_QUERIES: 'public-only' });
    const questions = [ask(world, 'www.example.test AAAA', 'public'), ask(world, 'signed.example.test TXT', 'direct'), ask(world, 'help', 'private')];
    // help runs to two posts: wait for every question's reply and the whole help thread rather than count posts.
    const thread = (status: StatusJson): StatusJson[] => world.instance.repliesTo(status.id).flatMap((reply) => [reply, ...thread(reply)]);
    const helpText = await world.instance.waitFor(() => {
      if (!questions.every((q) => world.instance.repliesTo(q.id).length)) return undefined;
      const text = thread(questions[2])
        .map((part) => part.content)
        .join('');
      return /I log/.test(text) ? text : undefined;
    }, 15_000);
    // The worker logs a mention once its reply is posted, a moment after the instance shows it.
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'mention-answered').length >= 3, 10_000);
    assert.equal(eventsNamed(bot.output(), 'mention-answered', (e) => e.question === 'www.example.test AAAA').length, 1);
    assert.doesNotMatch(bot.output(), /signed\.example\.test|"question":"help"/);
    assert.match(helpText, /I log the text of public and unlisted questions only/, 'help says what is logged');
  });

  it('answers over the HTTP twin and reports its health on /healthz', async () => {
    const port = await freePort();
    const { world } = await start({}, { HTTP_LISTEN: `127.0.0.1:${port}` });
    const base = `http://127.0.0.1:${port}`;
    await world.instance.waitFor(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200, 15_000);
    const answer = await fetch(`${base}/dns/example.test/MX`);
    assert.equal(answer.status, 200);
    assert.match(await answer.text(), /^🔎 example\.test MX\nexample\.test\. 3600 MX 10 mail\.example\.test\./);
    await world.instance.close();
    const unhealthy = await world.instance.waitFor(async () => {
      const response = await fetch(`${base}/healthz`);
      return response.status === 503 ? response.text() : undefined;
    }, 15_000);
    assert.match(unhealthy, /not connected to http:\/\/127\.0\.0\.1:\d+ since/);
  });

  it('stops with exit code 2 and one line naming the setting when the worker finds it bad, and is not restarted', async () => {
    // Only the worker finds this one: the supervisor reads the settings, the worker loads the file they name.
    const missing = join(folder('fedidig-missing-'), 'rib.txt');
    const { world } = await start({}, { BGP_SOURCE: `table:${missing}` });
    const output = await stoppedForSetup();
    assert.match(output, new RegExp(`^fedidig: BGP_SOURCE: .*${missing.replaceAll('.', '\\.')}`, 'm'));
    assert.equal(world.instance.statusesBy(world.bot.acct).length, 0);
  });

  it('stops with exit code 2 and one line saying how to mend it when this Node.js cannot load the SQLite module', async () => {
    const refuse = join(repoRoot, 'test', 'fixtures', 'bot', 'refuse-sqlite-build.cjs');
    await start({}, { NODE_OPTIONS: `--require ${refuse}` });
    const output = await stoppedForSetup();
    assert.match(
      output,
      /^fedidig: the SQLite module \(better-sqlite3\) cannot be loaded by Node\.js v[\d.]+ \(.*refuse-sqlite-build\.cjs.*\): run `npm rebuild better-sqlite3`/m,
    );
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const { world, bot } = await start();
    await answeredExactlyOnce(world, [ask(world, 'example.test')]);
    assert.equal(await bot.stop('SIGTERM'), 0);
    assert.equal(eventsNamed(bot.output(), 'stopped').length, 1, 'the worker stopped after finishing its work');
  });
});

// Its own time budget: the suite above shares 120 s among its scenarios.
describe('the bot end to end, whois', { timeout: 60_000 }, () => {
  it('answers whois and abuse from the registries’ RDAP servers over https, mentioning only the asker', async () => {
    const rdap = await startRdapServer();
    try {
      const bootstrap = writeBootstrapDir(folder('fedidig-rdap-'), serveRegistries(rdap));
      // The worker trusts the test's CA as a lab's bot would, through NODE_EXTRA_CA_CERTS.
      // Not a test of the heartbeat: a slow start on a loaded machine must not get the worker replaced.
      const env = {
        RDAP_BOOTSTRAP_DIR: bootstrap,
        RDAP_ALLOW_PRIVATE: 'true',
        NODE_EXTRA_CA_CERTS: rdap.ca.caPath,
        BGP_SOURCE: 'off',
        HEARTBEAT_TIMEOUT_MS: '30000',
      };
      const { world } = await start({}, env);
      const questions = [ask(world, 'whois 8.8.8.8'), ask(world, 'abuse AS3333', 'direct'), ask(world, 'rdap wrongclass.hostile', 'unlisted')];
      const [network, abuse, hostile] = await answeredExactlyOnce(world, questions, 30_000);
      assertRepliesInThread(questions, [network!, abuse!, hostile!]);
      assert.match(network!.content, /8\.8\.8\.0\/24 \(8\.8\.8\.0 – 8\.8\.8\.255\): LOOP-NET, DIRECT ALLOCATION/);
      assert.match(network!.content, /Abuse: network-abuse@loopback\.example/);
      assert.doesNotMatch(network!.content, /Jane Person|555-0100|Main Street/);
      assert.match(abuse!.content, /Abuse mailbox for AS3333 \(RIPE NCC\): abuse@ripe\.example/);
      assert.match(hostile!.content, /sent an answer I cannot read: asked for the object class “domain”, got “＠frank@evil\.example”/);
    } finally {
      await rdap.close();
    }
  });
});
