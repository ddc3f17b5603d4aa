/**
 * The DNS answer as the formatter writes it, for outcomes the real resolvers
 * of test/dns/ cannot be made to produce on demand: every EDE a censoring or
 * stale-serving resolver sends, an NSID in bytes, a timeout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsTimeoutError } from '../../lib/dns/errors.ts';
import type { DnsResponse } from '../../lib/dns/resolver.ts';
import type { TypeOutcome } from '../../lib/engine/ask-dns.ts';
import { formatDnsAnswer } from '../../lib/engine/answer/format-dns-answer.ts';
import { parseQuestion } from '../../lib/engine/question/parse-question.ts';
import type { DnsQuestionRequest } from '../../lib/engine/question/question.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';
import { serverResponse } from '../testkit/dns/fake-name-servers.ts';

const A = 1;
const question = (text: string) => parseQuestion(text, { profiles: [], maxTypes: 5 }) as DnsQuestionRequest;
const response = (fields: Partial<DnsResponse>): DnsResponse =>
  serverResponse(
    { name: 'example.com', type: A },
    {
      answers: [{ name: 'example.com', type: A, ttl: 300, rdata: { kind: 'address', address: parseIpAddress('192.0.2.1')! } }],
      upstream: '127.0.0.1:5353',
      elapsedMs: 4,
      ...fields,
    },
  );
const text = (q: DnsQuestionRequest, outcomes: TypeOutcome[]) =>
  formatDnsAnswer(q, outcomes)
    .map((line) => line.text)
    .join('\n');

describe('formatDnsAnswer', () => {
  it('names every Extended DNS Error in words with its code, with any rcode', () => {
    const cases: [number, number, string][] = [
      [3, 0, 'stale answer (EDE 3)'],
      [6, 2, 'DNSSEC bogus (EDE 6)'],
      [7, 2, 'signature expired (EDE 7)'],
      [15, 3, 'blocked (EDE 15)'],
      [16, 0, 'censored (EDE 16)'],
      [17, 5, 'filtered (EDE 17)'],
      [4000, 0, 'EDE 4000'],
    ];
    for (const [code, rcode, words] of cases) {
      const out = text(question('example.com'), [{ type: A, response: response({ rcode, extendedErrors: [{ code, text: '' }] }) }]);
      assert.match(out, new RegExp(`^ℹ️ A: the resolver says ${words.replace(/[()]/g, '\\$&')}$`, 'm'), `${code}: ${out}`);
    }
  });

  it('quotes the resolver’s extra text, neutralised like any DNS string', () => {
    const extra = 'blocked by policy, ask @admin@example.com #dns\u202e';
    const out = text(question('example.com'), [{ type: A, response: response({ rcode: 3, extendedErrors: [{ code: 15, text: extra }] }) }]);
    assert.match(out, /the resolver says blocked \(EDE 15\): “blocked by policy, ask ＠admin@example\.com ♯dns\[U\+202E\]”/);
  });

  it('says nothing of DNSSEC under a timeout, and what it knows under a mix', () => {
    const timeout: TypeOutcome = { type: A, error: new DnsTimeoutError('127.0.0.1:5353', 2000) };
    const alone = text(question('example.com'), [timeout]);
    assert.match(alone, /no answer from 127\.0\.0\.1:5353 within 2\.0 s/);
    assert.doesNotMatch(alone, /DNSSEC|📡/);
    assert.doesNotMatch(text(question('example.com +cd'), [timeout]), /DNSSEC/, 'nor of validation turned off');
    const mixed = text(question('example.com A AAAA'), [timeout, { type: 28, response: response({ authenticated: true }) }]);
    assert.match(mixed, /^🔒 DNSSEC: validated by the resolver \(AD\)\.$/m);
  });

  it('says nothing of DNSSEC under a SERVFAIL that DNSSEC does not explain', () => {
    const out = text(question('example.com'), [{ type: A, response: response({ rcode: 2, answers: [] }), unvalidated: response({ rcode: 2, answers: [] }) }]);
    assert.match(out, /SERVFAIL\), without validation \(CD\) too: the zone's nameservers are broken or unreachable/);
    assert.doesNotMatch(out, /DNSSEC:/);
  });

  it('shows an NSID as text when printable, else in hex', () => {
    const printable = text(question('example.com +nsid'), [{ type: A, response: response({ nsid: Buffer.from('fra1.anycast') }) }]);
    assert.match(printable, /^🏷 Answered by server instance \(NSID\): “fra1\.anycast”$/m);
    const binary = text(question('example.com +nsid'), [{ type: A, response: response({ nsid: Uint8Array.from([0, 0xff, 0x41]) }) }]);
    assert.match(binary, /\(NSID\): 00ff41$/m);
  });

  it('prints only the data with +short, and a failure in a few words', () => {
    assert.equal(text(question('example.com +short'), [{ type: A, response: response({}) }]), '192.0.2.1');
    assert.equal(text(question('example.com +short'), [{ type: A, response: response({ rcode: 0, answers: [] }) }]), '(no A record)');
    const blocked = text(question('example.com +short'), [
      { type: A, response: response({ rcode: 3, answers: [], extendedErrors: [{ code: 15, text: '' }] }) },
    ]);
    assert.equal(blocked, '(A NXDOMAIN, blocked (EDE 15))');
  });
});
