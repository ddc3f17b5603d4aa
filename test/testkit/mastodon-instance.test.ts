/**
 * The Mastodon test server, driven the way the bot drives it: with masto
 * 7.12 (REST and streaming clients, the `ws` WebSocket class) and with plain
 * fetch/ws where the wire format itself is the point.
 */
import assert from 'node:assert/strict';
import { createServer as createTcpServer } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { createRestAPIClient, createStreamingAPIClient, MastoHttpError } from 'masto';
import WebSocket from 'ws';
import {
  ApiError,
  startMastodonInstance,
  type IdStyle,
  type LocalTestAccount,
  type MastodonInstance,
  type MastodonInstanceOptions,
} from './mastodon-instance.ts';

async function start(t: TestContext, options: MastodonInstanceOptions = {}): Promise<MastodonInstance> {
  const instance = await startMastodonInstance({ localDomain: 'dig.test', ...options });
  t.after(() => instance.close());
  return instance;
}

/** Long enough for masto's one-second reconnect delay, short enough to fail a hanging test quickly. */
const TEST_TIMEOUT_MS = 10_000;

function restClient(instance: MastodonInstance, account: LocalTestAccount) {
  return createRestAPIClient({ url: instance.url, accessToken: account.token });
}

function api(instance: MastodonInstance, account: LocalTestAccount | undefined, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (account) headers.set('Authorization', `Bearer ${account.token}`);
  return fetch(`${instance.url}${path}`, { ...init, headers });
}

/** A masto subscription to `user:notification`, registered on the server before this resolves. */
async function subscribeWithMasto(t: TestContext, instance: MastodonInstance, account: LocalTestAccount) {
  const client = createStreamingAPIClient({ streamingApiUrl: instance.streamingUrl!, accessToken: account.token, implementation: WebSocket });
  t.after(() => client.close());
  const events = client.user.notification.subscribe()[Symbol.asyncIterator]();
  // masto sends the subscribe message once iteration starts.
  const firstEvent = events.next();
  await instance.waitFor(() => instance.streamSubscriptions(account.acct).includes('user:notification'), 5000);
  return { events, firstEvent };
}

function openSocket(t: TestContext, url: string, options: { protocols?: string[]; autoPong?: boolean } = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, options.protocols, { autoPong: options.autoPong ?? true });
  t.after(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The status code and headers of a refused WebSocket handshake. */
function refusedHandshake(url: string, protocols?: string[]): Promise<{ status: number; headers: Record<string, unknown> }> {
  const socket = new WebSocket(url, protocols);
  // Aborting the handshake reports an error that is expected here.
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the handshake succeeded')));
  });
}

function nextMessage(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
}

function parseLink(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of header?.split(', ') ?? []) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
    if (match?.[1] && match[2]) links[match[2]] = match[1];
  }
  return links;
}

