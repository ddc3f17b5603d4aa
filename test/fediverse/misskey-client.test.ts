/** The Misskey client against the Misskey test instance: the mapping of notes, the errors by class, and the choice of API. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthError, PostTooLongError, RateLimitedError, StatusGoneError, TransientServerError } from '../../lib/fediverse/errors.ts';
import { mentionText } from '../../lib/fediverse/mention-text.ts';
import { MisskeyClient } from '../../lib/fediverse/misskey/misskey-client.ts';
import { chooseFediverseApi } from '../../lib/fediverse/open-fediverse.ts';
import { startMastodonInstance } from '../testkit/mastodon-instance.ts';
import { startMisskeyInstance, type MisskeyInstance, type UserRecord } from '../testkit/misskey-instance.ts';

describe('MisskeyClient', () => {
  let instance: MisskeyInstance;
  let dig: UserRecord;
  let alice: UserRecord;
  let client: MisskeyClient;
  before(async () => {
    instance = await startMisskeyInstance({ maxNoteTextLength: 200 });
    dig = instance.createUser('dig', { isBot: true });
    alice = instance.createUser('alice');
    client = new MisskeyClient({ url: instance.url, token: dig.token!, streamSilenceMs: 2000 });
  });
  after(() => instance.close());

  it('signs in and reads the limit of meta', async () => {
    assert.deepEqual(await client.verifyCredentials(), { id: dig.id, acct: 'dig', url: `${instance.url}/@dig`, bot: true });
    const facts = await client.instance();
    assert.equal(facts.maxCharacters, 200);
    assert.equal(facts.markup, 'mfm');
    assert.equal(facts.idempotentPosts, false);
    assert.equal(facts.software.name, 'misskey');
  });

  it('reads a question as the text its asker typed, its mentions out, in Mastodon terms', async () => {
    const note = instance.post(alice, { text: '@dig **2001:db8:85a3::1** <plain>@x</plain> `MX`', visibility: 'home' });
    const [notification] = await client.mentions({}, 40);
    assert.equal(notification?.type, 'mention');
    const status = notification!.status!;
    assert.equal(status.id, note.id);
    assert.equal(status.visibility, 'unlisted');
    assert.equal(status.account.acct, 'alice');
    assert.equal(mentionText(status.content, [`${instance.url}/@dig`, ...status.mentions.map((m) => m.url)]), '2001:db8:85a3::1 @x MX');
  });

  it('lists a reply to its note that does not mention it, and nothing but questions', async () => {
    const mine = instance.post(dig, { text: 'an answer' });
    instance.follow(alice, dig);
    const reply = instance.post(alice, { text: 'thanks', replyId: mine.id });
    const [notification] = await client.mentions({}, 40);
    assert.equal(notification?.status?.id, reply.id);
    assert.equal(notification?.type, 'mention');
    assert.equal(notification?.status?.inReplyToAccountId, dig.id);
  });

  it('replies to a direct question where the asker alone reads it, and finds that reply again', async () => {
    const question = instance.post(alice, { text: '@dig example.test', visibility: 'specified', visibleUserIds: [dig.id] });
    const reply = await client.postReply({
      text: '@alice <plain>a</plain>',
      inReplyToId: question.id,
      visibility: 'direct',
      markup: 'mfm',
      idempotencyKey: 'k',
    });
    const second = await client.postReply({
      text: '@alice <plain>b</plain>',
      inReplyToId: reply.id,
      visibility: 'direct',
      markup: 'mfm',
      idempotencyKey: 'k2',
    });
    for (const id of [reply.id, second.id]) {
      const note = instance.notesBy(dig).find((n) => n.id === id)!;
      assert.equal(note.visibility, 'specified');
      assert.ok(note.visibleUserIds.includes(alice.id), `alice reads ${id}`);
    }
    assert.deepEqual(await client.findReply(question.id, dig.id), { id: reply.id });
    assert.equal(await client.findReply(question.id, alice.id), undefined);
  });

  it('sorts failures into the named classes', async () => {
    const question = instance.post(alice, { text: '@dig example.test' });
    const post = (text: string, inReplyToId = question.id) => client.postReply({ text, inReplyToId, visibility: 'public', markup: 'mfm', idempotencyKey: 'k' });
    await assert.rejects(post('x'.repeat(201)), PostTooLongError);
    await assert.rejects(post('x', 'aaaaaaaaaaaaaaaa'), (error: unknown) => error instanceof StatusGoneError && error.statusId === 'aaaaaaaaaaaaaaaa');
    instance.failNext(1, '429', 'notes/create');
    await assert.rejects(post('x'), (error: unknown) => error instanceof RateLimitedError && error.resetAt.getTime() > Date.now());
    instance.failNext(1, '502-html');
    await assert.rejects(client.mentions({}, 40), (error: unknown) => error instanceof TransientServerError && error.status === 502);
    instance.failNext(1, '500');
    await assert.rejects(client.mentions({}, 40), TransientServerError);
    const stranger = new MisskeyClient({ url: instance.url, token: 'not-a-token', streamSilenceMs: 2000 });
    await assert.rejects(stranger.verifyCredentials(), (error: unknown) => error instanceof AuthError && error.status === 401);
  });
});

describe('chooseFediverseApi', () => {
  it("speaks Misskey's API where only Misskey's answers, Mastodon's where the server has it, and what FEDIVERSE_API says", async () => {
    const misskey = await startMisskeyInstance();
    const sharkey = await startMastodonInstance({ flavour: 'sharkey' });
    const mastodon = await startMastodonInstance();
    try {
      assert.equal((await chooseFediverseApi(misskey.url, 'auto')).api, 'misskey');
      assert.equal((await chooseFediverseApi(sharkey.url, 'auto')).api, 'mastodon');
      assert.equal((await chooseFediverseApi(mastodon.url, 'auto')).api, 'mastodon');
      assert.deepEqual(await chooseFediverseApi(mastodon.url, 'misskey'), { api: 'misskey', reason: 'FEDIVERSE_API' });
    } finally {
      await Promise.all([misskey.close(), sharkey.close(), mastodon.close()]);
    }
    await assert.rejects(chooseFediverseApi(misskey.url, 'auto'), TransientServerError);
  });
});
