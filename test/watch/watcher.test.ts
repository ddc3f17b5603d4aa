/**
 * Watches in one process: the real desk, watcher and store (SQLite, and a
 * PostgreSQL started for the suite), a scripted
 * resolver, a server in memory and a clock the test moves. What counts as a
 * change, how often it is told, and that a crash between the change and its
 * post tells it once.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { AuthError, StatusGoneError } from '../../lib/fediverse/errors.ts';
import { parseBlockList } from '../../lib/policy/block-list.ts';
import { SqlWatchStore } from '../../lib/watch/sql-watch-store.ts';
import type { WatchStore } from '../../lib/watch/watch-store.ts';
import { FACTS } from '../testkit/fediverse/memory-fediverse.ts';
import { missingPostgres, startPostgres, type Postgres } from '../testkit/watch/postgres.ts';
import { watchWorld, type WatchWorld } from '../testkit/watch/watch-world.ts';

const INTERVAL = 60_000;
let store: WatchStore;

/** Moves the clock past the next check and runs one round of `watcher`s. */
async function checkAgain(world: WatchWorld, ...owners: string[]): Promise<void> {
  world.clock += INTERVAL + 1;
  await Promise.all((owners.length ? owners : ['a']).map((owner) => world.watcher(owner).tick()));
}

function changesIn(world: WatchWorld, statusId: string) {
  // The first reply is the desk's; the rest are the watcher's.
  return world.fediverse.repliesTo(statusId).filter((reply) => reply.idempotencyKey.startsWith('fedidig-watch-'));
}

