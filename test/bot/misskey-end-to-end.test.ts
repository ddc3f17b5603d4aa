/**
 * The bot as `npm start` runs it against a server that has Misskey's API and
 * no Mastodon API (test/testkit/misskey-instance.ts): it must find that out by
 * itself, answer every question once in its thread with its visibility,
 * mention only the asker, keep the data literal in MFM, and lose or double
 * nothing across restarts, a killed worker, rate limits and backlogs around
 * the page size.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as mfm from 'mfm-js';
import type { DnsTestServer } from '../testkit/dns/dns-test-server.ts';
import {
  startMisskeyInstance,
  type MisskeyInstance,
  type MisskeyInstanceOptions,
  type NoteRecord,
  type NoteVisibility,
  type UserRecord,
} from '../testkit/misskey-instance.ts';
import { answeredOnceEach, aroundServer, killBotAndWorld, startSupervisor, workerPids, type BotProcess } from '../testkit/bot/bot-process.ts';
import { eventsNamed } from '../testkit/bot/log-events.ts';

interface MisskeyWorld {
  readonly dns: DnsTestServer;
  readonly instance: MisskeyInstance;
  readonly bot: UserRecord;
  readonly alice: UserRecord;
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

async function startMisskeyWorld(options: MisskeyInstanceOptions = {}): Promise<MisskeyWorld> {
  const instance = await startMisskeyInstance({ pingIntervalMs: 500, ...options });
  const bot = instance.createUser('dig', { isBot: true });
  const alice = instance.createUser('alice');
  return { instance, bot, alice, ...(await aroundServer(instance, bot.token!)) };
}

let world: MisskeyWorld | undefined;
let bot: BotProcess | undefined;
afterEach(async () => {
  await killBotAndWorld(bot, world);
  bot = world = undefined;
});

/** A question as Misskey's composer sends it: a specified note lists the accounts it mentions as its readers. */
const ask = (w: MisskeyWorld, text: string, visibility: NoteVisibility = 'public') =>
  w.instance.post(w.alice, { text: `@dig ${text}`, visibility, visibleUserIds: visibility === 'specified' ? [w.bot.id] : undefined });

/** The bot's notes of one answer: the reply to the question, then each part replying to the one before. */
function thread(w: MisskeyWorld, question: NoteRecord): NoteRecord[] {
  const parts: NoteRecord[] = [];
  for (let parent = question; ; ) {
    const next = w.instance.repliesTo(parent.id).filter((note) => note.user === w.bot);
    if (next.length === 0) return parts;
    assert.equal(next.length, 1, `one reply to ${parent.id}`);
    parts.push(next[0]!);
    parent = next[0]!;
  }
}

/** What MFM shows of a note: its lines, and the nodes that would link, mention or tag anyone. */
function shown(text: string): { lines: string[]; active: mfm.MfmNode[] } {
  const nodes = mfm.parse(text);
  const active = mfm.extract(nodes, (n) => ['mention', 'hashtag', 'url', 'link', 'emojiCode', 'search'].includes(n.type));
  const plainText = (list: readonly mfm.MfmNode[]): string =>
    list.map((n) => (n.type === 'text' ? n.props.text : 'children' in n && n.children ? plainText(n.children) : mfm.toString(n))).join('');
  return { lines: plainText(nodes).split('\n'), active };
}

/** Each reply answers its question in its thread with the question's visibility, every part mentioning only the asker. */
function assertThreads(w: MisskeyWorld, questions: readonly NoteRecord[]): void {
  for (const question of questions) {
    const parts = thread(w, question);
    assert.ok(parts.length >= 1);
    for (const part of parts) {
      assert.equal(part.visibility, question.visibility, part.text);
      assert.deepEqual(part.mentions, [w.alice.id], part.text);
      const { active } = shown(part.text);
      assert.deepEqual(
        active.map((n) => mfm.toString(n)),
        ['@alice'],
        `nothing but the asker's mention is live MFM: ${part.text}`,
      );
      if (question.visibility === 'specified') assert.ok(part.visibleUserIds.includes(w.alice.id), `the asker reads part ${part.id}`);
    }
  }
}

