/**
 * `npm run lookup` through a real validating resolver (Unbound with EDE and
 * an NSID, in front of NSD, test/testkit/dns/validating-resolver.ts): the AD bit
 * of a validated answer, SERVFAIL for data whose signature fails with the
 * resolver's own reason and what CD brings back, an unsigned zone, and
 * dig's options, as a network engineer would ask.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { missingDnsSoftware } from '../testkit/dns/nsd.ts';
import { LDNS_SIGNZONE, startValidatingResolver, UNBOUND, type ValidatingResolver } from '../testkit/dns/validating-resolver.ts';

const run = promisify(execFile);
const lookup = async (upstream: string, question: string, env: Record<string, string> = {}) =>
  (
    await run(process.execPath, ['--import', 'tsx', 'bot/lookup.ts', ...question.split(' ')], {
      env: { ...process.env, DOTENV_CONFIG_PATH: '/dev/null', DNS_UPSTREAM: upstream, DNS_CACHE_SIZE: '0', MAX_CHARACTERS: '5000', ...env },
    })
  ).stdout;

describe('npm run lookup through a validating Unbound', { skip: missingDnsSoftware(UNBOUND, LDNS_SIGNZONE) }, () => {
  let resolver: ValidatingResolver;
  before(async () => {
    resolver = await startValidatingResolver();
  });
  after(() => resolver?.close());

  it('shows a signed answer as validated (AD)', async () => {
    const out = await lookup(resolver.address, 'www.signed.test');
    assert.match(out, /^www\.signed\.test\. 300 A 192\.0\.2\.81$/m);
    assert.match(out, /DNSSEC: validated by the resolver \(AD\)/);
  });

  it('shows a non-existent name in a signed zone as validated NXDOMAIN', async () => {
    const out = await lookup(resolver.address, 'nope.signed.test');
    assert.match(out, /does not exist \(NXDOMAIN\)/);
    assert.match(out, /validated by the resolver \(AD\)/);
  });

  it('explains a SERVFAIL for a record whose signature fails: the resolver’s EDE, and the data CD brings back, marked as not validated', async () => {
    const out = await lookup(resolver.address, 'bogus.signed.test');
    assert.match(
      out,
      /^⚠️ A: the resolver failed \(SERVFAIL\)\. Asked again without validation \(CD\), the data exists, but fails DNSSEC validation\. Not validated, do not trust it:\nbogus\.signed\.test\. \d+ A 192\.0\.2\.82$/m,
    );
    assert.match(out, /^ℹ️ A: the resolver says DNSSEC bogus \(EDE 6\): “validation failure <bogus\.signed\.test\. A IN>: signature crypto failed/m);
    assert.match(out, /^❌ DNSSEC: validation failed for A\.$/m);
    assert.doesNotMatch(out, /validated by the resolver|not validated \(no AD/);
  });

  it('names the broken link of a child whose parent vouches for another key: DNSKEY missing (EDE 9)', async () => {
    const out = await lookup(resolver.address, 'broken.signed.test');
    assert.match(out, /^broken\.signed\.test\. \d+ A 192\.0\.2\.83$/m);
    assert.match(out, /^ℹ️ A: the resolver says DNSKEY missing \(EDE 9\): “validation failure <broken\.signed\.test\. A IN>/m);
    assert.match(out, /^❌ DNSSEC: validation failed for A\.$/m);
  });

  it('asks with CD from the start with +cd, and says validation was off', async () => {
    const out = await lookup(resolver.address, 'bogus.signed.test +cd');
    assert.match(out, /^🔎 bogus\.signed\.test A \+cd$/m);
    assert.match(out, /^bogus\.signed\.test\. \d+ A 192\.0\.2\.82$/m);
    assert.match(out, /^🔓 DNSSEC: validation off \(\+cd\)/m);
    assert.doesNotMatch(out, /SERVFAIL/);
  });

  it('shows RRSIGs only with +dnssec or a question for a DNSSEC type, and AD either way', async () => {
    const plain = await lookup(resolver.address, 'www.signed.test');
    assert.doesNotMatch(plain, /RRSIG/);
    assert.match(plain, /validated by the resolver \(AD\)/);
    const dnssec = await lookup(resolver.address, 'dig www.signed.test A +dnssec');
    assert.match(dnssec, /^www\.signed\.test\. \d+ RRSIG A 13 3 300 \d{14} \d{14} \d+ signed\.test\. \S+$/m);
    assert.match(dnssec, /validated by the resolver \(AD\)/);
    const keys = await lookup(resolver.address, 'signed.test DNSKEY');
    assert.match(keys, /^signed\.test\. \d+ DNSKEY 257 3 13 /m);
    assert.match(keys, /^signed\.test\. \d+ RRSIG DNSKEY /m);
  });

  it('shows the server instance with +nsid, and asks over TCP with +tcp', async () => {
    const out = await lookup(resolver.address, 'www.signed.test +nsid +tcp');
    assert.match(out, /^🔎 www\.signed\.test A \+tcp \+nsid$/m);
    assert.match(out, /^🏷 Answered by server instance \(NSID\): “fedidig-test-unbound”$/m);
    assert.match(out, /\(TCP\)/);
    assert.doesNotMatch(await lookup(resolver.address, 'www.signed.test'), /NSID/);
  });

  it('prints only the data with +short, as dig +short does', async () => {
    assert.equal(await lookup(resolver.address, 'dig +short www.signed.test'), '192.0.2.81\n');
    assert.equal(await lookup(resolver.address, 'kdig -t A www.signed.test +short'), '192.0.2.81\n');
    assert.equal(await lookup(resolver.address, 'nope.signed.test +short'), '(A NXDOMAIN)\n');
    // A reverse question's BGP line is not data either.
    assert.equal(await lookup(resolver.address, 'dig -x 192.0.2.1 +short'), '(PTR NXDOMAIN)\n');
  });

  it('answers ANY with the RFC 8482 caveat', async () => {
    const out = await lookup(resolver.address, 'signed.test ANY');
    assert.match(out, /RFC 8482/);
  });

  it('refuses another server, naming the resolvers it asks; a profile given as @NAME is asked', async () => {
    const env = { DNS_PROFILES: `lab=${resolver.address}` };
    const other = await lookup(resolver.address, 'dig @192.0.2.53 www.signed.test', env);
    assert.match(other, /^🚫 I do not ask “192\.0\.2\.53”: I only ask the resolvers my operator set up/m);
    assert.match(other, /“via lab”/);
    assert.match(await lookup(resolver.address, 'host www.signed.test dns.example', env), /I do not ask “dns\.example”/);
    assert.match(await lookup(resolver.address, 'dig @lab www.signed.test', env), /^🔎 www\.signed\.test A via lab\nwww\.signed\.test\. \d+ A 192\.0\.2\.81$/m);
  });

  it('says nothing of DNSSEC when no resolver answered', async () => {
    const out = await lookup('127.0.0.1:1', 'www.signed.test');
    assert.match(out, /could not reach the resolver/);
    assert.doesNotMatch(out, /DNSSEC/);
  });

  it('shows an unsigned zone’s answer as not validated, and the same data straight from the authoritative server', async () => {
    const out = await lookup(resolver.address, 'plain.test');
    assert.match(out, /^plain\.test\. 300 A 192\.0\.2\.90$/m);
    assert.match(out, /not validated \(no AD flag\)/);
    assert.match(await lookup(resolver.authoritative, 'bogus.signed.test'), /^bogus\.signed\.test\. 300 A 192\.0\.2\.82$/m);
  });
});
