/**
 * Watches as `npm start` runs them — the supervisor forking the worker —
 * against the loopback Mastodon instance, NSD reloaded with a new zone, a
 * routing table file rewritten, and the watches kept in SQLite in STATE_DIR
 * (or in a PostgreSQL the test starts, for two replicas).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { killBotAndWorld, startBotWorld, startSupervisor, workerPids, type BotProcess, type BotWorld } from '../testkit/bot/bot-process.ts';
import { eventsNamed } from '../testkit/bot/log-events.ts';
import { testFolders } from '../testkit/temporary-folder.ts';
import type { StatusJson } from '../testkit/mastodon-instance.ts';
import { missingDnsSoftware, startNsd, type Nsd } from '../testkit/dns/nsd.ts';
import { missingPostgres, startPostgres, type Postgres } from '../testkit/watch/postgres.ts';
import { ROTATING_NAME } from '../testkit/dns/test-zone.ts';

let world: BotWorld | undefined;
const bots: BotProcess[] = [];
let nsd: Nsd | undefined;
let postgres: Postgres | undefined;
/** Temporary folders, removed after each test. */
const folders = testFolders();
const folder = folders.make;
afterEach(async () => {
  for (const bot of bots.splice(1)) await killBotAndWorld(bot, undefined);
  await killBotAndWorld(bots.pop(), world);
  await nsd?.close();
  await postgres?.close();
  folders.removeAll();
  world = nsd = postgres = undefined;
});

/** Checks every second in the lab: the zone's TTLs are 1 s. */
// A generous heartbeat: on a loaded machine a worker takes seconds to start, and these tests are not about the supervisor.
const LAB = { WATCH_MIN_INTERVAL_MS: '500', WATCH_BGP_INTERVAL_MS: '500', WATCH_LEASE_MS: '3000', HEARTBEAT_TIMEOUT_MS: '30000' };

function zone(nameServers: readonly string[], serial: number): string {
  return [
    '$TTL 1',
    `watched.test. IN SOA ns1.watched.test. hostmaster.watched.test. ${serial} 7200 3600 1209600 1`,
    ...nameServers.map((ns) => `watched.test. IN NS ${ns}.watched.test.`),
    'ns1.watched.test. IN A 192.0.2.53',
    'ns2.watched.test. IN A 192.0.2.54',
    '',
  ].join('\n');
}

/** NSD serving watched.test with ns1; `change()` gives it ns1 and ns2 and reloads NSD. */
async function watchedZone(): Promise<{ nsd: Nsd; change(): Promise<void> }> {
  const file = join(folder('fedidig-zone-'), 'watched.test.zone');
  writeFileSync(file, zone(['ns1'], 1));
  nsd = await startNsd([file]);
  const server = nsd;
  return {
    nsd: server,
    change: async () => {
      writeFileSync(file, zone(['ns1', 'ns2'], 2));
      await server.reload(file);
    },
  };
}

function ask(text: string, visibility = 'public'): StatusJson {
  return world!.instance.post(world!.alice, { status: `@dig ${text}`, visibility });
}

/** Bot output for a failure's message. */
function outputs(): string {
  return bots.map((b) => b.output()).join('\n');
}

async function firstReply(question: StatusJson, pattern: RegExp): Promise<StatusJson> {
  const reply = await world!.instance
    .waitFor(() => world!.instance.repliesTo(question.id)[0], 60_000)
    .catch((error: Error) => {
      throw new Error(`${error.message}: no reply to “${question.content}”\n${outputs()}`);
    });
  assert.match(reply.content, pattern);
  return reply;
}

/** Waits for `count` replies to the question, gives a duplicate time to show up, and returns exactly `count`. */
async function exactlyReplies(question: StatusJson, count: number, timeoutMs = 30_000): Promise<StatusJson[]> {
  await world!.instance
    .waitFor(() => world!.instance.repliesTo(question.id).length >= count, timeoutMs)
    .catch((error: Error) => {
      throw new Error(`${error.message}: ${world!.instance.repliesTo(question.id).length} replies\n${outputs()}`);
    });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const replies = world!.instance.repliesTo(question.id);
  assert.equal(replies.length, count, replies.map((r) => r.content).join('\n'));
  for (const reply of replies) {
    assert.equal(reply.visibility, question.visibility);
    assert.deepEqual(
      reply.mentions.map((m) => m.acct),
      ['alice'],
    );
  }
  return replies;
}

