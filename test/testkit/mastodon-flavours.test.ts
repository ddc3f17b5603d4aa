/**
 * The test instance's flavours (test/testkit/mastodon/flavours.ts): each
 * behaves over real HTTP as its server does where a bot can tell.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { flavours, startMastodonInstance, type Flavour, type MastodonInstance } from './mastodon-instance.ts';

// The bot's end-to-end suite runs once per flavour, a file each (the runner's time limit is per file): a new flavour needs its file.
it('every flavour has its end-to-end suite against the bot (test/bot/servers-<flavour>.test.ts)', () => {
  const missing = flavours.filter((flavour) => !existsSync(new URL(`../bot/servers-${flavour}.test.ts`, import.meta.url)));
  assert.deepEqual(missing, []);
});

const open: MastodonInstance[] = [];
after(async () => {
  await Promise.all(open.map((instance) => instance.close()));
});

async function start(flavour: Flavour): Promise<MastodonInstance> {
  const instance = await startMastodonInstance({ flavour, localDomain: 'dig.test' });
  open.push(instance);
  return instance;
}

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of every server's shape, read field by field by the assertions
  body: any;
}

async function call(
  instance: MastodonInstance,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** A bot and an asker, and `count` mentions of the bot, oldest first (their notification IDs). */
async function withMentions(flavour: Flavour, count: number) {
  const instance = await start(flavour);
  const bot = instance.createAccount('dig', { bot: true });
  const alice = instance.createAccount('alice');
  for (let i = 0; i < count; i += 1) instance.post(alice, { status: `@dig example.test A ${i}` });
  const ids = instance
    .notificationsFor('dig')
    .map((n) => n.id)
    .reverse();
  const page = async (query: string) => {
    const answer = await call(instance, bot.token, 'GET', `/api/v1/notifications${query}`);
    return { ...answer, ids: Array.isArray(answer.body) ? (answer.body as Array<{ id: string }>).map((n) => n.id) : [] };
  };
  return { instance, bot, alice, ids, page };
}

describe('flavour ids', () => {
  const patterns: Record<Flavour, { status: RegExp; notification: RegExp }> = {
    mastodon: { status: /^\d+$/, notification: /^\d+$/ },
    hollo: {
      status: /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      notification: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\/mention\/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    },
    gotosocial: { status: /^[0-9A-HJKMNP-TV-Z]{26}$/, notification: /^[0-9A-HJKMNP-TV-Z]{26}$/ },
    akkoma: { status: /^[0-9A-Za-z]{18}$/, notification: /^\d+$/ },
    sharkey: { status: /^[0-9a-z]{16}$/, notification: /^[0-9a-z]{16}$/ },
  };
  for (const flavour of flavours) {
    it(`${flavour}: statuses and notifications carry the server's IDs`, async () => {
      const { instance, ids } = await withMentions(flavour, 3);
      const status = instance.statusesBy('alice')[0];
      assert.match(status?.id ?? '', patterns[flavour].status);
      for (const id of ids) assert.match(id, patterns[flavour].notification);
      // Hollo's notification IDs embed the creation time.
      if (flavour === 'hollo') assert.equal(ids[0]?.split('/')[0], instance.notificationsFor('dig').at(-1)?.created_at);
    });
  }
});

