import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { questionFromPath } from '../../lib/engine/question/path-question.ts';
import type { Question } from '../../lib/engine/question/question.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';

const options = { profiles: ['cn'], maxTypes: 3 };
const dnsPath = (name: string, types: string[] = [], compare = false) => questionFromPath({ section: 'dns', name, types, compare }, options);
const ip = (text: string) => parseIpAddress(text)!;

/** The question, checked to be of `kind`. */
function ofKind<K extends Question['kind']>(kind: K, question: Question): Extract<Question, { kind: K }> {
  assert.equal(question.kind, kind, JSON.stringify(question));
  return question as Extract<Question, { kind: K }>;
}
const dns = (question: Question) => ofKind('dns', question);
const invalid = (question: Question) => ofKind('invalid', question);

describe('questionFromPath', () => {
  it('builds a DNS question from a name and its types, A when none is given', () => {
    assert.deepEqual(dnsPath('example.com', ['MX', 'txt']), {
      kind: 'dns',
      name: { ascii: 'example.com', unicode: 'example.com' },
      types: [15, 16],
      profile: undefined,
      dig: {},
    });
    assert.deepEqual(dnsPath('Café.example'), {
      kind: 'dns',
      name: { ascii: 'xn--caf-dma.example', unicode: 'café.example' },
      types: [1],
      profile: undefined,
      dig: {},
    });
    assert.deepEqual(dns(dnsPath('example.com', ['addr', 'A'])).types, [1, 28]);
  });

  it('compares when asked, one type at a time', () => {
    assert.equal(dns(dnsPath('example.com', ['AAAA'], true)).compare, true);
    assert.match(invalid(dnsPath('example.com', ['A', 'MX'], true)).problem, /a comparison takes one record type, and you asked for 2/);
  });

  it('asks an address’s reverse name, and refuses other types for it', () => {
    const reverse = dns(dnsPath('192.0.2.1'));
    assert.deepEqual([reverse.name.ascii, reverse.types, reverse.address], ['1.2.0.192.in-addr.arpa', [12], ip('192.0.2.1')]);
    assert.match(invalid(dnsPath('192.0.2.1', ['MX'])).problem, /is an address, not a name/);
  });

  it('says which type word is none, refuses zone transfers, and keeps to the number of types', () => {
    assert.match(invalid(dnsPath('example.com', ['bogus'])).problem, /^“bogus” is not a record type$/);
    assert.match(invalid(dnsPath('example.com', ['IN'])).problem, /“IN” is not a record type/, 'a path has no class');
    assert.equal(invalid(dnsPath('example.com', ['AXFR'])).refused, true);
    assert.match(invalid(dnsPath('example.com', ['TYPE0'])).problem, /TYPE0 is not a record type I can ask/);
    assert.match(invalid(dnsPath('example.com', ['A', 'AAAA', 'MX', 'TXT'])).problem, /you asked for 4 record types/);
    assert.match(invalid(dnsPath('a..example')).problem, /empty label/);
  });

  it('reads a name alone as a mention would when it is help, info, a prefix or an AS number, for the caller to refuse', () => {
    assert.equal(dnsPath('help').kind, 'help');
    assert.equal(dnsPath('info').kind, 'info');
    assert.deepEqual(dnsPath('AS64500'), { kind: 'bgp', query: { kind: 'asn', asn: 64500 } });
    assert.equal(dnsPath('192.0.2.0/24').kind, 'bgp');
    assert.equal(dnsPath('help', ['A']).kind, 'dns', 'with a type it is a name');
    assert.equal(dnsPath('help', [], true).kind, 'dns', 'compared, it is a name');
    // Only the path's words count: nothing in a name turns into dig's options or a resolver of choice.
    assert.equal(dnsPath('bgp').kind, 'dns');
  });

  it('reads a BGP target, its prefix slash and all', () => {
    assert.deepEqual(questionFromPath({ section: 'bgp', target: '192.0.2.77/24' }, options), {
      kind: 'bgp',
      query: { kind: 'prefix', prefix: ip('192.0.2.0'), length: 24 },
    });
    assert.deepEqual(questionFromPath({ section: 'bgp', target: 'AS15169' }, options), { kind: 'bgp', query: { kind: 'asn', asn: 15169 } });
    assert.match(invalid(questionFromPath({ section: 'bgp', target: '10.0.0.0/33' }, options)).problem, /\/33 is not a prefix length for IPv4/);
    assert.match(invalid(questionFromPath({ section: 'bgp', target: 'help' }, options)).problem, /“help” is not an IP address, prefix or AS number/);
  });

  it('reads whois and abuse targets, a pasted link as its host', () => {
    assert.deepEqual(questionFromPath({ section: 'whois', target: 'https://www.example.com/page' }, options), {
      kind: 'whois',
      target: { kind: 'domain', name: { ascii: 'www.example.com', unicode: 'www.example.com' } },
      abuseOnly: false,
    });
    assert.deepEqual(questionFromPath({ section: 'abuse', target: '192.0.2.1' }, options), {
      kind: 'whois',
      target: { kind: 'address', address: ip('192.0.2.1') },
      abuseOnly: true,
    });
    assert.match(invalid(questionFromPath({ section: 'abuse', target: 'example.com' }, options)).problem, /“abuse” takes an address, prefix or AS number/);
  });
});