describe('accounts and instance', () => {
  it('verifies credentials through masto and refuses a bad token with Mastodon’s 401', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot', { bot: true });
    const account = await restClient(instance, bot).v1.accounts.verifyCredentials();
    assert.equal(account.id, bot.id);
    assert.equal(account.acct, 'bot');
    assert.equal(account.bot, true);
    assert.equal(account.url, 'https://dig.test/@bot');
    assert.equal(account.source.privacy, 'public');

    const byQuery = await api(instance, undefined, `/api/v1/accounts/verify_credentials?access_token=${bot.token}`);
    assert.equal(((await byQuery.json()) as { acct: string }).acct, 'bot');
    const response = await api(instance, undefined, '/api/v1/accounts/verify_credentials', { headers: { Authorization: 'Bearer nope' } });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: 'The access token is invalid' });
    const masto = createRestAPIClient({ url: instance.url, accessToken: 'nope' });
    await assert.rejects(masto.v1.accounts.verifyCredentials(), (error: unknown) => {
      assert.ok(error instanceof MastoHttpError);
      assert.equal(error.statusCode, 401);
      assert.equal(error.message, 'The access token is invalid');
      return true;
    });
  });

  it('describes itself in /api/v2 and /api/v1/instance, streaming URL and character limit included', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t, { maxCharacters: 1000 });
    const bot = instance.createAccount('bot');
    const v2 = await restClient(instance, bot).v2.instance.fetch();
    assert.equal(v2.domain, 'dig.test');
    assert.equal(v2.configuration.urls.streaming, instance.streamingUrl);
    assert.match(instance.streamingUrl ?? '', /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(v2.configuration.statuses.maxCharacters, 1000);
    assert.equal(v2.configuration.statuses.charactersReservedPerUrl, 23);
    const v1 = (await (await api(instance, undefined, '/api/v1/instance')).json()) as { urls: { streaming_api: string } };
    assert.equal(v1.urls.streaming_api, instance.streamingUrl);
  });

  it('without streaming has no streaming URL and answers the WebSocket endpoint with 404', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t, { streaming: false });
    const bot = instance.createAccount('bot');
    const v2 = (await (await api(instance, undefined, '/api/v2/instance')).json()) as { configuration: { urls: object } };
    assert.equal('streaming' in v2.configuration.urls, false);
    assert.equal(instance.streamingUrl, undefined);
    const refused = await refusedHandshake(`ws://127.0.0.1:${instance.port}/api/v1/streaming?stream=user`, [bot.token]);
    assert.equal(refused.status, 404);
    assert.equal((await api(instance, undefined, '/api/v1/streaming/health')).status, 404);
  });

  it('names accounts by domain: local ones on the configured domain, remote ones on theirs', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bob = instance.createAccount('bob@Other.Example');
    assert.equal(bob.acct, 'bob@other.example');
    assert.equal(bob.url, 'https://other.example/@bob');
    assert.equal(bob.token, undefined);
    assert.throws(() => instance.createAccount('bob@other.example'), /exists already/);
    assert.throws(() => instance.createAccount('bot@dig.test'), /by username alone/);
    const plain = await startMastodonInstance();
    t.after(() => plain.close());
    assert.equal(plain.domain, `127.0.0.1:${plain.port}`);
    assert.equal(plain.createAccount('bot').url, `${plain.url}/@bot`);
  });
});

