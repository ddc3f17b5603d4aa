/**
 * The engine's whois answers to what goes wrong — errors, redirects, slow
 * and hostile servers — in one process: the engine is the real LookingGlass
 * with its RDAP client from openWhois, whose guarded fetch is given the
 * test's CA (the one thing a test in one process cannot set through
 * NODE_EXTRA_CA_CERTS); the RDAP and DNS servers are the loopback ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWhois } from '../../lib/engine/ask-whois.ts';
import { readEngineConfig } from '../../lib/engine/config.ts';
import { LookingGlass } from '../../lib/engine/looking-glass.ts';
import { silentLogger } from '../../lib/ops/logger.ts';
import { createHttpTwin } from '../../lib/twin/http-twin.ts';
import { startDnsTestServer, type DnsTestServer } from '../testkit/dns/dns-test-server.ts';
import { HOSTILE_NAMES, PRIVATE_DATA, serveRegistries } from '../testkit/rdap/rdap-registries.ts';
import { startRdapServer, writeBootstrapDir, type RdapTestServer } from '../testkit/rdap/rdap-server.ts';
import { waitFor } from '../testkit/wait-for.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

describe('whois answers to failures and hostile servers', { timeout: 60_000 }, () => {
  let rdap: RdapTestServer;
  let dns: DnsTestServer;
  const dir = temporaryFolder('fedidig-whois-');
  const engines: LookingGlass[] = [];

  before(async () => {
    rdap = await startRdapServer();
    dns = await startDnsTestServer();
    writeBootstrapDir(dir(), serveRegistries(rdap));
  });
  after(async () => {
    for (const glass of engines) glass.close();
    await rdap.close();
    dns.close();
  });

  async function engine(env: Record<string, string> = {}): Promise<LookingGlass> {
    const config = readEngineConfig({ DNS_UPSTREAM: dns.address, RDAP_BOOTSTRAP_DIR: dir(), RDAP_ALLOW_PRIVATE: 'true', RDAP_TIMEOUT_MS: '8000', ...env });
    const whois = await openWhois(config.rdap, { logger: silentLogger(), ca: rdap.ca.caPem });
    engines.push(new LookingGlass(config, { whois }));
    return engines.at(-1)!;
  }

  /** The answer's lines after the head line, as text. */
  async function answer(glass: LookingGlass, question: string): Promise<string> {
    const { lines } = await glass.answer(question);
    assert.equal(lines[0]?.text.startsWith('🪪 '), true, `a whois head line: ${lines[0]?.text}`);
    const text = lines.map((line) => line.text).join('\n');
    for (const secret of PRIVATE_DATA) assert.ok(!text.includes(secret), `“${secret}” was posted:\n${text}`);
    return lines
      .slice(1)
      .map((line) => line.text)
      .join('\n');
  }

  it('says in one sentence what each failure is', async () => {
    const glass = await engine({ RDAP_TIMEOUT_MS: '1000' });
    const expected: [string, string][] = [
      [
        'whois x.plain',
        'No RDAP service for .plain over https (only plain http is listed, which I do not use) in the IANA bootstrap registries, so I cannot say who holds it.',
      ],
      ['whois nothere.test', 'The registry has no record of nothere.test (404).'],
      ['whois busy.test', 'The registry (127.0.0.1) asks us to slow down (HTTP 429), for 30 s. Try again later.'],
      ['whois broken.test', 'The registry (127.0.0.1) failed with HTTP status 500. Try again later.'],
      ['whois loop.test', 'The registry (127.0.0.1) redirected badly: more than 3 redirects.'],
      ['whois other.test', 'The registry (127.0.0.1) sent an answer I cannot read: it sent a record of another name than other.test.'],
      ['whois slow.test', 'The registry (127.0.0.1) did not answer within 1 s. Try again later.'],
      ['whois 10.1.2.3', 'It is in 10.0.0.0/8, private-use (RFC 1918): not registered to anyone.'],
      ['whois 2001:db8::/48', 'It is in 2001:db8::/32, documentation (RFC 3849): not registered to anyone.'],
      ['whois AS64512', 'AS64512 is for private use (RFC 6996): no registry holds it for anyone.'],
      ['whois co.uk', 'co.uk is a public suffix, where others register names: ask about a name registered under it.'],
      ['abuse 9.9.9.9', 'No RDAP service for 9.9.9.9 in the IANA bootstrap registries, so I cannot say who holds it.'],
    ];
    const answers = await Promise.all(expected.map(([question]) => answer(glass, question)));
    assert.deepEqual(
      answers.map((text, i) => [expected[i]![0], text]),
      expected,
    );
  });

  it('says the registrar did not answer in the question’s time, and stops asking it', async () => {
    const glass = await engine({ RDAP_TIMEOUT_MS: '3000', RDAP_QUESTION_TIMEOUT_MS: '3000' });
    const text = await answer(glass, 'whois late.test');
    assert.match(text, /^Registrar: Loopback Registrar, Inc\. \(IANA 9999\)$/m);
    assert.match(text, /^The registrar's RDAP server did not answer within 3 s, the time a question has\. Try again later\.$/m);
    // Stopped because nobody waits for it any more: at once, not at its own time limit, 1.5 s later.
    await waitFor(() => rdap.dropped.includes('/registrar/domain/late.test'), 500);
  });

  it('follows a redirect to another server of the registry', async () => {
    assert.match(await answer(await engine(), 'whois moved.test'), /^Name servers: ns1\.example\.test$/m);
  });

  it('keeps an object for a while: asked twice, fetched once', async () => {
    const glass = await engine();
    // Against the asker's rate limit, a whois is one question.
    assert.equal(glass.costOf(glass.read('whois AS3333')), 1);
    const before = rdap.requests.filter((path) => path === '/ripe/autnum/3333').length;
    await answer(glass, 'whois AS3333');
    await answer(glass, 'abuse AS3333');
    assert.equal(rdap.requests.filter((path) => path === '/ripe/autnum/3333').length, before + 1);
  });

  it('asks no registry at a loopback address unless RDAP_ALLOW_PRIVATE says it is a lab', async () => {
    const asked = rdap.requests.length;
    assert.equal(
      await answer(await engine({ RDAP_ALLOW_PRIVATE: 'false' }), 'whois example.test'),
      'The registry is not asked: 127.0.0.1 is loopback (RFC 1122).',
    );
    assert.equal(rdap.requests.length, asked);
  });

  it('gives one clear answer to hostile JSON, with nothing that mentions, tags or hides', async () => {
    const glass = await engine();
    const answers = await Promise.all(HOSTILE_NAMES.map((name) => answer(glass, `whois ${name}`)));
    const byName = new Map(HOSTILE_NAMES.map((name, i) => [name, answers[i]!]));
    assert.match(byName.get('deep.hostile')!, /^DNSSEC: the registry does not say whether the delegation is signed$/m);
    assert.equal(byName.get('huge.hostile'), 'The registry (127.0.0.1) sent an answer larger than 1024 kB, which I do not read.');
    assert.match(byName.get('types.hostile')!, /^Source: RDAP, 127\.0\.0\.1:\d+$/m);
    assert.equal(byName.get('notjson.hostile'), 'The registry (127.0.0.1) sent an answer I cannot read: not JSON.');
    assert.equal(
      byName.get('wrongclass.hostile'),
      'The registry (127.0.0.1) sent an answer I cannot read: asked for the object class “domain”, got “＠frank@evil.example”.',
    );
    assert.equal(byName.get('array.hostile'), 'The registry (127.0.0.1) sent an answer I cannot read: not a JSON object.');
    const mention = byName.get('mention.hostile')!;
    assert.match(mention, /^Registrar: ＠carol@evil\.example ♯Registrar \[U\+0000\]\[U\+200B\] \(IANA ♯1\)$/m);
    assert.match(mention, /^Status: ＠alice@evil\.example, ♯hashtag, ok\[U\+202E\]evil, line\[U\+000A\]break$/m);
    assert.match(mention, /^Holder: ＠dave Org$/m);
    // Not host names, so not name servers.
    assert.doesNotMatch(mention, /bob|#ns|♯ns/);
    for (const text of answers) assert.doesNotMatch(text, /(^|[^\p{L}\p{Nd}])[@#]\p{L}/u, text);
  });

  it('answers the same over the HTTP twin, as text and as JSON', async () => {
    const twin = createHttpTwin({ engine: await engine(), health: () => ({ ok: true, reason: '' }), rateLimit: { count: 100, windowMs: 60_000 } });
    const { port } = await twin.listen('127.0.0.1', 0);
    try {
      const text = await fetch(`http://127.0.0.1:${port}/whois/193.0.0.0/21`);
      assert.equal(text.status, 200);
      assert.match(await text.text(), /^🪪 whois 193\.0\.0\.0\/21\n193\.0\.0\.0\/21 \(193\.0\.0\.0 – 193\.0\.7\.255\): RIPE-NCC, ASSIGNED PA, NL$/m);
      const json = await fetch(`http://127.0.0.1:${port}/abuse/41.0.0.1`, { headers: { accept: 'application/json' } });
      assert.deepEqual(await json.json(), {
        question: { kind: 'whois', target: { kind: 'address', address: '41.0.0.1' }, abuseOnly: true },
        lines: ['🪪 abuse 41.0.0.1', 'Abuse mailbox for 41.0.0.0/16 (AFRINIC): abuse@africa.example'],
      });
      // Words smuggled into the path are refused, as under /dns/.
      assert.equal((await fetch(`http://127.0.0.1:${port}/whois/example.test%20AS3333`)).status, 400);
      assert.equal((await fetch(`http://127.0.0.1:${port}/whois/193.0.0.0/21/8`)).status, 404);
    } finally {
      await twin.close();
    }
  });
});