for (const database of ['SQLite', 'PostgreSQL'] as const) {
  describe(`watches in ${database}`, { skip: database === 'PostgreSQL' && missingPostgres() }, () => {
    let postgres: Postgres | undefined;
    let databases = 0;
    before(async () => {
      if (database === 'PostgreSQL') postgres = await startPostgres();
    });
    after(() => postgres?.close());
    beforeEach(async () => {
      if (!postgres) {
        store = await SqlWatchStore.sqlite(':memory:');
        return;
      }
      // A database of its own for each test.
      const name = `watches${++databases}`;
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      store = await SqlWatchStore.postgres(postgres.url.replace('/postgres?', `/${name}?`));
    });
    afterEach(() => store.close());

    describe('a DNS watch', () => {
      it('tells a new answer once it has held for two checks, once, in the thread, mentioning only the asker', async () => {
        const world = watchWorld(store);
        world.resolver.answers.set('a.test', ['192.0.2.1']);
        const { status, answer } = await world.say('alice', 'watch a.test A');
        assert.match(answer.lines.map((l) => l.text).join('\n'), /Watching “a\.test A” until 2026-12-08 08:00 UTC[\s\S]*Now: A: 192\.0\.2\.1/);
        world.resolver.answers.set('a.test', ['192.0.2.2', '192.0.2.1']);
        await checkAgain(world);
        assert.equal(changesIn(world, status.id).length, 0, 'seen once is not yet a change');
        await checkAgain(world);
        const [change, ...more] = changesIn(world, status.id);
        assert.equal(more.length, 0);
        assert.match(change.text, /^@alice 🔔 “a\.test A” changed:\nA now: 192\.0\.2\.1, 192\.0\.2\.2\n {2}\+ 192\.0\.2\.2$/);
        assert.equal(change.visibility, 'public');
        for (let i = 0; i < 4; i++) await checkAgain(world);
        assert.equal(changesIn(world, status.id).length, 1, 'told once');
      });

      it('compare: tells when the resolvers come to agree', async () => {
        const world = watchWorld(store);
        world.resolver.answers.set('a.test', ['192.0.2.2']);
        world.quad9.answers.set('a.test', ['192.0.2.1']);
        const { status, answer } = await world.say('alice', 'watch a.test compare');
        assert.match(answer.lines[1].text, /Now: the resolvers disagree: quad9 gives 192\.0\.2\.1; default gives 192\.0\.2\.2/);
        world.quad9.answers.set('a.test', ['192.0.2.2']);
        await checkAgain(world);
        await checkAgain(world);
        const [change, ...more] = changesIn(world, status.id);
        assert.equal(more.length, 0);
        assert.match(change.text, /“a\.test compare” changed:\nall 2 resolvers now give 192\.0\.2\.2$/);
      });

      it('does not flood with an answer that rotates', async () => {
        const world = watchWorld(store);
        world.resolver.answers.set('cdn.test', ['192.0.2.1']);
        const { status } = await world.say('alice', 'watch cdn.test');
        for (let i = 0; i < 12; i++) {
          world.resolver.answers.set('cdn.test', [i % 2 ? '192.0.2.1' : '192.0.2.2']);
          await checkAgain(world);
        }
        assert.equal(world.resolver.asked, 13, 'checked every time');
        assert.equal(changesIn(world, status.id).length, 0);
      });

      it('is muted for the rest of the day after WATCH_DAILY_CHANGES changes, and says so once', async () => {
        const world = watchWorld(store, { WATCH_DAILY_CHANGES: '2' });
        world.resolver.answers.set('a.test', ['192.0.2.0']);
        const { status } = await world.say('alice', 'watch a.test');
        for (let i = 1; i <= 4; i++) {
          world.resolver.answers.set('a.test', [`192.0.2.${i}`]);
          await checkAgain(world);
          await checkAgain(world);
        }
        const told = changesIn(world, status.id).map((c) => c.text);
        assert.equal(told.length, 3);
        assert.match(told[2], /muted until tomorrow/);
        world.clock = Date.UTC(2026, 11, 2, 0, 1);
        world.resolver.answers.set('a.test', ['192.0.2.9']);
        await checkAgain(world);
        await checkAgain(world);
        assert.equal(changesIn(world, status.id).length, 4, 'the next day it tells again');
      });

      it('ends when its time is up, saying so; when the question is gone; when the asker is blocked; and is forgotten later', async () => {
        const world = watchWorld(store);
        world.resolver.answers.set('a.test', ['192.0.2.1']);
        const expiring = await world.say('alice', 'watch a.test for 1 day');
        const gone = await world.say('bob', 'watch a.test');
        const blocked = await world.say('mallory', 'watch a.test');
        world.clock += 86_400_000;
        world.blocked = parseBlockList(['mallory']);
        world.resolver.answers.set('a.test', ['192.0.2.2']);
        world.fediverse.failPost = (reply) => (reply.inReplyToId === gone.status.id ? new StatusGoneError(gone.status.id, 404, 'Record not found') : undefined);
        for (let i = 0; i < 3; i++) await checkAgain(world);
        const [ended] = changesIn(world, expiring.status.id);
        assert.match(ended.text, /^@alice ⏹ The watch of “a\.test” has ended: its time was up \(2026-12-02 08:00 UTC\)\.\nLast seen: A: 192\.0\.2\.1$/);
        assert.equal((await store.get(expiring.status.id))?.endReason, 'expired');
        assert.equal((await store.get(gone.status.id))?.endReason, 'question gone');
        assert.equal((await store.get(blocked.status.id))?.endReason, 'a blocked account');
        assert.equal(changesIn(world, blocked.status.id).length, 0);
        assert.equal(await store.countRunning(), 0);
        world.clock += 31 * 86_400_000;
        await world.watcher('a').tick();
        assert.equal(await store.get(expiring.status.id), undefined, 'ended watches are forgotten after 30 days');
      });
    });

    describe('exactly once across crashes and replicas', () => {
      it('a change written but not posted (the worker died) is posted once by the next worker, with the same key', async () => {
        const world = watchWorld(store);
        world.resolver.answers.set('a.test', ['192.0.2.1']);
        const { status } = await world.say('alice', 'watch a.test');
        world.resolver.answers.set('a.test', ['192.0.2.2']);
        const keys: string[] = [];
        world.fediverse.failPost = (reply) => {
          keys.push(reply.idempotencyKey);
          return new AuthError(401, 'the token went away mid-post');
        };
        await checkAgain(world, 'dead');
        await checkAgain(world, 'dead');
        assert.equal(keys.length, 1, 'the post was tried');
        world.fediverse.failPost = (reply) => {
          keys.push(reply.idempotencyKey);
          return undefined;
        };
        await world.watcher('respawned').tick();
        assert.equal(changesIn(world, status.id).length, 0, 'the dead worker’s lease holds until it runs out');
        world.clock += world.config.leaseMs;
        await world.watcher('respawned').tick();
        assert.equal(changesIn(world, status.id).length, 1);
        assert.equal(keys[1], keys[0], 'the same Idempotency-Key');
        await checkAgain(world, 'respawned');
        assert.equal(changesIn(world, status.id).length, 1);
      });

      it('a change posted but not marked is found in the thread where the server ignores Idempotency-Key', async () => {
        let crash = true;
        const crashing: WatchStore = Object.assign(Object.create(store) as WatchStore, {
          posted: async (...args: Parameters<WatchStore['posted']>) => {
            if (crash) {
              crash = false;
              throw new Error('killed after the post');
            }
            return store.posted(...args);
          },
        });
        const world = watchWorld(crashing, {}, { ...FACTS, idempotentPosts: false });
        world.resolver.answers.set('a.test', ['192.0.2.1']);
        const { status } = await world.say('alice', 'watch a.test');
        world.resolver.answers.set('a.test', ['192.0.2.2']);
        await checkAgain(world, 'dead');
        await checkAgain(world, 'dead');
        assert.equal(changesIn(world, status.id).length, 1);
        world.clock += world.config.leaseMs;
        await world.watcher('respawned').tick();
        assert.equal(changesIn(world, status.id).length, 1, 'not posted twice');
        assert.equal((await store.get(status.id))?.pending, undefined, 'and marked posted');
      });

      it('two replicas on one store check each watch once per round and tell each change once', async () => {
        const world = watchWorld(store);
        const statuses = [];
        for (let i = 0; i < 20; i++) {
          world.resolver.answers.set(`n${i}.test`, ['192.0.2.1']);
          statuses.push((await world.say(`user${i}`, `watch n${i}.test`)).status);
        }
        for (let i = 0; i < 20; i++) world.resolver.answers.set(`n${i}.test`, ['192.0.2.2']);
        const asked = world.resolver.asked;
        await checkAgain(world, 'one', 'two');
        assert.equal(world.resolver.asked - asked, 20, 'each watch checked by one replica');
        await checkAgain(world, 'one', 'two');
        await checkAgain(world, 'one', 'two');
        for (const status of statuses) assert.equal(changesIn(world, status.id).length, 1, status.id);
      });
    });

    describe('watch, unwatch and watches', () => {
      it('limits the watches per asker, lists them in a direct reply, and ends one by reply or by question', async () => {
        const world = watchWorld(store, { WATCH_PER_ASKER: '2' });
        world.resolver.answers.set('a.test', ['192.0.2.1']);
        const first = await world.say('alice', 'watch a.test');
        await world.say('alice', 'watch b.test MX');
        const third = await world.say('alice', 'watch c.test');
        assert.match(third.answer.lines[0].text, /You watch 2 things already/);
        const list = await world.say('alice', 'watches');
        assert.equal(list.answer.direct, true);
        assert.deepEqual(
          list.answer.lines.map((l) => l.text.replace(/ until .*/, '')),
          ['Your watches (2 of 2):', '• “a.test”', '• “b.test MX”'],
        );
        const firstReply = world.fediverse.repliesTo(first.status.id)[0];
        assert.equal(
          (await world.say('bob', 'unwatch', { inReplyToId: firstReply.id })).answer.lines[0].text,
          'I found no watch of yours in this thread. Send “watches” to list yours.',
        );
        assert.match((await world.say('alice', 'unwatch', { inReplyToId: firstReply.id })).answer.lines[0].text, /stopped watching “a\.test”/);
        assert.match((await world.say('alice', 'unwatch B.TEST mx')).answer.lines[0].text, /stopped watching “b\.test MX”/);
        assert.match((await world.say('alice', 'watches')).answer.lines[0].text, /You watch nothing/);
        assert.equal(await store.countRunning(), 0);
      });

      it('refuses what it cannot watch, with the engine’s reasons', async () => {
        const world = watchWorld(store, { WATCH_MAX: '1' });
        assert.match((await world.say('alice', 'watch a.test +trace')).answer.lines[0].text, /not a \+trace/);
        assert.match((await world.say('alice', 'watch whois example.com')).answer.lines[0].text, /not whois/);
        assert.match((await world.say('alice', 'watch a.test AXFR')).answer.lines[0].text, /zone transfers/i);
        assert.match((await world.say('alice', 'watch bgp 192.0.2.0/24')).answer.lines[0].text, /BGP look-ups are not enabled/);
        await world.say('alice', 'watch a.test');
        assert.match((await world.say('bob', 'watch b.test')).answer.lines[0].text, /1 watches run already, the most my operator allows/);
      });
    });
  });
}
