/**
 * The client names each failure where the protocol is known (lib/fediverse/errors.ts):
 * against the loopback test instance, each kind of answer becomes its class, with its details.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthError, PostTooLongError, RateLimitedError, RequestRejectedError, StatusGoneError, TransientServerError } from '../../lib/fediverse/errors.ts';
import { MastodonClient } from '../../lib/fediverse/mastodon-client.ts';
import { startMastodonInstance, type LocalTestAccount, type MastodonInstance } from '../testkit/mastodon-instance.ts';

describe('MastodonClient names the failures', () => {
  let instance: MastodonInstance;
  let bot: LocalTestAccount;
  let client: MastodonClient;
  let question: string;
  before(async () => {
    instance = await startMastodonInstance({ maxCharacters: 500 });
    bot = instance.createAccount('dig', { bot: true }) as LocalTestAccount;
    const alice = instance.createAccount('alice');
    question = instance.post(alice, { status: '@dig example.test' }).id;
    client = new MastodonClient({ url: instance.url, token: bot.token, streamSilenceMs: 5000, markup: 'plain' });
  });
  after(() => instance.close());

  const reply = (text: string, inReplyToId = question) =>
    client.postReply({ text, inReplyToId, visibility: 'public', markup: 'plain', idempotencyKey: `k-${Math.random()}` });

  it('a refused token is an AuthError, not a rejection for good', async () => {
    const stranger = new MastodonClient({ url: instance.url, token: 'not-a-token', streamSilenceMs: 5000 });
    await assert.rejects(stranger.verifyCredentials(), (error: unknown) => {
      assert.ok(error instanceof AuthError, String(error));
      assert.ok(!(error instanceof RequestRejectedError));
      assert.equal(error.status, 401);
      return true;
    });
  });

  it('a reply to a status that is not there is a StatusGoneError naming it', async () => {
    await assert.rejects(reply('@alice hello', '999999999'), (error: unknown) => {
      assert.ok(error instanceof StatusGoneError, String(error));
      assert.equal(error.statusId, '999999999');
      return true;
    });
  });

  it('a post over the limit is a PostTooLongError; a blank one is refused for good', async () => {
    await assert.rejects(reply(`@alice ${'a'.repeat(600)}`), PostTooLongError);
    await assert.rejects(reply(''), (error: unknown) => error instanceof RequestRejectedError && !(error instanceof PostTooLongError));
  });

  it('a 429 is a RateLimitedError with the reset time; a 5xx and a proxy page are transient', async () => {
    instance.failNext(1, '429', { method: 'POST', path: '/api/v1/statuses' });
    await assert.rejects(reply('@alice hello'), (error: unknown) => error instanceof RateLimitedError && error.resetAt.getTime() > Date.now() - 1000);
    instance.failNext(1, '500', { method: 'POST', path: '/api/v1/statuses' });
    await assert.rejects(reply('@alice hello'), (error: unknown) => error instanceof TransientServerError && error.status === 500);
    instance.failNext(1, '502-html', { method: 'POST', path: '/api/v1/statuses' });
    await assert.rejects(reply('@alice hello'), TransientServerError);
    assert.ok((await reply('@alice hello')).id, 'then it posts');
  });

  it('a network error is transient, without a status', async () => {
    const nowhere = new MastodonClient({ url: 'http://127.0.0.1:1', token: 'x', streamSilenceMs: 5000 });
    await assert.rejects(nowhere.verifyCredentials(), (error: unknown) => error instanceof TransientServerError && error.status === undefined);
  });
});