describe('flavour notification paging', () => {
  it('mastodon: min_id gives the page right after it, newest first', async () => {
    const { ids, page } = await withMentions('mastodon', 5);
    assert.deepEqual((await page(`?min_id=${ids[0]}&limit=2`)).ids, [ids[2], ids[1]]);
    assert.deepEqual((await page(`?since_id=${ids[0]}&limit=2`)).ids, [ids[4], ids[3]]);
  });

  it('hollo: min_id acts as since_id (newest page), limit default 40 without a maximum', async () => {
    const { ids, page } = await withMentions('hollo', 85);
    assert.deepEqual((await page(`?min_id=${encodeURIComponent(ids[0] ?? '')}&limit=2`)).ids, [ids[84], ids[83]]);
    assert.deepEqual((await page(`?since_id=${encodeURIComponent(ids[0] ?? '')}&limit=2`)).ids, [ids[84], ids[83]]);
    assert.deepEqual((await page(`?max_id=${encodeURIComponent(ids[3] ?? '')}`)).ids, [ids[2], ids[1], ids[0]]);
    assert.equal((await page('')).ids.length, 40);
    assert.equal((await page('?limit=85')).ids.length, 85);
    // A bare UUID is no cursor: the newest page again.
    const bareUuid = ids[0]?.split('/').at(-1) ?? '';
    assert.deepEqual((await page(`?min_id=${bareUuid}&limit=1`)).ids, [ids[84]]);
  });

  it('gotosocial: Mastodon-like min_id, limit default 20 clamped to 1..80, bad limit 400', async () => {
    const { ids, page } = await withMentions('gotosocial', 85);
    assert.deepEqual((await page(`?min_id=${ids[0]}&limit=2`)).ids, [ids[2], ids[1]]);
    assert.deepEqual((await page(`?min_id=${ids[0]}&since_id=${ids[50]}&limit=2`)).ids, [ids[2], ids[1]]);
    assert.equal((await page('')).ids.length, 20);
    assert.equal((await page('?limit=0')).ids.length, 20);
    assert.equal((await page('?limit=200')).ids.length, 80);
    assert.deepEqual((await page('?limit=-3')).ids, [ids[84]]);
    const bad = await page('?limit=many');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'Bad Request: bad integer limit value' });
    // Only unknown types: no filter at all.
    assert.equal((await page('?types[]=nonsense&limit=3')).ids.length, 3);
  });

  it('akkoma: types[] ignored, include_types[] honoured, limit default 20 capped at 40', async () => {
    const { instance, bot, ids, page } = await withMentions('akkoma', 45);
    const bob = instance.createAccount('bob');
    instance.follow(bob, bot);
    const all = await page('?types[]=follow&limit=2');
    assert.deepEqual(
      all.body.map((n: { type: string }) => n.type),
      ['follow', 'mention'],
    );
    const follows = await page('?include_types[]=follow');
    assert.deepEqual(
      follows.body.map((n: { type: string }) => n.type),
      ['follow'],
    );
    assert.deepEqual((await page(`?min_id=${ids[0]}&limit=2`)).ids, [ids[2], ids[1]]);
    assert.equal((await page('')).ids.length, 20);
    assert.equal((await page('?limit=80')).ids.length, 40);
    // Integer IDs compare as numbers: "9" < "10".
    assert.ok(ids.some((id) => id.length === 1) && ids.some((id) => id.length === 2));
  });

  it('sharkey: min_id and since_id give the page after the cursor oldest first; limit 10, over 100 is 400', async () => {
    const { instance, bot, ids, page } = await withMentions('sharkey', 12);
    instance.follow(instance.createAccount('bob'), bot);
    const minPage = await page(`?min_id=${ids[0]}&limit=2`);
    assert.deepEqual(minPage.ids, [ids[1], ids[2]]);
    assert.match(minPage.headers.get('link') ?? '', new RegExp(`max_id=${ids[1]}>; rel="next".*min_id=${ids[2]}>; rel="prev"`));
    assert.deepEqual((await page(`?since_id=${ids[0]}&limit=2`)).ids, [ids[1], ids[2]]);
    assert.deepEqual((await page(`?max_id=${ids[5]}&limit=2`)).ids, [ids[4], ids[3]]);
    assert.deepEqual((await page(`?max_id=${ids[5]}&since_id=${ids[0]}&limit=2`)).ids, [ids[4], ids[3]]);
    const newest = await page('');
    assert.deepEqual(newest.ids, ids.slice(2).reverse());
    // types[] is ignored, and the follow (no status) is never listed.
    const typed = await page('?types[]=follow');
    assert.equal(typed.ids.length, 10);
    assert.ok(typed.body.every((n: { type: string }) => n.type === 'mention'));
    assert.equal((await page('?limit=100')).ids.length, 12);
    const tooMany = await page('?limit=101');
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error, 'INVALID_PARAM');
  });
});

