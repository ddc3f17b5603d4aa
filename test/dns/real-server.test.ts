/**
 * `npm run lookup` against a DNS server we did not write: NSD, serving
 * test/fixtures/dns/example.test.zone on loopback. Install it with
 * `apt-get install nsd` (.ci/run does). Without NSD the test is skipped with
 * that message, unless FEDIDIG_REQUIRE_REAL_SERVERS=1 (as in CI) makes it fail.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { missingDnsSoftware, type Nsd, startNsd } from '../testkit/dns/nsd.ts';

const run = promisify(execFile);

const expected: [string, string[]][] = [
  [
    'example.test A AAAA MX NS SOA',
    [
      'example.test. 300 A 192.0.2.1',
      'example.test. 300 AAAA 2001:db8::1',
      'example.test. 3600 MX 10 mail.example.test.',
      'example.test. 3600 NS ns1.example.test.',
      'example.test. 3600 SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300',
    ],
  ],
  ['example.test TXT SPF CAA', ['TXT "v=spf1 -all" "second string"', 'SPF "v=spf1 -all"', 'CAA 0 issue "letsencrypt.org"']],
  ['secure.example.test DS', ['secure.example.test. 3600 DS 60485 8 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A']],
  [
    'example.test DNSKEY RRSIG NSEC',
    [
      'DNSKEY 257 3 8 AwEAAaz/tAm8',
      'RRSIG A 13 2 300 20270101000000 20261201000000 12345 example.test. c2lnbmF0dXJl',
      'NSEC a.example.test. A NS SOA RRSIG NSEC DNSKEY CAA',
    ],
  ],
  [
    'example.test NSEC3PARAM SSHFP SVCB HTTPS',
    [
      'NSEC3PARAM 1 0 0 -',
      'SSHFP 4 2 123456789ABCDEF6',
      'SVCB 1 svc.example.test. alpn=h2,h3 port=8443',
      'HTTPS 1 . alpn=h2 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1',
    ],
  ],
  [
    'example.test NAPTR URI HINFO LOC TYPE65280',
    [
      'NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.example.test.',
      'URI 10 1 "https://www.example.test/"',
      'HINFO "RISC-V" "Linux"',
      'LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m',
      'TYPE65280 \\# 4 DEADBEEF',
    ],
  ],
  ['_sip._tcp.example.test SRV', ['SRV 10 60 5060 sip.example.test.']],
  ['_443._tcp.example.test TLSA', ['TLSA 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6']],
  ['www.example.test A', ['www.example.test. 3600 CNAME web.example.test.', 'web.example.test. 3600 CNAME example.test.']],
  ['x.old.example.test DNAME', ['old.example.test. 3600 DNAME new.test.']],
  ['café.example.test', ['café.example.test (xn--caf-dma.example.test)', 'xn--caf-dma.example.test. 3600 A 192.0.2.7']],
  ['evil.example.test TXT', ['"＠someone@example.social ♯tag"']],
  ['nothing.example.test', ['does not exist (NXDOMAIN)']],
  ['example.test PTR', ['exists, but has no PTR record']],
];

describe('npm run lookup against NSD', { skip: missingDnsSoftware() }, () => {
  let nsd: Nsd;
  let upstream: string;
  before(async () => {
    nsd = await startNsd([fileURLToPath(new URL('../fixtures/dns/example.test.zone', import.meta.url))]);
    upstream = nsd.address;
  });
  after(() => nsd?.close());

  for (const [question, lines] of expected) {
    it(question, async () => {
      const { stdout } = await run('npx', ['tsx', 'bot/lookup.ts', ...question.split(' ')], {
        env: { ...process.env, DOTENV_CONFIG_PATH: '/dev/null', DNS_UPSTREAM: upstream, MAX_CHARACTERS: '5000' },
      });
      for (const line of lines) assert.ok(stdout.includes(line), `“${line}” missing from:\n${stdout}`);
      assert.match(stdout, new RegExp(`📡 ${upstream.replace(/\./g, '\\.')} \\((UDP|TCP)\\)`));
    });
  }
});