describe('on misskey (its own API, no Mastodon API)', { timeout: 240_000 }, () => {
  it('finds Misskey by itself, answers each visibility in its thread, mentions only the asker, and shows the data literally', async () => {
    world = await startMisskeyWorld();
    world.instance.createUser('someone', { host: 'example.social' });
    bot = startSupervisor(world.env());
    await answeredOnceEach([ask(world, 'example.test')], world.instance, bot);
    const visibilities: NoteVisibility[] = ['public', 'home', 'followers', 'specified'];
    const questions = visibilities.map((visibility) => ask(world!, 'example.test MX', visibility));
    questions.push(ask(world, 'evil.example.test TXT', 'specified'));
    await answeredOnceEach(questions, world.instance, bot, 15_000);
    assertThreads(world, questions);
    const lines = shown(thread(world, questions[0]!)[0]!.text).lines;
    assert.ok(lines.length >= 3, `its lines stay lines: ${lines.join('\n')}`);
    assert.ok(
      lines.some((line) => /^example\.test\. \d+ MX 10 mail\.example\.test\.$/.test(line)),
      lines.join('\n'),
    );
    const evil = thread(world, questions[4]!)
      .map((part) => part.text)
      .join('\n');
    assert.ok(
      shown(evil).lines.some((line) => line.includes('＠someone@example.social ♯tag')),
      evil,
    );
    const chosen = eventsNamed(bot.output(), 'api-chosen');
    assert.deepEqual(
      chosen.map((e) => e.api),
      ['misskey'],
    );
    const software = eventsNamed(bot.output(), 'signed-in').map((e) => (e.software as { name?: string }).name);
    assert.deepEqual(software, ['misskey']);
    assert.equal(eventsNamed(bot.output(), 'signed-in')[0]?.mode, 'streaming');
  });

  it('answers backlogs of 1, 39, 40, 41 and 300 mentions asked while it was down, among other notifications, each once', async () => {
    world = await startMisskeyWorld({ notesCreateLimit: { max: 100_000, durationMs: 60_000 } });
    const env = world.env({ MAX_IN_FLIGHT: '16', RATE_LIMIT: '100000/60s', GLOBAL_RATE_LIMIT: '100000/60s', FLOOD_LIMIT: '100000/60s' });
    bot = startSupervisor(env);
    const asked = [ask(world, 'example.test')];
    await answeredOnceEach(asked, world.instance, bot);
    const others = Array.from({ length: 60 }, (_, i) => world!.instance.createUser(`follower${i}`));
    for (const backlog of [1, 39, 40, 41, 300]) {
      assert.equal(await bot.stop('SIGTERM'), 0);
      for (let i = 0; i < backlog; i++) {
        asked.push(ask(world, `example.test ${i % 2 ? 'A' : 'AAAA'}`, i % 3 ? 'home' : 'public'));
        // Follows between the mentions: pages that the type filter leaves short, or empty.
        if (i % 7 === 0) for (const follower of others.slice(0, 45)) world.instance.follow(follower, world.bot);
      }
      bot = startSupervisor(env);
      await answeredOnceEach(asked, world.instance, bot, 120_000);
    }
    assert.equal(world.instance.notesBy(world.bot).length, asked.length, 'nothing but the answers');
  });

  it('answers a burst once each across a killed worker, and waits out the rate limit of notes/create', async () => {
    world = await startMisskeyWorld({ notesCreateLimit: { max: 4, durationMs: 1500 } });
    bot = startSupervisor(world.env());
    await answeredOnceEach([ask(world, 'example.test')], world.instance, bot);
    const burst = Array.from({ length: 10 }, (_, i) => ask(world!, `example.test ${i % 2 ? 'A' : 'TXT'}`));
    process.kill(workerPids(bot.output()).at(-1)!, 'SIGKILL');
    burst.push(...Array.from({ length: 4 }, () => ask(world!, 'signed.example.test', 'followers')));
    await answeredOnceEach(burst, world.instance, bot, 60_000);
    assertThreads(world, burst);
    assert.ok(workerPids(bot.output()).length >= 2, 'a new worker was forked');
    assert.ok(
      world.instance.requests.some((r) => r.path === '/api/notes/create' && r.status === 429),
      'the rate limit was met',
    );
  });

  it('posts no second reply when the worker is killed after its reply is made and before its progress is written', async () => {
    world = await startMisskeyWorld();
    bot = startSupervisor(world.env());
    await answeredOnceEach([ask(world, 'example.test')], world.instance, bot);
    // notes/create makes the note and never answers: the worker cannot know it posted, nor write its progress.
    world.instance.holdPosts(1);
    const question = ask(world, 'example.test MX', 'specified');
    await world.instance.waitFor(() => world!.instance.repliesTo(question.id).length === 1, 15_000);
    process.kill(workerPids(bot.output()).at(-1)!, 'SIGKILL');
    const after = ask(world, 'example.test A');
    await answeredOnceEach([question, after], world.instance, bot, 45_000);
    assertThreads(world, [question, after]);
    assert.ok(workerPids(bot.output()).length >= 2, 'a new worker was forked');
    assert.ok(
      world.instance.requests.some((r) => r.path === '/api/notes/replies'),
      'the new worker looked in the thread',
    );
  });
});