describe('posting statuses', () => {
  it('renders a mention, a long and a short link and a hashtag exactly as Mastodon does', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const status = await restClient(instance, alice).v1.statuses.create({
      status: '@bot Is https://www.example.com/a/very/long/path/to/some/resource.html up? #DNS\nsee https://example.com <b> & bye',
    });
    assert.equal(
      status.content,
      '<p><span class="h-card" translate="no"><a href="https://dig.test/@bot" class="u-url mention">@<span>bot</span></a></span> Is ' +
        '<a href="https://www.example.com/a/very/long/path/to/some/resource.html" target="_blank" rel="nofollow noopener" translate="no">' +
        '<span class="invisible">https://www.</span><span class="ellipsis">example.com/a/very/long/path/t</span>' +
        '<span class="invisible">o/some/resource.html</span></a> up? ' +
        '<a href="https://dig.test/tags/DNS" class="mention hashtag" rel="tag">#<span>DNS</span></a><br />see ' +
        '<a href="https://example.com" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span>' +
        '<span class="">example.com</span><span class="invisible"></span></a> &lt;b&gt; &amp; bye</p>',
    );
    assert.deepEqual(status.mentions, [{ id: bot.id, username: 'bot', url: 'https://dig.test/@bot', acct: 'bot' }]);
    assert.deepEqual(status.tags, [{ name: 'dns', url: 'https://dig.test/tags/dns' }]);
    assert.equal(status.visibility, 'public');
  });

  it('keeps unknown accounts as text, splits paragraphs on blank lines, spares one-character ellipses', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const alice = instance.createAccount('alice');
    const status = instance.post(alice, { status: "@nobody it's\n\n\nnew paragraph @ghost@nowhere.example, not#tag" });
    assert.equal(status.content, '<p>@nobody it&#39;s</p><p>new paragraph @ghost@nowhere.example, not#tag</p>');
    assert.deepEqual(status.tags, []);
    assert.deepEqual(status.mentions, []);
    // 31 characters after the scheme: shown whole, as one hidden character is not worth an ellipsis.
    const link = instance.post(alice, { status: 'https://example.com/abcdefghijklmnopqrs' });
    assert.equal(
      link.content,
      '<p><a href="https://example.com/abcdefghijklmnopqrs" target="_blank" rel="nofollow noopener" translate="no">' +
        '<span class="invisible">https://</span><span class="">example.com/abcdefghijklmnopqrs</span><span class="invisible"></span></a></p>',
    );
  });

  it('shows a remote mention as a remote Mastodon sent it, sanitized by this server', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    instance.createAccount('bot');
    const bob = instance.createAccount('bob@other.example');
    const status = instance.post(bob, { status: '@bot@dig.test dig example.com #dns\nthanks' });
    assert.equal(
      status.content,
      '<p><span class="h-card" translate="no"><a href="https://dig.test/@bot" class="u-url mention" rel="nofollow noopener" target="_blank">' +
        '@<span>bot</span></a></span> dig example.com ' +
        '<a href="https://other.example/tags/dns" class="mention hashtag" rel="nofollow noopener" target="_blank">#<span>dns</span></a><br>thanks</p>',
    );
    assert.equal(status.account.acct, 'bob@other.example');
    assert.deepEqual(
      status.mentions.map((m) => m.acct),
      ['bot'],
    );
    assert.equal(instance.notificationsFor('bot')[0]?.status?.id, status.id);
  });

  it('accepts form-encoded and multipart bodies as well as JSON', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const alice = instance.createAccount('alice');
    const form = await api(instance, alice, '/api/v1/statuses', {
      method: 'POST',
      body: new URLSearchParams({ status: 'urlencoded', visibility: 'unlisted' }),
    });
    assert.equal(form.status, 200);
    assert.equal(((await form.json()) as { visibility: string }).visibility, 'unlisted');
    const multipart = new FormData();
    multipart.set('status', 'multipart');
    multipart.set('visibility', 'private');
    const response = await api(instance, alice, '/api/v1/statuses', { method: 'POST', body: multipart });
    assert.equal(((await response.json()) as { visibility: string }).visibility, 'private');
    assert.deepEqual(
      instance.statusesBy('alice').map((s) => s.content),
      ['<p>urlencoded</p>', '<p>multipart</p>'],
    );
  });

  it('counts characters as Mastodon: a URL is 23, a mention is @username, emoji are one', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    instance.createAccount('bob@other.example');
    const alice = instance.createAccount('alice');
    const masto = restClient(instance, alice);
    // "@bob " = 5, the URL = 23, " " = 1, the thumb = 1, then 470 more: exactly 500.
    const base = `@bob@other.example https://example.com/${'x'.repeat(200)} 👍🏽`;
    const full = `${base}${'a'.repeat(470)}`;
    assert.ok((await masto.v1.statuses.create({ status: full })).id);
    await assert.rejects(masto.v1.statuses.create({ status: `${full}a` }), (error: unknown) => {
      assert.ok(error instanceof MastoHttpError);
      assert.equal(error.statusCode, 422);
      assert.equal(error.message, 'Validation failed: Text character limit of 500 exceeded');
      return true;
    });
    assert.throws(
      () => instance.post(alice, { status: ' \n ' }),
      (error: unknown) => error instanceof ApiError && error.status === 422 && error.message === "Validation failed: Text can't be blank",
    );
  });

  it('returns the same status for a repeated Idempotency-Key of the same account', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const alice = instance.createAccount('alice');
    const carol = instance.createAccount('carol');
    const post = (account: LocalTestAccount, key: string) =>
      restClient(instance, account).v1.statuses.create({ status: 'once' }, { requestInit: { headers: { 'Idempotency-Key': key } } });
    const first = await post(alice, 'key-1');
    const again = await post(alice, 'key-1');
    const otherKey = await post(alice, 'key-2');
    const otherAccount = await post(carol, 'key-1');
    assert.equal(again.id, first.id);
    assert.notEqual(otherKey.id, first.id);
    assert.notEqual(otherAccount.id, first.id);
    assert.equal(instance.statusesBy('alice').length, 2);
    const posts = instance.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');
    assert.deepEqual(
      posts.map((r) => r.idempotencyKey),
      ['key-1', 'key-1', 'key-2', 'key-1'],
    );
    assert.equal(posts[0]?.headers.authorization, `Bearer ${alice.token}`);
  });

  it('delivers direct statuses to the mentioned accounts only', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const carol = instance.createAccount('carol');
    const secret = instance.post(alice, { status: '@bot dig private.example', visibility: 'direct' });
    assert.equal((await api(instance, bot, `/api/v1/statuses/${secret.id}`)).status, 200);
    const hidden = await api(instance, carol, `/api/v1/statuses/${secret.id}`);
    assert.equal(hidden.status, 404);
    assert.deepEqual(await hidden.json(), { error: 'Record not found' });
    assert.equal((await api(instance, undefined, `/api/v1/statuses/${secret.id}`)).status, 404);
    assert.deepEqual(
      instance.notificationsFor('bot').map((n) => n.status?.visibility),
      ['direct'],
    );
    assert.deepEqual(instance.notificationsFor('carol'), []);
    assert.deepEqual(instance.notificationsFor('alice'), []);
  });

  it('threads replies: context lists ancestors and descendants the viewer may see', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const carol = instance.createAccount('carol');
    const question = instance.post(alice, { status: '@bot dig example.com' });
    const answer = await restClient(instance, bot).v1.statuses.create({ status: '@alice 93.184.215.14', inReplyToId: question.id });
    const thanks = instance.post(alice, { status: '@bot thanks', in_reply_to_id: answer.id, visibility: 'direct' });
    const aside = instance.post(carol, { status: 'me too', in_reply_to_id: question.id });
    assert.deepEqual(
      instance.repliesTo(question.id).map((s) => s.id),
      [answer.id, aside.id],
    );
    const context = await restClient(instance, bot).v1.statuses.$select(question.id).context.fetch();
    assert.deepEqual(
      context.descendants.map((s) => s.id),
      [answer.id, thanks.id, aside.id],
    );
    const seenByCarol = await restClient(instance, carol).v1.statuses.$select(answer.id).context.fetch();
    assert.deepEqual(
      seenByCarol.ancestors.map((s) => s.id),
      [question.id],
    );
    assert.deepEqual(seenByCarol.descendants, []);
    const missing = await api(instance, bot, '/api/v1/statuses', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'x', in_reply_to_id: '404404' }),
    });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'The post you are trying to reply to does not appear to exist.' });
  });
});