// The suite's time is its six tests' on a loaded machine; each test is bounded by its own waits.
describe('watches end to end', { timeout: 600_000, skip: missingDnsSoftware() }, () => {
  it('tells the new NS of a watched name once, in its thread, with the question’s visibility', async () => {
    const zoneServer = await watchedZone();
    world = await startBotWorld();
    bots.push(startSupervisor(world.env({ ...LAB, DNS_UPSTREAM: zoneServer.nsd.address })));
    const question = ask('watch watched.test NS', 'unlisted');
    await firstReply(question, /Watching “watched\.test NS” until .* UTC[\s\S]*Now: NS: ns1\.watched\.test\./);
    await zoneServer.change();
    const [, change] = await exactlyReplies(question, 2);
    assert.match(change.content, /“watched\.test NS” changed:.*NS now: ns1\.watched\.test\., ns2\.watched\.test\..*\+ ns2\.watched\.test\./s);
    const posts = world.instance.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses' && r.status === 200);
    assert.ok(
      posts.some((r) => r.idempotencyKey?.startsWith(`fedidig-watch-${question.id}-`)),
      'the change carries its Idempotency-Key',
    );
  });

  it('does not flood with a rotating answer', async () => {
    world = await startBotWorld();
    bots.push(startSupervisor(world.env(LAB)));
    const question = ask(`watch ${ROTATING_NAME}`);
    await firstReply(question, /Watching/);
    // Each check gets the other pool: the answer changes every time and never holds for two checks.
    await world.instance.waitFor(() => world!.dns.queries.filter((q) => q.name === ROTATING_NAME).length >= 8, 30_000);
    await exactlyReplies(question, 1, 1000);
  });

  it('tells a change written before the worker was killed once, after the respawn', async () => {
    const zoneServer = await watchedZone();
    world = await startBotWorld();
    const bot = startSupervisor(world.env({ ...LAB, DNS_UPSTREAM: zoneServer.nsd.address }));
    bots.push(bot);
    const question = ask('watch watched.test NS');
    await firstReply(question, /Watching/);
    // The change is written as pending, then its post meets a broken proxy and waits to try again: the worker dies then.
    world.instance.failNext(2, '502-html', { method: 'POST', path: '/api/v1/statuses' });
    await zoneServer.change();
    await world.instance.waitFor(() => eventsNamed(bot.output(), 'watch-change-pending').length > 0, 20_000);
    process.kill(workerPids(bot.output()).at(-1)!, 'SIGKILL');
    const [, change] = await exactlyReplies(question, 2);
    assert.match(change.content, /\+ ns2\.watched\.test\./);
    assert.ok(workerPids(bot.output()).length >= 2, 'a new worker posted it');
  });

  it('tells a new origin of a watched prefix once, after the table file is reloaded', async () => {
    const table = join(folder('fedidig-rib-'), 'riswhois.txt');
    writeFileSync(table, '64500\t193.0.0.0/16\t300\n');
    world = await startBotWorld();
    const bot = startSupervisor(world.env({ ...LAB, BGP_SOURCE: `table:${table}` }));
    bots.push(bot);
    const question = ask('watch bgp 193.0.0.0/16');
    await firstReply(question, /Watching “bgp 193\.0\.0\.0\/16”[\s\S]*Now: 193\.0\.0\.0\/16 from AS64500/);
    writeFileSync(table, '64511\t193.0.0.0/16\t300\n64511\t193.0.1.0/24\t250\n');
    bot.child.kill('SIGHUP');
    const [, change] = await exactlyReplies(question, 2);
    assert.match(change.content, /origin now AS64511 \(was AS64500\).*new more-specific prefixes inside it: 1 now \(were 0\)/s);
  });

  it('answers watches and unwatch, and holds the limit per asker', async () => {
    world = await startBotWorld();
    bots.push(startSupervisor(world.env({ ...LAB, WATCH_PER_ASKER: '2' })));
    const first = ask('watch example.test MX', 'private');
    const firstAnswer = await firstReply(first, /Watching “example\.test MX”/);
    await firstReply(ask('watch example.test AAAA'), /Watching/);
    await firstReply(ask('watch www.example.test'), /You watch 2 things already/);
    const list = await firstReply(ask('watches'), /Your watches \(2 of 2\):.*example\.test MX.*example\.test AAAA/s);
    assert.equal(list.visibility, 'direct');
    const unwatch = world.instance.post(world.alice, { status: '@dig unwatch', in_reply_to_id: firstAnswer.id, visibility: 'private' });
    await firstReply(unwatch, /stopped watching “example\.test MX”/);
    await firstReply(ask('unwatch example.test aaaa'), /stopped watching “example\.test AAAA”/);
    await firstReply(ask('watches'), /You watch nothing/);
    // info may run to several posts: the line is in one of them.
    const info = ask('info');
    const thread = (status: StatusJson): StatusJson[] => world!.instance.repliesTo(status.id).flatMap((reply) => [reply, ...thread(reply)]);
    const line = /Watches: 0 running \(at most 10000, 2 per account\), kept in SQLite/;
    await world.instance.waitFor(() => thread(info).some((part) => line.test(part.content)), 60_000);
  });

  it('two replicas on one PostgreSQL tell each change once', { skip: missingPostgres() }, async () => {
    postgres = await startPostgres();
    const zoneServer = await watchedZone();
    world = await startBotWorld();
    const shared = { ...LAB, DNS_UPSTREAM: zoneServer.nsd.address, DATABASE_URL: postgres.url };
    bots.push(startSupervisor(world.env(shared)), startSupervisor({ ...world.env(shared), STATE_DIR: folder('fedidig-replica-') }));
    const questions = [ask('watch watched.test NS'), ask('watch watched.test NS +dnssec'), ask('watch watched.test SOA')];
    for (const question of questions) await firstReply(question, /Watching/);
    await zoneServer.change();
    for (const question of questions) await exactlyReplies(question, 2);
    const checkers = bots.filter((bot) => eventsNamed(bot.output(), 'watch-posted').length > 0);
    assert.ok(checkers.length >= 1);
  });
});
