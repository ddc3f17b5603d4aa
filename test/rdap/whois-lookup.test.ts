/**
 * `whois`, `rdap` and `abuse` through `npm run lookup`: a child process that
 * trusts the test's CA through NODE_EXTRA_CA_CERTS, as the bot would, asks
 * the loopback RDAP server (registry-shaped answers, rdap-registries.ts), the
 * loopback DNS server for the NS and DS checks and a table file for the BGP
 * check.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { postLength } from '../../lib/reply/post-length.ts';
import { startDnsTestServer, type DnsTestServer } from '../testkit/dns/dns-test-server.ts';
import { PRIVATE_DATA, serveRegistries } from '../testkit/rdap/rdap-registries.ts';
import { startRdapServer, writeBootstrapDir, type RdapTestServer } from '../testkit/rdap/rdap-server.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const run = promisify(execFile);
const MAX_CHARACTERS = 500;

describe('whois through npm run lookup', { timeout: 180_000 }, () => {
  let rdap: RdapTestServer;
  let dns: DnsTestServer;
  const dir = temporaryFolder('fedidig-whois-');
  let env: Record<string, string>;

  before(async () => {
    rdap = await startRdapServer();
    dns = await startDnsTestServer();
    writeBootstrapDir(join(dir(), 'bootstrap'), serveRegistries(rdap));
    // The routes BGP knows: as registered, a more-specific, an origin the holder does not name; 41.0.0.0/16 not at all.
    writeFileSync(
      join(dir(), 'riswhois.txt'),
      ['15169\t8.8.8.0/24\t10', '3333\t193.0.0.0/16\t10', '3333\t193.0.6.0/23\t10', '13335\t1.1.1.0/24\t10', '64999\t200.160.0.0/20\t10', ''].join('\n'),
    );
    env = {
      DOTENV_CONFIG_PATH: '/dev/null',
      DNS_UPSTREAM: dns.address,
      BGP_SOURCE: `table:${join(dir(), 'riswhois.txt')}`,
      RDAP_BOOTSTRAP_DIR: join(dir(), 'bootstrap'),
      RDAP_ALLOW_PRIVATE: 'true',
      RDAP_TIMEOUT_MS: '2000',
      NODE_EXTRA_CA_CERTS: rdap.ca.caPath,
      MAX_CHARACTERS: String(MAX_CHARACTERS),
    };
  });
  after(async () => {
    await rdap.close();
    dns.close();
  });

  /**
   * The posts the bot would send, each checked against the post budget, joined. The command is
   * bot/lookup.ts run as `npm run lookup` runs it, without npm's own start-up (one test goes through npm).
   */
  async function lookup(question: string, extra: Record<string, string> = {}, viaNpm = false): Promise<string> {
    const [command, args] = viaNpm ? ['npm', ['run', '--silent', 'lookup', '--']] : [process.execPath, ['--import', 'tsx', 'bot/lookup.ts']];
    const { stdout } = await run(command, [...args, ...question.split(' ')], { env: { ...process.env, ...env, ...extra } });
    const parts = stdout.trimEnd().split('\n---\n');
    for (const part of parts) assert.ok(postLength(part) <= MAX_CHARACTERS, `a post of ${postLength(part)} characters:\n${part}`);
    const text = parts.map((part) => part.replace(/\n\(\d+\/\d+\)$/, '')).join('\n');
    for (const secret of PRIVATE_DATA) assert.ok(!text.includes(secret), `“${secret}” was posted:\n${text}`);
    return text;
  }

  it('answers a domain of a thin registry from the registry and the registrar, with the NS and DS checks', async () => {
    const text = await lookup('whois www.example.test', {}, true);
    assert.match(text, /^🪪 whois www\.example\.test$/m);
    assert.match(text, /^www\.example\.test is under example\.test, the registered domain: this is about example\.test\.$/m);
    assert.match(text, /^Registrar: Loopback Registrar, Inc\. \(IANA 9999\)$/m);
    assert.match(text, /^Status: clientDeleteProhibited, clientTransferProhibited, serverUpdateProhibited$/m);
    assert.match(text, /^Created 1995-08-14, updated 2024-08-14, expires 2027-08-13$/m);
    assert.match(text, /^Name servers: ns1\.example\.test$/m);
    assert.match(text, /^DNSSEC: the registry says the delegation is signed \(1 DS\)$/m);
    // The registrant is a person: the handle only.
    assert.match(text, /^Holder: REG-1 \(a person, name not shown\)$/m);
    assert.match(text, /^Abuse: abuse@registrar\.test$/m);
    assert.match(text, /^Redacted by the registry: Registrant Name, Registrant Phone, Registrant Street$/m);
    assert.match(text, /^✅ NS check: the DNS has the same name servers as the registry$/m);
    assert.match(text, /^✅ DS check: the parent has 1 DS record, as the registry says$/m);
    assert.ok(rdap.requests.includes('/registrar/domain/example.test'), 'the related link was followed');
  });

  it('answers a domain of a thick registry, an organisation as holder, and says the resolver has no NS set', async () => {
    const text = await lookup('rdap thick.example');
    assert.match(text, /^Registrar: Thick Registrar SE \(IANA 1234\)$/m);
    assert.match(text, /^Status: ok$/m);
    assert.match(text, /^Holder: Thick Example Holdings B\.V\. \(ORG-THICK\)$/m);
    assert.match(text, /^DNSSEC: the registry says the delegation is not signed$/m);
    assert.match(text, /^NS check: the resolver answered NXDOMAIN for the NS set$/m);
  });

  it('counts out an expiry under 30 days, and says the registrar’s server failed', async () => {
    const text = await lookup('whois soon.test');
    assert.match(text, /expires \d{4}-\d\d-\d\d \(⚠️ in 10 days\)/);
    assert.match(text, /^The registrar's RDAP server \(127\.0\.0\.1\) failed with HTTP status 503\. Try again later\.$/m);
  });

  it('answers each RIR’s network shape: range as CIDRs, name, type, country, holder, parent, abuse mailbox, and the BGP check', async () => {
    const [arin, ripe, apnic, lacnic, afrinic] = await Promise.all(
      ['8.8.8.8', '193.0.6.139', '2400:cb00::1', '200.160.2.3', '41.0.0.1'].map((address) => lookup(`whois ${address}`)),
    );
    assert.match(arin, /^8\.8\.8\.0\/24 \(8\.8\.8\.0 – 8\.8\.8\.255\): LOOP-NET, DIRECT ALLOCATION$/m);
    assert.match(arin, /^Handle: NET-8-8-8-0-2, parent NET-8-0-0-0-0$/m);
    assert.match(arin, /^Holder: Loopback Networks LLC \(LOOP-ARIN\)$/m);
    assert.match(arin, /^Abuse: network-abuse@loopback\.example$/m);
    assert.match(arin, /^✅ BGP check: 8\.8\.8\.0\/24 is announced as registered, by AS15169; ⚠️ the holder names AS64500 as origins, not AS15169$/m);
    assert.match(arin, /^Source: RDAP, ARIN \(127\.0\.0\.1:\d+\)$/m);

    assert.match(ripe, /^193\.0\.0\.0\/21 \(193\.0\.0\.0 – 193\.0\.7\.255\): RIPE-NCC, ASSIGNED PA, NL$/m);
    assert.match(ripe, /^Abuse: abuse@ripe\.example$/m);
    assert.match(ripe, /^BGP check: announced as a more-specific, 193\.0\.6\.0\/23 by AS3333, inside the registered range$/m);

    assert.match(apnic, /^2400:cb00::\/32 \(2400:cb00:: – 2400:cb00:ffff:ffff:ffff:ffff:ffff:ffff\): LOOP-V6, ALLOCATED PORTABLE, AU$/m);
    assert.match(apnic, /^Abuse: helpdesk@apnic\.example$/m);
    assert.match(apnic, /^⚠️ BGP check: no announced route covers it$/m);

    assert.match(lacnic, /^200\.160\.0\.0\/20, 200\.160\.16\.0\/21 \(200\.160\.0\.0 – 200\.160\.23\.255\): ALLOCATED PORTABLE, BR$/m);
    // The registrant has no vCard kind: its org is shown, its fn (a person's name) is not; the abuse contact is a person: the mailbox only.
    assert.match(lacnic, /^Holder: Núcleo de Informação e Coordenação do Ponto BR \(BR-NICB-LACNIC\)$/m);
    assert.match(lacnic, /^Abuse: abuse@nic\.example$/m);
    assert.match(lacnic, /^✅ BGP check: 200\.160\.0\.0\/20 is announced as registered, by AS64999$/m);

    assert.match(afrinic, /^41\.0\.0\.0\/16 \(41\.0\.0\.0 – 41\.0\.255\.255\): LOOP-AFRICA, ALLOCATED PA, ZA$/m);
    assert.match(afrinic, /^Abuse: abuse@africa\.example$/m);
    assert.match(afrinic, /^Redacted by the registry: Tech Phone$/m);
  });

  it('answers a prefix, and a BGP check of a less-specific route', async () => {
    const text = await lookup('whois 193.0.0.0/21');
    assert.match(text, /^🪪 whois 193\.0\.0\.0\/21$/m);
    assert.match(text, /^BGP check: announced only within a less-specific route, 193\.0\.0\.0\/16 by AS3333$/m);
  });

  it('answers AS numbers of each RIR: name, holder, country, RIR, abuse mailbox', async () => {
    const [ripe, arin, apnic, lacnic, afrinic] = await Promise.all(['AS3333', 'AS15169', 'as4608', 'AS28000', 'AS37000'].map((asn) => lookup(`whois ${asn}`)));
    assert.match(ripe, /^AS3333: RIPE-NCC-AS, NL$/m);
    assert.match(ripe, /^Holder: Reseaux IP Europeens Network Coordination Centre \(RIPE NCC\) \(ORG-RIEN1-RIPE\)$/m);
    assert.match(ripe, /^Source: RDAP, RIPE NCC/m);
    assert.match(arin, /^Abuse: network-abuse@loopback\.example$/m);
    assert.match(apnic, /^Source: RDAP, APNIC/m);
    assert.match(lacnic, /^Abuse: no mailbox given$/m);
    assert.match(afrinic, /^AS37000: LOOP-AFRICA-AS, ZA$/m);
  });

  it('answers abuse with the mailbox alone', async () => {
    const answers = await Promise.all(['abuse 41.0.0.1', 'abuse AS3333', 'abuse AS28000'].map((question) => lookup(question)));
    assert.deepEqual(answers, [
      '🪪 abuse 41.0.0.1\nAbuse mailbox for 41.0.0.0/16 (AFRINIC): abuse@africa.example',
      '🪪 abuse AS3333\nAbuse mailbox for AS3333 (RIPE NCC): abuse@ripe.example',
      '🪪 abuse AS28000\nLACNIC names no abuse mailbox for AS28000.',
    ]);
  });

  it('says in one sentence that a TLD has no RDAP service, and that an RDAP server is out of reach', async () => {
    const [none, gone] = await Promise.all([lookup('whois x.nosuch'), lookup('whois x.gone')]);
    assert.equal(none, '🪪 whois x.nosuch\nNo RDAP service for .nosuch in the IANA bootstrap registries, so I cannot say who holds it.');
    assert.equal(gone, '🪪 whois x.gone\nThe registry (127.0.0.1) could not be reached (ECONNREFUSED). Try again later.');
  });

  it('says so when RDAP is off', async () => {
    assert.equal(await lookup('whois example.test', { RDAP: 'off' }), 'whois (RDAP) is turned off on this bot (RDAP=off).');
  });

  it('lists whois in help and shows the bootstrap’s age in info', async () => {
    const [help, info] = await Promise.all([lookup('help'), lookup('info')]);
    assert.match(help, /whois NAME, whois ADDRESS, whois PREFIX or whois AS64500/);
    assert.match(info, /^whois \(RDAP\): bootstrap registries from the operator's files in .*, never refreshed, published 2026-12-01 00:00 UTC \(.* old\)$/m);
  });
});