describe('notifications', () => {
  it('notifies mentioned accounts, never the author, and lists other types the bot should skip', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const mine = instance.post(bot, { status: 'hello @bot, I am @alice' });
    instance.favourite(alice, mine.id);
    instance.follow(alice, bot);
    instance.post(alice, { status: '@bot dig example.com' });
    const masto = restClient(instance, bot);
    assert.deepEqual(
      (await masto.v1.notifications.list()).map((n) => n.type),
      ['mention', 'follow', 'favourite'],
    );
    assert.deepEqual(
      (await masto.v1.notifications.list({ types: ['mention'] })).map((n) => n.type),
      ['mention'],
    );
    assert.deepEqual(
      (await masto.v1.notifications.list({ excludeTypes: ['mention', 'follow'] })).map((n) => n.type),
      ['favourite'],
    );
    assert.deepEqual(
      instance.notificationsFor('alice').map((n) => n.type),
      ['mention'],
    );
    // Rails only permits `types[]`; a bare `types=mention` filters nothing.
    const bare = (await (await api(instance, bot, '/api/v1/notifications?types=mention')).json()) as unknown[];
    assert.equal(bare.length, 3);
    const [favourite] = instance.notificationsFor('bot').filter((n) => n.type === 'favourite');
    assert.match(favourite?.group_key ?? '', new RegExp(`^favourite-${mine.id}-\\d+$`));
  });

  for (const idStyle of ['numeric', 'flake', 'ulid', 'uuid'] as const satisfies readonly IdStyle[]) {
    it(`pages newest first with max_id, since_id, min_id and Link headers (${idStyle} IDs)`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const instance = await start(t, { idStyle });
      const bot = instance.createAccount('bot');
      const alice = instance.createAccount('alice');
      for (let i = 1; i <= 7; i += 1) instance.post(alice, { status: `@bot question ${i}` });
      instance.follow(alice, bot);
      const ids = instance
        .notificationsFor('bot')
        .filter((n) => n.type === 'mention')
        .map((n) => n.id);
      if (idStyle === 'numeric') assert.ok(new Set(ids.map((id) => id.length)).size > 1, `IDs of several lengths: ${ids.join(' ')}`);

      const page = async (query: string) => {
        const response = await api(instance, bot, `/api/v1/notifications?${query}`);
        const body = (await response.json()) as Array<{ id: string }>;
        return { ids: body.map((n) => n.id), links: parseLink(response.headers.get('link')) };
      };
      const first = await page('types[]=mention&limit=3');
      assert.deepEqual(first.ids, ids.slice(0, 3));
      const endpoint = `${instance.url}/api/v1/notifications`;
      assert.deepEqual(first.links, {
        next: `${endpoint}?limit=3&max_id=${ids[2]}&types%5B%5D=mention`,
        prev: `${endpoint}?limit=3&min_id=${ids[0]}&types%5B%5D=mention`,
      });
      assert.deepEqual((await page(`types[]=mention&limit=3&max_id=${ids[2]}`)).ids, ids.slice(3, 6));
      // since_id: the newest items above the cursor; min_id: the items right after it.
      assert.deepEqual((await page(`types[]=mention&limit=2&since_id=${ids[6]}`)).ids, ids.slice(0, 2));
      assert.deepEqual((await page(`types[]=mention&limit=2&min_id=${ids[6]}`)).ids, ids.slice(4, 6));
      const empty = await page(`types[]=mention&min_id=${ids[0]}`);
      assert.deepEqual(empty, { ids: [], links: {} });

      const masto = restClient(instance, bot);
      const older: string[] = [];
      for await (const notifications of masto.v1.notifications.list({ types: ['mention'], limit: 3 })) older.push(...notifications.map((n) => n.id));
      assert.deepEqual(older, ids);
      const newer: string[][] = [];
      for await (const notifications of masto.v1.notifications.list({ types: ['mention'], limit: 2, minId: ids[6] }).setDirection('prev')) {
        newer.push(notifications.map((n) => n.id));
      }
      assert.deepEqual(newer, [ids.slice(4, 6), ids.slice(2, 4), ids.slice(0, 2), []]);
    });
  }

  it('caps limit at 80, defaults to 40 and keeps IDs beyond 2^53 exact', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t, { numericIdStart: 2n ** 53n + 1n });
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    for (let i = 0; i < 85; i += 1) instance.post(alice, { status: `@bot ${i}` });
    const count = async (query: string) => ((await (await api(instance, bot, `/api/v1/notifications${query}`)).json()) as unknown[]).length;
    assert.equal(await count(''), 40);
    assert.equal(await count('?limit=500'), 80);
    const newest = instance.notificationsFor('bot')[0]!.id;
    assert.equal(newest, String(2n ** 53n + 85n));
    const below = (await (await api(instance, bot, `/api/v1/notifications?limit=1&max_id=${newest}`)).json()) as Array<{ id: string }>;
    assert.equal(below[0]?.id, String(2n ** 53n + 84n));
  });
});

