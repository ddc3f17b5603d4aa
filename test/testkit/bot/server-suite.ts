/**
 * The bot as `npm start` runs it against one flavour of the test instance
 * (test/testkit/mastodon/flavours.ts, docs/servers.md): it must start, answer
 * every question once in its thread with its visibility, mention only the
 * asker, keep its lines and data literal in the server's rendering, and lose
 * nothing across restarts, whatever the backlog and however the server pages.
 * A file of its own for each flavour (test/bot/servers-*.test.ts): all five in
 * one ran past the test runner's limit for a file on a busy machine.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { eventsNamed } from './log-events.ts';
import {
  answeredOnceEach,
  assertRepliesInThread,
  killBotAndWorld,
  startBotWorld,
  startSupervisor,
  workerPids,
  type BotProcess,
  type BotWorld,
} from './bot-process.ts';
import type { Flavour } from '../mastodon-instance.ts';

/** Registers the end-to-end suite against `flavour`, in the test file that calls it. */
export function serverSuite(flavour: Flavour): void {
  let world: BotWorld | undefined;
  let bot: BotProcess | undefined;
  afterEach(async () => {
    await killBotAndWorld(bot, world);
    bot = world = undefined;
  });

  const ask = (w: BotWorld, text: string, visibility = 'public') => w.instance.post(w.alice, { status: `@dig ${text}`, visibility });

  /** What a reader sees of a status: its lines, as <br> and <p> make them. */
  const shownLines = (html: string) =>
    html
      .split(/<br\s*\/?>|<\/p>\s*<p[^>]*>/i)
      .map((line) =>
        line
          .replace(/<[^>]+>/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&')
          .trim(),
      )
      .filter(Boolean);

  describe(`on ${flavour}`, { timeout: 240_000 }, () => {
    it('starts, answers in the thread with the same visibility, mentions only the asker, and shows the data literally', async () => {
      // A domain of its own, as a real server has: Hollo mentions a local account as @user@domain.
      world = await startBotWorld({ flavour, localDomain: 'dig.test' });
      world.instance.createAccount('someone@example.social');
      bot = startSupervisor(world.env());
      // Answered by the first catch-up: every question after it comes through the stream, or a poll where there is none.
      await answeredOnceEach([ask(world, 'example.test')], world.instance, bot);
      const visibilities = ['public', 'unlisted', 'private', 'direct'];
      const questions = visibilities.map((visibility) => ask(world!, 'example.test MX', visibility));
      questions.push(ask(world, 'evil.example.test TXT', 'direct'));
      const replies = await answeredOnceEach(questions, world.instance, bot, 15_000);
      assertRepliesInThread(questions, replies);
      // The MX answers hold host names and no URL: a link there is one the server made of a bare name.
      for (const reply of replies.slice(0, 4)) {
        const links = [...reply.content.matchAll(/<a\b[^>]*>/g)].filter((a) => !/\bmention\b/.test(a[0]) || /\bhashtag\b/.test(a[0]));
        assert.deepEqual(links, [], `no link but the asker's mention: ${reply.content}`);
      }
      const lines = shownLines(replies[0].content);
      assert.ok(lines.length >= 3, `its lines stay lines: ${replies[0].content}`);
      assert.ok(
        lines.some((line) => /^example\.test\. \d+ MX 10 mail\.example\.test\.$/.test(line)),
        lines.join('\n'),
      );
      assert.ok(
        shownLines(replies[4].content).some((line) => line.includes('＠someone@example.social ♯tag')),
        replies[4].content,
      );
      const software = eventsNamed(bot.output(), 'signed-in').map((e) => (e.software as { name?: string } | undefined)?.name);
      assert.ok(software.includes(flavour), `signed in to ${software.join()}`);
    });

    it('answers backlogs of 1, 39, 40, 41 and 500 mentions asked while it was down, each once', async () => {
      world = await startBotWorld({ flavour, rateLimit: { limit: 100_000 } });
      const env = world.env({ MAX_IN_FLIGHT: '16', RATE_LIMIT: '100000/60s', GLOBAL_RATE_LIMIT: '100000/60s', FLOOD_LIMIT: '100000/60s' });
      bot = startSupervisor(env);
      const asked = [ask(world, 'example.test')];
      await answeredOnceEach(asked, world.instance, bot);
      for (const backlog of [1, 39, 40, 41, 500]) {
        assert.equal(await bot.stop('SIGTERM'), 0);
        asked.push(...Array.from({ length: backlog }, (_, i) => ask(world!, `example.test ${i % 2 ? 'A' : 'AAAA'}`, 'unlisted')));
        bot = startSupervisor(env);
        await answeredOnceEach(asked, world.instance, bot, 90_000);
      }
      assert.equal(world.instance.statusesBy(world.bot.acct).length, asked.length, 'nothing but the answers');
    });

    it('answers a burst once each across a killed worker', async () => {
      world = await startBotWorld({ flavour });
      bot = startSupervisor(world.env());
      await answeredOnceEach([ask(world, 'example.test')], world.instance, bot);
      const burst = Array.from({ length: 10 }, (_, i) => ask(world!, `example.test ${i % 2 ? 'A' : 'TXT'}`));
      // The worker running now: under load the supervisor may already have replaced the first one.
      process.kill(workerPids(bot.output()).at(-1)!, 'SIGKILL');
      burst.push(...Array.from({ length: 4 }, () => ask(world!, 'signed.example.test')));
      await answeredOnceEach(burst, world.instance, bot, 45_000);
      assert.ok(workerPids(bot.output()).length >= 2, 'a new worker was forked');
    });
  });
}
