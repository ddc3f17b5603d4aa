import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ianaRootHints } from '../../lib/dns/trace/root-hints.ts';
import { ForbiddenNames, defaultForbiddenNames } from '../../lib/engine/question/forbidden-names.ts';
import { unroutableReason } from '../../lib/net/special-ranges.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the default forbidden names', () => {
  it('are the internal names and the reverse zones of private, loopback and link-local ranges', () => {
    const expected = [
      ...['localhost', 'local', 'internal', 'lan', 'home.arpa', 'home', 'corp'],
      '10.in-addr.arpa',
      ...range(16, 31).map((n) => `${n}.172.in-addr.arpa`),
      '168.192.in-addr.arpa',
      '127.in-addr.arpa',
      '254.169.in-addr.arpa',
      ...range(64, 127).map((n) => `${n}.100.in-addr.arpa`),
      '0.in-addr.arpa',
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa', // ::1
      ...['c.f', 'd.f', '8.e.f', '9.e.f', 'a.e.f', 'b.e.f'].map((zone) => `${zone}.ip6.arpa`), // fc00::/7, fe80::/10
      `f.f.f.f.${'0.'.repeat(20)}ip6.arpa`, // ::ffff:0:0/96
    ];
    assert.deepEqual([...defaultForbiddenNames].sort(), expected.sort());
  });

  it('refuse the PTR names of such addresses, and only those', () => {
    const forbidden = new ForbiddenNames(defaultForbiddenNames);
    assert.equal(forbidden.forbidding('1.0.16.172.in-addr.arpa.'), '16.172.in-addr.arpa');
    assert.equal(forbidden.forbidding('1.0.32.172.in-addr.arpa'), undefined);
    assert.equal(forbidden.forbidding(`1.0.0.0.0.0.a.0.f.f.f.f.${'0.'.repeat(20)}ip6.arpa`), `f.f.f.f.${'0.'.repeat(20)}ip6.arpa`);
    assert.equal(forbidden.forbidding('printer.LOCAL'), 'local');
    assert.equal(forbidden.forbidding('example.com'), undefined);
  });
});

describe('unroutableReason, which +trace asks before every query', () => {
  it('refuses the special ranges and the tunnels that could lead into them, and lets the root servers through', () => {
    const reason = (text: string) => unroutableReason(parseIpAddress(text)!);
    assert.match(reason('10.1.2.3')!, /private-use/);
    assert.match(reason('2002:0a00:0001::1')!, /6to4/);
    assert.match(reason('2001:0:4136:e378::1')!, /Teredo/);
    assert.match(reason('192.88.99.1')!, /6to4 relay/);
    assert.match(reason('fd00::53')!, /unique-local/);
    for (const hint of ianaRootHints) assert.equal(reason(hint.address), undefined, hint.address);
  });
});