describe('ID styles', () => {
  const formats: Record<IdStyle, RegExp> = {
    numeric: /^\d+$/,
    flake: /^[0-9A-Za-z]{18}$/,
    ulid: /^[0-9A-HJKMNP-TV-Z]{26}$/,
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  };
  for (const [idStyle, format] of Object.entries(formats) as Array<[IdStyle, RegExp]>) {
    it(`issues ${idStyle} IDs, string-sortable where the style is`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const instance = await start(t, { idStyle });
      const alice = instance.createAccount('alice');
      const ids = Array.from({ length: 20 }, (_, i) => instance.post(alice, { status: `${i}` }).id);
      for (const id of ids) assert.match(id, format);
      assert.equal(new Set(ids).size, ids.length);
      if (idStyle === 'flake' || idStyle === 'ulid') assert.deepEqual([...ids].sort(), ids);
    });
  }
});

describe('streaming', () => {
  it('delivers a mention to masto’s user:notification subscription', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const { firstEvent } = await subscribeWithMasto(t, instance, bot);
    const status = instance.post(alice, { status: '@bot dig example.com' });
    const { value: event } = await firstEvent;
    assert.equal(event?.event, 'notification');
    assert.deepEqual(event?.stream, ['user:notification']);
    assert.equal(event?.event === 'notification' ? event.payload.status?.id : undefined, status.id);
    assert.equal(instance.requests.find((r) => r.websocket)?.headers['sec-websocket-protocol'], bot.token);
  });

  it('sends the payload as a JSON string, on ?stream= with the token in the query', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const socket = await openSocket(t, `${instance.streamingUrl}/api/v1/streaming?stream=user:notification&access_token=${bot.token}`);
    await instance.waitFor(() => instance.streamSubscriptions('bot').length === 1);
    const message = nextMessage(socket);
    instance.post(alice, { status: '@bot hi' });
    const { stream, event, payload } = await message;
    assert.deepEqual(stream, ['user:notification']);
    assert.equal(event, 'notification');
    assert.equal(typeof payload, 'string');
    const notification = JSON.parse(payload as string) as { type: string; account: { acct: string } };
    assert.equal(notification.type, 'mention');
    assert.equal(notification.account.acct, 'alice');
  });

  it('answers subscribe messages, refuses unknown streams and bad tokens, and reports health', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const socket = await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token] });
    const error = nextMessage(socket);
    socket.send(JSON.stringify({ type: 'subscribe', stream: 'hashtag:everything' }));
    assert.deepEqual(await error, { error: 'Unknown stream type', status: 400 });
    socket.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
    await instance.waitFor(() => instance.streamSubscriptions('bot').includes('user'));
    const update = nextMessage(socket);
    instance.post(bot, { status: 'my own post' });
    assert.equal((await update).event, 'update');
    const refused = await refusedHandshake(`${instance.streamingUrl}/api/v1/streaming`, ['wrong-token']);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['x-error-message'], 'Invalid access token');
    const health = await fetch(`${instance.url}/api/v1/streaming/health`);
    assert.equal(await health.text(), 'OK');
  });

  it('pings at the configured interval and terminates a socket that stops answering', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t, { pingIntervalMs: 100 });
    const bot = instance.createAccount('bot');
    const socket = await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token] });
    const pings: number[] = [];
    await new Promise<void>((resolve) => {
      socket.on('ping', () => {
        pings.push(performance.now());
        if (pings.length === 3) resolve();
      });
    });
    const gaps = pings.slice(1).map((time, i) => time - pings[i]!);
    for (const gap of gaps) assert.ok(gap >= 80 && gap < 1000, `ping gap ${gap} ms`);

    const silent = await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token], autoPong: false });
    const code = await new Promise<number>((resolve) => silent.once('close', resolve));
    assert.equal(code, 1006);
    assert.equal(socket.readyState, WebSocket.OPEN);
  });

  it('setPings(false) leaves open sockets half-dead while new ones work', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t, { pingIntervalMs: 50 });
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const url = `${instance.streamingUrl}/api/v1/streaming?stream=user:notification`;
    const stale = await openSocket(t, url, { protocols: [bot.token] });
    await instance.waitFor(() => instance.streamSubscriptions('bot').length === 1);
    instance.setPings(false);
    const heard: string[] = [];
    stale.on('ping', () => heard.push('ping'));
    stale.on('pong', () => heard.push('pong'));
    stale.on('message', () => heard.push('message'));
    stale.ping();
    const fresh = await openSocket(t, url, { protocols: [bot.token] });
    await instance.waitFor(() => instance.streamSubscriptions('bot').length === 2);
    const delivered = nextMessage(fresh);
    instance.post(alice, { status: '@bot are you there?' });
    assert.equal((await delivered).event, 'notification');
    // Four ping intervals of silence on the stale socket.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(heard, []);
    assert.equal(stale.readyState, WebSocket.OPEN);
    instance.setPings(true);
    await new Promise<void>((resolve) => stale.once('ping', () => resolve()));
  });

  it('dropStreams cuts connections and masto reconnects and resubscribes', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    const { firstEvent } = await subscribeWithMasto(t, instance, bot);
    const raw = await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token] });
    const rawClosed = new Promise<number>((resolve) => raw.once('close', resolve));
    instance.dropStreams();
    assert.equal(await rawClosed, 1006);
    await instance.waitFor(() => instance.openStreams('bot') === 0);
    // masto waits a second before reconnecting.
    await instance.waitFor(() => instance.streamSubscriptions('bot').includes('user:notification'), 5000);
    const status = instance.post(alice, { status: '@bot still there?' });
    const { value: event } = await firstEvent;
    assert.equal(event?.event === 'notification' ? event.payload.status?.id : undefined, status.id);
  });
});