describe('flavour instance and nodeinfo', () => {
  const software: Record<Flavour, [string, string]> = {
    mastodon: ['mastodon', '4.3.0'],
    hollo: ['hollo', '0.10.0'],
    gotosocial: ['gotosocial', '0.20.0+git-abc1234'],
    akkoma: ['akkoma', '3.16.0'],
    sharkey: ['sharkey', '2025.5.2'],
  };
  for (const flavour of flavours) {
    it(`${flavour}: nodeinfo names the software`, async () => {
      const instance = await start(flavour);
      const index = await call(instance, undefined, 'GET', '/.well-known/nodeinfo');
      assert.deepEqual(index.body, { links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${instance.url}/nodeinfo/2.1` }] });
      const document = await call(instance, undefined, 'GET', '/nodeinfo/2.1');
      assert.equal(document.body.version, '2.1');
      assert.deepEqual([document.body.software.name, document.body.software.version], software[flavour]);
    });
  }

  it('hollo: version 0.10.0, v1 urls {}, v2 without configuration.urls, 10000 characters', async () => {
    const instance = await start('hollo');
    const v1 = (await call(instance, undefined, 'GET', '/api/v1/instance')).body;
    const v2 = (await call(instance, undefined, 'GET', '/api/v2/instance')).body;
    assert.equal(v1.version, '0.10.0');
    assert.deepEqual(v1.urls, {});
    assert.equal(v1.configuration.statuses.max_characters, 10_000);
    assert.equal(v2.version, '0.10.0');
    assert.equal('urls' in v2.configuration, false);
    assert.equal(v2.configuration.statuses.max_characters, 10_000);
    assert.equal(instance.streamingUrl, undefined);
  });

  it('gotosocial: git version, streaming URLs in v1 and v2, 5000 characters', async () => {
    const instance = await start('gotosocial');
    const v1 = (await call(instance, undefined, 'GET', '/api/v1/instance')).body;
    const v2 = (await call(instance, undefined, 'GET', '/api/v2/instance')).body;
    assert.equal(v1.version, '0.20.0+git-abc1234');
    assert.equal(v1.max_toot_chars, 5000);
    assert.equal(v1.urls.streaming_api, instance.streamingUrl);
    assert.equal(v2.configuration.urls.streaming, instance.streamingUrl);
    assert.equal(v2.configuration.statuses.max_characters, 5000);
  });

  it('akkoma: no v2 (404 Not implemented), v1 with max_toot_chars and pleroma.metadata', async () => {
    const instance = await start('akkoma');
    const v2 = await call(instance, undefined, 'GET', '/api/v2/instance');
    assert.equal(v2.status, 404);
    assert.deepEqual(v2.body, { error: 'Not implemented' });
    const v1 = (await call(instance, undefined, 'GET', '/api/v1/instance')).body;
    assert.equal(v1.version, '2.7.2 (compatible; Akkoma 3.16.0)');
    assert.equal(v1.max_toot_chars, 5000);
    assert.equal('configuration' in v1, false);
    assert.equal(v1.urls.streaming_api, instance.streamingUrl);
    assert.ok(v1.pleroma.metadata.post_formats.includes('text/markdown'));
    assert.ok(v1.pleroma.metadata.features.includes('pleroma:api/v1/notifications:include_types_filter'));
  });

  it('sharkey: "like Akkoma" version, 3000 characters, Misskey streaming URL', async () => {
    const instance = await start('sharkey');
    const v1 = (await call(instance, undefined, 'GET', '/api/v1/instance')).body;
    const v2 = (await call(instance, undefined, 'GET', '/api/v2/instance')).body;
    assert.equal(v1.version, '3.0.0 (compatible; Sharkey 2025.5.2; like Akkoma)');
    assert.equal(v2.version, v1.version);
    assert.equal(v1.configuration.statuses.max_characters, 3000);
    assert.equal(v1.urls.streaming_api, `ws://127.0.0.1:${instance.port}/streaming`);
    assert.equal(v2.configuration.urls.streaming, v1.urls.streaming_api);
    assert.equal(instance.streamingUrl, undefined);
  });
});

/** Opens a Mastodon user:notification stream; resolves with the first event, or 'open-silent' / an HTTP status. */
function firstStreamEvent(url: string, token: string, onOpen: () => void, waitMs = 400): Promise<string | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url}?stream=user:notification&access_token=${token}`);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve('open-silent');
    }, waitMs);
    socket.on('open', onOpen);
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve((JSON.parse(String(data)) as { event: string }).event);
    });
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => undefined);
  });
}

describe('flavour streaming', () => {
  for (const flavour of ['mastodon', 'gotosocial', 'akkoma'] as const) {
    it(`${flavour}: the Mastodon streaming API delivers notifications`, async () => {
      const instance = await start(flavour);
      const bot = instance.createAccount('dig', { bot: true });
      const alice = instance.createAccount('alice');
      assert.ok(instance.streamingUrl);
      const event = await firstStreamEvent(
        `${instance.streamingUrl}/api/v1/streaming`,
        bot.token,
        () => instance.post(alice, { status: '@dig example.test' }),
        2000,
      );
      assert.equal(event, 'notification');
    });
  }

  it('hollo: no streaming server at all', async () => {
    const instance = await start('hollo');
    const bot = instance.createAccount('dig', { bot: true });
    assert.equal(await firstStreamEvent(`ws://127.0.0.1:${instance.port}/api/v1/streaming`, bot.token, () => undefined), 404);
    assert.equal((await call(instance, undefined, 'GET', '/api/v1/streaming/health')).status, 404);
  });

  it('sharkey: the advertised and the Mastodon paths take the socket but never speak Mastodon', async () => {
    const instance = await start('sharkey');
    const bot = instance.createAccount('dig', { bot: true });
    const alice = instance.createAccount('alice');
    const advertised = (await call(instance, undefined, 'GET', '/api/v1/instance')).body.urls.streaming_api as string;
    for (const url of [advertised, `ws://127.0.0.1:${instance.port}/api/v1/streaming`]) {
      const event = await firstStreamEvent(url, bot.token, () => instance.post(alice, { status: '@dig example.test' }));
      assert.equal(event, 'open-silent');
    }
    assert.equal(instance.notificationsFor('dig').length, 2);
    assert.equal((await call(instance, undefined, 'GET', '/api/v1/streaming/health')).status, 404);
  });
});

