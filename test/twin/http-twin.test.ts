import assert from 'node:assert/strict';
import { recordingLogger } from '../testkit/bot/log-events.ts';
import { after, before, describe, it } from 'node:test';
import { CymruSource } from '../../lib/bgp/sources/cymru-source.ts';
import { readEngineConfig } from '../../lib/engine/config.ts';
import { clientKey, createHttpTwin, HttpTwinError, type HttpTwin } from '../../lib/twin/http-twin.ts';
import { LookingGlass } from '../../lib/engine/looking-glass.ts';
import { questionFromPath, type QuestionPath } from '../../lib/engine/question/path-question.ts';
import type { Question } from '../../lib/engine/question/question.ts';
import { UpstreamResolver } from '../../lib/dns/upstream-resolver.ts';
import { parseUpstream } from '../../lib/dns/upstream.ts';
import { startDnsTestServer, type DnsTestServer } from '../testkit/dns/dns-test-server.ts';

const plain = 'text/plain; charset=utf-8';
const json = { accept: 'application/json' };

describe('the HTTP twin in front of the real engine', () => {
  let dns: DnsTestServer;
  let engine: LookingGlass;
  let twin: HttpTwin;
  let base: string;
  const health = { ok: true, reason: '' };
  const get = (path: string, init?: RequestInit) => fetch(base + path, init);

  before(async () => {
    dns = await startDnsTestServer();
    const resolver = new UpstreamResolver([parseUpstream(dns.address)], 2000);
    engine = new LookingGlass(readEngineConfig({ DNS_UPSTREAM: dns.address }), { bgp: new CymruSource({ resolver }), resolvers: new Map([['', resolver]]) });
    twin = createHttpTwin({ engine, health: () => health, rateLimit: { count: 1000, windowMs: 60_000 } });
    const { host, port } = await twin.listen('127.0.0.1', 0);
    assert.equal(host, '127.0.0.1');
    base = `http://${host}:${port}`;
  });
  after(async () => {
    await twin.close();
    await dns.close();
  });

  it('answers /dns/NAME/TYPE as plain text, the lines of the bot’s answer', async () => {
    const response = await get('/dns/example.test/MX');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), plain);
    const lines = (await response.text()).split('\n');
    assert.equal(lines[0], '🔎 example.test MX');
    assert.ok(lines.includes('example.test. 3600 MX 10 mail.example.test.'), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith(`📡 ${dns.address} (UDP)`)));
    assert.ok(!lines.some((line) => line.includes('@')), 'no mention in front');
  });

  it('asks A when no type is given, and several types joined by + or a comma', async () => {
    assert.match(await (await get('/dns/example.test')).text(), /^example\.test\. 300 A 192\.0\.2\.1$/m);
    for (const path of ['/dns/example.test/A+AAAA', '/dns/example.test/a,aaaa']) {
      const text = await (await get(path)).text();
      assert.match(text, /^🔎 example\.test A AAAA$/m, path);
      assert.match(text, /^example\.test\. 300 AAAA 2001:db8::1$/m, path);
    }
  });

  it('answers JSON when asked: the parsed question and the lines', async () => {
    const response = await get('/dns/example.test/MX', { headers: json });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(response.headers.get('vary'), 'Accept');
    const body = (await response.json()) as { question: Record<string, unknown>; lines: string[] };
    assert.deepEqual(body.question, { kind: 'dns', name: { ascii: 'example.test', unicode: 'example.test' }, types: [15], dig: {} });
    assert.ok(body.lines.includes('example.test. 3600 MX 20 backup.example.test.'));
  });

  it('compares every resolver with ?compare, as text and as JSON', async () => {
    const resolver = new UpstreamResolver([parseUpstream(dns.address)], 2000);
    const resolvers = new Map([
      ['', resolver],
      ['second', resolver],
    ]);
    const comparing = createHttpTwin({
      engine: new LookingGlass(readEngineConfig({ DNS_UPSTREAM: dns.address }), { resolvers }),
      health: () => health,
      rateLimit: { count: 2, windowMs: 60_000 },
    });
    const { port } = await comparing.listen('127.0.0.1', 0);
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/dns/example.test/A?compare`)).text();
      assert.match(text, /^🔎 example\.test A, compared across 2 resolvers\n✅ All 2 agree: NOERROR, not validated \(no AD\)\n192\.0\.2\.1$/m);
      const response = await fetch(`http://127.0.0.1:${port}/dns/example.test/A?compare`, { headers: json });
      assert.equal(response.status, 429, 'the first comparison asked 2 resolvers: both questions the client had');
      await response.body?.cancel();
    } finally {
      await comparing.close();
    }
  });

  it('shows the address of a reverse question in JSON as bytes', async () => {
    const body = (await (await get('/dns/192.0.2.1', { headers: json })).json()) as { question: { address: unknown }; lines: string[] };
    assert.deepEqual(body.question.address, { version: 4, bytes: [192, 0, 2, 1] });
    assert.ok(body.lines.includes('1.2.0.192.in-addr.arpa. 3600 PTR example.test.'));
  });

  it('reads an IDN sent as percent-encoded UTF-8', async () => {
    const response = await get('/dns/caf%C3%A9.example.test');
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /^🔎 café\.example\.test \(xn--caf-dma\.example\.test\) A$/m);
    assert.match(text, /192\.0\.2\.7/);
  });

  it('takes a prefix with its slash, an address and an AS number under /bgp/', async () => {
    const prefix = await get('/bgp/192.0.2.0/24', { headers: json });
    assert.equal(prefix.status, 200);
    const body = (await prefix.json()) as { question: unknown; lines: string[] };
    assert.deepEqual(body.question, { kind: 'bgp', query: { kind: 'prefix', prefix: '192.0.2.0', length: 24 } });
    assert.match(body.lines[0], /^🛰 192\.0\.2\.0\/24 is in 192\.0\.2\.0\/24, documentation/);
    assert.match(await (await get('/bgp/8.8.8.8')).text(), /^8\.8\.8\.0\/24 announced by AS15169 GOOGLE/m);
    assert.match(await (await get('/bgp/AS15169')).text(), /AS15169: GOOGLE - Google LLC, US/);
  });

  it('answers 400 with the engine’s words for a name it cannot read', async () => {
    const response = await get('/dns/a..b.example');
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), plain);
    assert.match(await response.text(), /^🤔 I could not read that: the name “a\.\.b\.example” has an empty label/);
    const asJson = (await (await get('/dns/a..b.example', { headers: json })).json()) as { question: { kind: string } };
    assert.equal(asJson.question.kind, 'invalid');
  });

  it('answers 400 for a path that would say more, or something else, than it shows', async () => {
    const spaced = await get('/dns/example.test%20bgp');
    assert.equal(spaced.status, 400);
    assert.match(await spaced.text(), /cannot contain spaces/);
    const help = await get('/dns/help');
    assert.equal(help.status, 400);
    assert.doesNotMatch(await help.text(), /Mention me/);
    assert.equal((await get('/dns/example.test/MX+')).status, 400);
    assert.equal((await get('/dns/%E0%A4%A')).status, 400);
    // dig's options in a segment would ask what the path does not show: a trace costs several questions.
    for (const path of ['/dns/%2Btrace/example.test', '/dns/example.test/%2Btrace', '/dns/-x/192.0.2.1', '/dns/%40192.0.2.53/example.test']) {
      const response = await get(path);
      assert.equal(response.status, 400, path);
      assert.match(await response.text(), /cannot start with \+, - or @/, path);
    }
  });

  it('answers 404 with how to ask for paths it does not know', async () => {
    for (const path of ['/', '/nope', '/dns/', '/dns/example.test/A/extra', '/bgp/192.0.2.0/24/8', '/DNS/example.test']) {
      const response = await get(path);
      assert.equal(response.status, 404, path);
      assert.match(await response.text(), /GET \/dns\/NAME\/TYPE/, path);
    }
  });

  it('answers 405 with Allow to other methods', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await get('/dns/example.test', { method, body: method === 'DELETE' ? undefined : 'x' });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
    }
  });

  it('answers 414 to a URL over 2 kB', async () => {
    const response = await get(`/dns/${'a.'.repeat(1100)}example`);
    assert.equal(response.status, 414);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await get('/dns/example.test', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), plain);
    assert.ok(Number(head.headers.get('content-length')) > 20);
    assert.equal(await head.text(), '');
    assert.equal((await get('/dns/a..b.example', { method: 'HEAD' })).status, 400);
  });

  it('answers /healthz with ok, or 503 and the reason', async () => {
    const ok = await get('/healthz');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), plain);
    assert.equal(await ok.text(), 'ok\n');
    health.ok = false;
    health.reason = 'no heartbeat from the worker for 95 s';
    try {
      const down = await get('/healthz');
      assert.equal(down.status, 503);
      assert.equal(await down.text(), 'no heartbeat from the worker for 95 s\n');
    } finally {
      health.ok = true;
    }
  });
});

