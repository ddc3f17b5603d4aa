/**
 * +trace against DNS software we did not write: NSD serving a root, a signed
 * TLD and a signed zone, with a lame, a glueless, a looping, a dangling and a
 * half-dead delegation, on port 53 of 127.53.X.1-3 (test/testkit/dns/dns-hierarchy.ts).
 * Binding port 53 takes root, as CI and the development machines run the
 * tests; without NSD, ldns or root the suite is skipped with the reason,
 * unless FEDIDIG_REQUIRE_REAL_SERVERS=1 (as in CI) makes that a failure.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { readEngineConfig } from '../../lib/engine/config.ts';
import { LookingGlass } from '../../lib/engine/looking-glass.ts';
import type { NameServer } from '../../lib/dns/trace/name-server.ts';
import { udpServerQuery } from '../../lib/dns/trace/server-query.ts';
import { type DnsHierarchy, startDnsHierarchy } from '../testkit/dns/dns-hierarchy.ts';
import { missingDnsSoftware } from '../testkit/dns/nsd.ts';
import { LDNS_SIGNZONE } from '../testkit/dns/validating-resolver.ts';

const run = promisify(execFile);
const notRoot = process.getuid?.() !== 0 && process.env.FEDIDIG_REQUIRE_REAL_SERVERS !== '1' && 'binding port 53 of 127.53.X takes root';
const skip = missingDnsSoftware(LDNS_SIGNZONE) || notRoot;

describe('+trace through NSD on loopback', { skip }, () => {
  let hierarchy: DnsHierarchy;
  let engine: LookingGlass;
  const asked: NameServer[] = [];
  const env = () => ({ DNS_UPSTREAM: '127.0.0.1:9', BGP_SOURCE: 'off', DNS_ROOT_HINTS: hierarchy.root, DNS_TRACE_ALLOW_PRIVATE: 'true' });
  const trace = async (text: string) => {
    asked.length = 0;
    const answer = await engine.answer(text);
    // The step lines end with their time, which varies.
    return { ...answer, text: answer.lines.map((l) => l.text.replace(/\d+ ms$/, 'N ms')) };
  };

  before(async () => {
    hierarchy = await startDnsHierarchy();
    const send = udpServerQuery(2000);
    engine = new LookingGlass(readEngineConfig(env()), {
      traceQuery: (server, question, signal) => {
        asked.push(server);
        return send(server, question, signal);
      },
    });
  });
  after(() => hierarchy?.close());

  it('walks from the root to the signed zone, one line per zone cut, and counts as several questions', async () => {
    const { text, cost } = await trace('www.example.test +trace');
    const net = hierarchy.net;
    assert.deepEqual(text, [
      '🔎 www.example.test A +trace',
      `. ${net}.1 → referral to test. (2 NS), N ms`,
      `test. ns1.nic.test (${net}.2) → referral to example.test. (1 NS, signed: DS), N ms`,
      `example.test. ns1.example.test (${net}.3) → answer (AA): 2 records, N ms`,
      'www.example.test. 300 A 192.0.2.11',
      '🧭 3 queries, 2 referrals, N ms',
    ]);
    assert.equal(cost, 3);
    assert.ok(asked.every((s, i) => s.port === 53 && (i === 0 || s.name !== undefined)));
  });

  it('resolves a glueless delegation from the root, and follows a CNAME from the root again', async () => {
    const { text } = await trace('elsewhere.example.test +trace');
    const net = hierarchy.net;
    assert.deepEqual(text.slice(3), [
      `example.test. ns1.example.test (${net}.3) → answer (AA): CNAME to www.noglue.test, asked from the root, N ms`,
      `. ${net}.1 → referral to test. (2 NS), N ms`,
      `test. ns1.nic.test (${net}.2) → referral to noglue.test. (1 NS, no glue), N ms`,
      `↳ for ns.example.test: . ${net}.1 → referral to test. (2 NS), N ms`,
      `↳ for ns.example.test: test. ns1.nic.test (${net}.2) → referral to example.test. (1 NS, signed: DS), N ms`,
      `↳ for ns.example.test: example.test. ns1.example.test (${net}.3) → answer (AA): 2 records, N ms`,
      `noglue.test. ns.example.test (${net}.3) → answer (AA): 1 record, N ms`,
      'elsewhere.example.test. 300 CNAME www.noglue.test.',
      'www.noglue.test. 300 A 192.0.2.20',
      '🧭 9 queries, 6 referrals, N ms',
    ]);
  });

  it('says where it went wrong: a lame server, a referral loop, a delegation to a name that does not exist', async () => {
    const net = hierarchy.net;
    const lame = (await trace('www.lame.test MX +trace')).text;
    assert.equal(lame[3], `⚠️ lame.test. ns1.lame.test (${net}.3) → lame: REFUSED, neither an answer with authority nor a referral, N ms`);
    assert.equal(lame[4], '⚠️ Stopped at lame.test.: its servers are lame (1 asked), none answers for the zone or refers onward.');
    const loop = (await trace('www.loop.test +trace')).text;
    assert.equal(loop[3], `loop.test. ns1.loop.test (${net}.2) → referral to loop.test. (1 NS), N ms`);
    assert.equal(loop[4], `🔁 Stopped at loop.test.: ns1.loop.test (${net}.2) refers to loop.test., which is no closer to the name: a referral loop.`);
    const dangling = (await trace('www.dangling.test +trace')).text;
    assert.equal(dangling[4], `↳ for ns.nowhere.test: test. ns1.nic.test (${net}.2) → answer (AA): NXDOMAIN, N ms`);
    assert.equal(dangling[5], '❌ Stopped at dangling.test.: it is delegated to ns.nowhere.test without glue, and that name does not resolve.');
  });

  it('passes over a server that does not answer, and says so', async () => {
    const net = hierarchy.net;
    const { text } = await trace('www.slow.test +trace');
    assert.match(
      text[3],
      new RegExp(`^⏳ slow\\.test\\. ns1\\.slow\\.test \\(${net.replaceAll('.', '\\.')}\\.9\\) → unreachable \\(.*\\): trying the next server$`),
    );
    assert.equal(text[4], `slow.test. ns2.slow.test (${net}.3) → answer (AA): 1 record, N ms`);
    assert.equal(text[5], 'www.slow.test. 300 A 192.0.2.30');
  });

  it('says NXDOMAIN and NODATA in words, asks over TCP with +tcp and gives the data alone with +short', async () => {
    assert.equal((await trace('nothing.example.test +trace')).text.at(-2), '❌ nothing.example.test does not exist (NXDOMAIN).');
    assert.equal((await trace('www.example.test TXT +trace')).text.at(-2), '∅ www.example.test exists, but has no TXT record.');
    assert.deepEqual((await trace('example.test MX +trace +tcp +short')).text, ['10 mail.example.test.']);
    assert.equal((await trace('example.test MX +trace +dnssec')).text.filter((l) => / RRSIG /.test(l)).length, 1, 'the RRSIG shows with +dnssec');
    const rrsigs = (await trace('example.test RRSIG +trace')).text.filter((l) => /^example\.test\. \d+ RRSIG /.test(l));
    assert.ok(rrsigs.length > 0, 'a question for RRSIG shows them without +dnssec');
  });

  it('refuses a forbidden name before any query', async () => {
    const { text } = await trace('printer.internal +trace');
    assert.match(text[0], /I do not look up names under \.internal/);
    assert.deepEqual(asked, []);
  });

  it('npm run lookup prints what a post would', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'lookup', '--', 'www.example.test', '+trace'], {
      env: { ...process.env, DOTENV_CONFIG_PATH: '/dev/null', ...env() },
    });
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], '🔎 www.example.test A +trace');
    assert.equal(lines[4], 'www.example.test. 300 A 192.0.2.11');
    assert.match(lines[5], /^🧭 3 queries, 2 referrals, \d+ ms$/);
  });
});