const REPLY = '@alice@dig.test example.test MX\nexample.com *x* _y_ #dns https://a.example.org/x\n`@alice@dig.test #code`';

async function reply(flavour: Flavour, params: Record<string, unknown> = {}) {
  const instance = await start(flavour);
  const bot = instance.createAccount('dig', { bot: true });
  const alice = instance.createAccount('alice');
  const question = instance.post(alice, { status: '@dig example.test MX' });
  const answer = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: REPLY, in_reply_to_id: question.id, visibility: 'public', ...params });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return { instance, question, status: answer.body };
}

describe('flavour rendering', () => {
  it('hollo: markdown (emphasis, fuzzy links, code untouched), single newlines without <br>', async () => {
    const { question, status } = await reply('hollo', { content_type: 'text/plain' });
    assert.equal(
      question.content,
      '<p><a translate="no" class="h-card u-url mention" href="https://dig.test/@dig">@<span>dig</span></a> example.test MX</p>\n',
    );
    assert.deepEqual(
      question.mentions.map((m) => m.acct),
      ['dig'],
    );
    assert.match(
      status.content,
      /^<p><a translate="no" class="h-card u-url mention" href="https:\/\/dig.test\/@alice">@<span>alice<\/span><\/a> example.test MX\n/,
    );
    assert.ok(status.content.includes('<a href="http://example.com">example.com</a>'));
    assert.ok(status.content.includes('<em>x</em> <em>y</em>'));
    assert.ok(status.content.includes('<code>@alice@dig.test #code</code>'));
    assert.ok(!status.content.includes('<br'));
    assert.ok(!status.content.includes('href="http://example.test'));
    assert.deepEqual(
      status.mentions.map((m: { acct: string }) => m.acct),
      ['alice'],
    );
    assert.deepEqual(
      status.tags.map((t: { name: string }) => t.name),
      ['dns'],
    );
  });

  it('hollo: a bare @user in a reply is no mention (Hollo needs @user@domain)', async () => {
    const instance = await start('hollo');
    const bot = instance.createAccount('dig', { bot: true });
    instance.createAccount('alice');
    const answer = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: '@alice hello' });
    assert.deepEqual(answer.body.mentions, []);
    assert.equal(answer.body.content, '<p>@alice hello</p>\n');
    assert.equal(instance.notificationsFor('alice').length, 0);
  });

  it('gotosocial: plain text in one <p> with <br>, *x* literal, bare host not linked; markdown on request', async () => {
    const { question, status } = await reply('gotosocial');
    assert.equal(
      question.content,
      '<p><span class="h-card"><a href="https://dig.test/@dig" class="u-url mention" rel="nofollow noreferrer noopener" target="_blank">@<span>dig</span></a></span> example.test MX</p>',
    );
    assert.equal(status.content.match(/<p>/g)?.length, 1);
    assert.equal(status.content.match(/<br>/g)?.length, 2);
    assert.ok(status.content.includes('<br>example.com *x* _y_ <a href="https://dig.test/tags/dns" class="mention hashtag"'));
    assert.ok(status.content.includes('<a href="https://a.example.org/x" rel="nofollow noreferrer noopener" target="_blank">https://a.example.org/x</a>'));
    assert.deepEqual(
      status.tags.map((t: { name: string }) => t.name),
      ['dns', 'code'],
    );
    const markdown = await reply('gotosocial', { content_type: 'text/markdown' });
    assert.ok(markdown.status.content.includes('<em>x</em>'));
    assert.ok(markdown.status.content.includes('<code>@alice@dig.test #code</code>'));
    assert.deepEqual(
      markdown.status.tags.map((t: { name: string }) => t.name),
      ['dns'],
    );
    assert.deepEqual(
      markdown.status.mentions.map((m: { acct: string }) => m.acct),
      ['alice'],
    );
  });

  it('akkoma: plain text with <br> and no <p>, bare real-TLD hosts linked, .test not', async () => {
    const { question, status } = await reply('akkoma');
    assert.match(
      question.content,
      /^<span class="h-card"><a class="u-url mention" data-user="[^"]+" href="https:\/\/dig.test\/users\/dig" rel="ugc">@<span>dig<\/span><\/a><\/span> example.test MX$/,
    );
    assert.ok(!status.content.includes('<p>'));
    assert.equal(status.content.match(/<br>/g)?.length, 2);
    assert.ok(status.content.includes('<a href="http://example.com" rel="ugc">example.com</a> *x* _y_'));
    assert.ok(!status.content.includes('http://example.test'));
    assert.ok(status.content.includes('<a class="hashtag" data-tag="dns" href="https://dig.test/tag/dns" rel="tag ugc">#dns</a>'));
    assert.deepEqual(
      status.mentions.map((m: { acct: string }) => m.acct),
      ['alice'],
    );
  });

  it('sharkey: MFM in one <p>, markers kept as text, <plain> and code literal, bare hosts not linked', async () => {
    const { question, status } = await reply('sharkey');
    // A local mention stays text, yet it is a mention.
    assert.equal(question.content, '<p><span>@dig</span> example.test MX</p>');
    assert.deepEqual(
      question.mentions.map((m) => m.acct),
      ['dig'],
    );
    assert.equal(status.content.match(/<p>/g)?.length, 1);
    assert.ok(status.content.includes('<span> example.test MX<br>example.com </span><span>*x*</span> <span>*y*</span>'));
    assert.ok(status.content.includes('<a href="https://dig.test/tags/dns" rel="tag" class="hashtag">#dns</a>'));
    assert.ok(status.content.includes('<a rel="nofollow noopener noreferrer" target="_blank" href="https://a.example.org/x">a.example.org/x</a>'));
    assert.ok(status.content.includes('<code>@alice@dig.test #code</code>'));
    assert.deepEqual(
      status.tags.map((t: { name: string }) => t.name),
      ['dns'],
    );
    const instance = await start('sharkey');
    const bot = instance.createAccount('dig', { bot: true });
    const plain = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: '<plain>**b** #no</plain>\n```\n*z* @dig\n```' });
    assert.equal(plain.body.content, '<p><span>**b** #no</span><pre><code>*z* @dig</code></pre></p>');
    assert.deepEqual(plain.body.tags, []);
    assert.deepEqual(plain.body.mentions, []);
  });

  it('mastodon: unchanged, <br /> line breaks and no bare-host links', async () => {
    const { status } = await reply('mastodon');
    assert.equal(status.content.match(/<br \/>/g)?.length, 2);
    assert.ok(status.content.includes('example.com *x* _y_'));
  });
});