describe('the HTTP twin’s limits and failures', () => {
  /** An engine that reads a path as the real one does, and answers with `answer`. */
  const engineAnswering = (answer: (question: Question) => Promise<{ question: Question; lines: { text: string }[] }>) => ({
    readPath: (path: QuestionPath) => questionFromPath(path, { profiles: [], maxTypes: 5 }),
    costOf: () => 1,
    answerQuestion: answer,
  });
  const unused = engineAnswering(() => Promise.reject(new Error('the engine should not be asked')));
  const healthy = () => ({ ok: true, reason: '' });

  it('answers 429 with Retry-After once a client used its share, and still answers /healthz', async () => {
    const asked: string[] = [];
    const engine = engineAnswering(async (question) => {
      asked.push(question.kind === 'dns' ? question.name.ascii : question.kind);
      return { question, lines: [{ text: 'answer' }] };
    });
    const twin = createHttpTwin({ engine, health: healthy, rateLimit: { count: 2, windowMs: 60_000 } });
    const { port } = await twin.listen('127.0.0.1', 0);
    try {
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      assert.equal((await get('/dns/example.test')).status, 200);
      assert.equal((await get('/nope')).status, 404);
      const limited = await get('/dns/example.test');
      assert.equal(limited.status, 429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
      assert.match(await limited.text(), /Too many questions/);
      assert.deepEqual(asked, ['example.test'], 'the engine was not asked over the limit');
      for (let i = 0; i < 5; i++) assert.equal((await get('/healthz')).status, 200);
    } finally {
      await twin.close();
    }
  });

  it('answers 500 without details when the engine fails, and logs why', async () => {
    const { logger, named } = recordingLogger();
    const engine = engineAnswering(() => Promise.reject(new Error('resolver exploded')));
    const twin = createHttpTwin({ engine, health: healthy, rateLimit: { count: 10, windowMs: 1000 }, logger });
    const { port } = await twin.listen('127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/dns/example.test`);
      assert.equal(response.status, 500);
      assert.doesNotMatch(await response.text(), /exploded/);
      const [event] = named('http-twin-error');
      assert.deepEqual([event?.method, event?.url, event?.error, event?.errorType], ['GET', '/dns/example.test', 'resolver exploded', 'Error']);
      assert.match(String(event?.stack), /^Error: resolver exploded\n\s+at /);
    } finally {
      await twin.close();
    }
  });

  it('refuses to listen without a host', async () => {
    const twin = createHttpTwin({ engine: unused, health: healthy, rateLimit: { count: 1, windowMs: 1000 } });
    await assert.rejects(twin.listen('', 0), HttpTwinError);
    await assert.rejects(twin.listen('  ', 0), HttpTwinError);
    await twin.close();
  });

  it('refuses a rate limit that lets nothing through', () => {
    assert.throws(() => createHttpTwin({ engine: unused, health: healthy, rateLimit: { count: 0, windowMs: 1000 } }), HttpTwinError);
    assert.throws(() => createHttpTwin({ engine: unused, health: healthy, rateLimit: { count: 5, windowMs: 0 } }), HttpTwinError);
  });

  it('closes with a keep-alive connection still open', async () => {
    const engine = engineAnswering(async (question) => ({ question, lines: [{ text: 'answer' }] }));
    const twin = createHttpTwin({ engine, health: healthy, rateLimit: { count: 10, windowMs: 1000 } });
    const { port } = await twin.listen('127.0.0.1', 0);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/dns/example.test`)).text(), 'answer\n');
    await twin.close();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });
});

describe('clientKey', () => {
  it('counts an IPv4 client by its address, also when it arrives IPv4-mapped', () => {
    assert.equal(clientKey('192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7');
  });

  it('counts an IPv6 client by its /64', () => {
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2:bbbb::2'), '2001:db8:1:2::/64');
    assert.notEqual(clientKey('2001:db8:1:3::1'), clientKey('2001:db8:1:2::1'));
  });
});