describe('failures', () => {
  it('restart closes every connection, refuses connections while down and keeps all data on the same port', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const alice = instance.createAccount('alice');
    instance.post(alice, { status: '@bot before the restart' });
    const socket = await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token] });
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    const restarted = instance.restart({ downtimeMs: 100 });
    await assert.rejects(fetch(`${instance.url}/api/v2/instance`), (error: Error) => (error.cause as { code?: string }).code === 'ECONNREFUSED');
    assert.equal(await closed, 1006);
    await restarted;
    const notifications = await restClient(instance, bot).v1.notifications.list();
    assert.deepEqual(
      notifications.map((n) => n.status?.content),
      ['<p><span class="h-card" translate="no"><a href="https://dig.test/@bot" class="u-url mention">@<span>bot</span></a></span> before the restart</p>'],
    );
  });

  it('failNext answers with nginx’s 502 page, a 500 or a 429, only for matching requests', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const masto = restClient(instance, bot);
    instance.failNext(1, '502-html');
    // Without a pattern only REST requests fail; the streaming handshake goes through.
    assert.ok(await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token] }));
    const gateway = await api(instance, bot, '/api/v1/notifications');
    assert.equal(gateway.status, 502);
    assert.equal(gateway.headers.get('content-type'), 'text/html');
    assert.match(await gateway.text(), /<title>502 Bad Gateway<\/title>[\s\S]*<center>nginx<\/center>/);
    // masto 7.12 cannot read an HTML error body: the request rejects, but not with a MastoHttpError.
    instance.failNext(1, '502-html');
    await assert.rejects(
      async () => masto.v1.notifications.list(),
      (error: unknown) => !(error instanceof MastoHttpError),
    );
    assert.ok(await masto.v1.notifications.list());

    instance.failNext(2, '500', { method: 'POST', path: '/api/v1/statuses' });
    assert.equal((await api(instance, bot, '/api/v1/notifications')).status, 200);
    await assert.rejects(masto.v1.statuses.create({ status: 'one' }), (error: unknown) => error instanceof MastoHttpError && error.statusCode === 500);
    await assert.rejects(masto.v1.statuses.create({ status: 'two' }), (error: unknown) => error instanceof MastoHttpError && error.statusCode === 500);
    assert.ok((await masto.v1.statuses.create({ status: 'three' })).id);
    assert.deepEqual(
      instance.statusesBy('bot').map((s) => s.content),
      ['<p>three</p>'],
    );

    instance.failNext(1, '429', { path: /^\/api\/v1\/streaming/ });
    assert.equal((await refusedHandshake(`${instance.streamingUrl}/api/v1/streaming`, [bot.token])).status, 429);
    assert.ok(await openSocket(t, `${instance.streamingUrl}/api/v1/streaming`, { protocols: [bot.token] }));
  });

  it('sends X-RateLimit headers and throttles with 429 past the limit, without Retry-After', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t, { rateLimit: { limit: 3, windowMs: 3_600_000 } });
    const bot = instance.createAccount('bot');
    const responses = [];
    for (let i = 0; i < 4; i += 1) responses.push(await api(instance, bot, '/api/v1/accounts/verify_credentials'));
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 200, 429],
    );
    assert.deepEqual(
      responses.map((r) => r.headers.get('x-ratelimit-remaining')),
      ['2', '1', '0', '0'],
    );
    for (const response of responses) assert.equal(response.headers.get('x-ratelimit-limit'), '3');
    const reset = responses[3]!.headers.get('x-ratelimit-reset') ?? '';
    assert.match(reset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(Date.parse(reset) > Date.now() && Date.parse(reset) <= Date.now() + 3_600_000);
    assert.equal(responses[3]!.headers.get('retry-after'), null);
    assert.deepEqual(await responses[3]!.json(), { error: 'Too many requests' });
    const other = instance.createAccount('other');
    assert.equal((await api(instance, other, '/api/v1/accounts/verify_credentials')).status, 200);
  });

  it('rateLimitStorm throttles the next requests with a reset shortly ahead', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const bot = instance.createAccount('bot');
    const masto = restClient(instance, bot);
    instance.rateLimitStorm(2, 5000);
    const throttled = await api(instance, bot, '/api/v1/notifications');
    assert.equal(throttled.status, 429);
    const resetIn = Date.parse(throttled.headers.get('x-ratelimit-reset') ?? '') - Date.now();
    assert.ok(resetIn > 3000 && resetIn <= 5000, `reset in ${resetIn} ms`);
    await assert.rejects(
      async () => masto.v1.notifications.list(),
      (error: unknown) => error instanceof MastoHttpError && error.statusCode === 429 && error.message === 'Too many requests',
    );
    assert.deepEqual(await masto.v1.notifications.list(), []);
  });
});

describe('test helpers', () => {
  it('waitFor resolves with the first truthy value and rejects at its deadline', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const instance = await start(t);
    const alice = instance.createAccount('alice');
    setTimeout(() => instance.post(alice, { status: 'later' }), 30);
    const status = await instance.waitFor(() => instance.statusesBy('alice')[0]);
    assert.equal(status.content, '<p>later</p>');
    await assert.rejects(
      instance.waitFor(() => false, 50),
      /not met within 50 ms/,
    );
  });

  it('close frees the port', { timeout: TEST_TIMEOUT_MS }, async () => {
    const instance = await startMastodonInstance();
    await instance.close();
    const server = createTcpServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(instance.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