describe('flavour length limits', () => {
  async function post(flavour: Flavour, text: string, extra: Record<string, unknown> = {}) {
    const instance = await start(flavour);
    const bot = instance.createAccount('dig', { bot: true });
    return call(instance, bot.token, 'POST', '/api/v1/statuses', { status: text, ...extra });
  }

  it('mastodon counts a URL as 23; gotosocial counts it whole and answers 400', async () => {
    const text = `${'a'.repeat(4960)} https://example.org/${'p'.repeat(60)}`;
    assert.equal((await post('gotosocial', 'a'.repeat(5000))).status, 200);
    const tooLong = await post('gotosocial', text);
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.body, { error: 'Bad Request: text with spoiler exceed max chars (5000)' });
    assert.equal((await post('gotosocial', 'a'.repeat(4990), { spoiler_text: 'b'.repeat(11) })).status, 400);
  });

  it('akkoma: 422 over 5000 characters', async () => {
    assert.equal((await post('akkoma', 'a'.repeat(5000))).status, 200);
    const tooLong = await post('akkoma', `${'a'.repeat(4990)} https://example.org/`);
    assert.equal(tooLong.status, 422);
    assert.deepEqual(tooLong.body, { error: 'The status is over the character limit' });
  });

  it('sharkey: UTF-16 units, 400 MAX_LENGTH over 3000', async () => {
    assert.equal((await post('sharkey', '😀'.repeat(1500))).status, 200);
    const tooLong = await post('sharkey', '😀'.repeat(1501));
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.body, { error: 'MAX_LENGTH', error_description: 'You tried posting a note which is too long.' });
  });

  it('hollo: no length check at all', async () => {
    const answer = await post('hollo', 'a'.repeat(20_000));
    assert.equal(answer.status, 200);
  });
});

describe('flavour Idempotency-Key', () => {
  const honoured: Record<Flavour, boolean> = { mastodon: true, hollo: true, akkoma: true, gotosocial: false, sharkey: false };
  for (const flavour of flavours) {
    it(`${flavour}: ${honoured[flavour] ? 'a retry returns the first status' : 'a retry posts again'}`, async () => {
      const instance = await start(flavour);
      const bot = instance.createAccount('dig', { bot: true });
      const headers = { 'Idempotency-Key': 'retry-1' };
      const first = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'answer' }, headers);
      const second = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'answer' }, headers);
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.equal(first.body.id === second.body.id, honoured[flavour]);
      assert.equal(instance.statusesBy('dig').length, honoured[flavour] ? 1 : 2);
    });
  }
});

describe('flavour visibilities', () => {
  it('gotosocial: mutuals_only shows as private; no visibility means unlisted', async () => {
    const instance = await start('gotosocial');
    const bot = instance.createAccount('dig', { bot: true });
    assert.equal((await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'a', visibility: 'mutuals_only' })).body.visibility, 'private');
    assert.equal((await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'b' })).body.visibility, 'unlisted');
    const bad = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'c', visibility: 'local' });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body, { error: 'Unprocessable Entity: invalid visibility' });
  });

  it('akkoma: local is a visibility; replies to direct must be direct (422)', async () => {
    const instance = await start('akkoma');
    const bot = instance.createAccount('dig', { bot: true });
    const alice = instance.createAccount('alice');
    assert.equal((await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'a', visibility: 'local' })).body.visibility, 'local');
    const dm = instance.post(alice, { status: '@dig example.test', visibility: 'direct' });
    const wrong = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: '@alice hi', in_reply_to_id: dm.id, visibility: 'public' });
    assert.equal(wrong.status, 422);
    assert.deepEqual(wrong.body, { error: 'The message visibility must be direct' });
    // Without a visibility the reply inherits the parent's.
    assert.equal((await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: '@alice hi', in_reply_to_id: dm.id })).body.visibility, 'direct');
  });

  it('sharkey: replies to direct must be direct (400); the replied-to author is always mentioned', async () => {
    const instance = await start('sharkey');
    const bot = instance.createAccount('dig', { bot: true });
    const alice = instance.createAccount('alice');
    const dm = instance.post(alice, { status: '@dig example.test', visibility: 'direct' });
    const wrong = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'hi', in_reply_to_id: dm.id, visibility: 'public' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY');
    const right = await call(instance, bot.token, 'POST', '/api/v1/statuses', { status: 'hi', in_reply_to_id: dm.id, visibility: 'direct' });
    assert.equal(right.body.visibility, 'direct');
    assert.deepEqual(
      right.body.mentions.map((m: { acct: string }) => m.acct),
      ['alice'],
    );
    assert.equal(instance.notificationsFor('alice').length, 1);
  });
});

describe('flavour rate limits', () => {
  for (const [flavour, body, headers] of [
    ['mastodon', { error: 'Too many requests' }, true],
    ['gotosocial', { error: 'rate limit reached' }, true],
    ['akkoma', { error: 'Throttled' }, false],
    ['sharkey', { error: 'RATE_LIMIT_EXCEEDED', error_description: 'Rate limit exceeded. Please try again later.' }, false],
  ] as const) {
    it(`${flavour}: 429 ${headers ? 'with' : 'without'} X-RateLimit-* headers`, async () => {
      const instance = await start(flavour);
      const bot = instance.createAccount('dig', { bot: true });
      instance.failNext(1, '429');
      const throttled = await call(instance, bot.token, 'GET', '/api/v1/accounts/verify_credentials');
      assert.equal(throttled.status, 429);
      assert.deepEqual(throttled.body, body);
      assert.equal(throttled.headers.has('x-ratelimit-reset'), headers);
      const normal = await call(instance, bot.token, 'GET', '/api/v1/accounts/verify_credentials');
      assert.equal(normal.status, 200);
      assert.equal(normal.headers.has('x-ratelimit-remaining'), headers);
      instance.rateLimitStorm(1);
      assert.equal((await call(instance, bot.token, 'GET', '/api/v1/accounts/verify_credentials')).headers.has('x-ratelimit-limit'), headers);
    });
  }
});
