import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidQuestion, type QuestionProblem } from '../../lib/engine/question/problem-texts.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';

/** One problem of every kind; the type makes a new kind fail to compile until it is listed here. */
const everyKind: { [K in QuestionProblem['kind']]: Extract<QuestionProblem, { kind: K }> } = {
  'too-long': { kind: 'too-long', characters: 1200 },
  'too-many-words': { kind: 'too-many-words', words: 17 },
  'unknown-profile': { kind: 'unknown-profile', written: 'nowhere', profiles: ['cn'] },
  'other-server': { kind: 'other-server', server: '1.1.1.1', profiles: [] },
  'reverse-without-address': { kind: 'reverse-without-address' },
  'option-not-a-type': { kind: 'option-not-a-type', option: '-t' },
  'unknown-option': { kind: 'unknown-option', option: '-p' },
  'unknown-flag': { kind: 'unknown-flag', flag: 'bufsize=512' },
  norecurse: { kind: 'norecurse' },
  'zone-transfer': { kind: 'zone-transfer' },
  'other-class': { kind: 'other-class', written: 'CH' },
  'type-number': { kind: 'type-number', written: 'TYPE0' },
  'not-a-type': { kind: 'not-a-type', written: 'bogus' },
  'no-name': { kind: 'no-name' },
  'several-names': { kind: 'several-names', names: ['a.example', 'b.example'] },
  'too-many-types': { kind: 'too-many-types', count: 6, max: 5 },
  'comparison-types': { kind: 'comparison-types', count: 2 },
  'comparison-profile': { kind: 'comparison-profile' },
  'trace-comparison': { kind: 'trace-comparison' },
  'trace-types': { kind: 'trace-types', count: 2 },
  'trace-profile': { kind: 'trace-profile', profile: 'cn' },
  'zone-index': { kind: 'zone-index', written: 'fe80::1%eth0', address: 'fe80::1', zone: 'eth0' },
  'address-with-types': { kind: 'address-with-types', address: parseIpAddress('192.0.2.1')! },
  'reverse-not-an-address': { kind: 'reverse-not-an-address', written: 'example.com' },
  'bad-name': { kind: 'bad-name', problem: 'the name has an empty label', hint: 'remove the double dot' },
  'bgp-words': { kind: 'bgp-words' },
  'bgp-target': { kind: 'bgp-target', written: 'x' },
  'asn-too-large': { kind: 'asn-too-large', written: 'AS99999999999' },
  'prefix-length': { kind: 'prefix-length', written: '129', version: 6 },
  'paths-of-asn': { kind: 'paths-of-asn' },
  'whois-words': { kind: 'whois-words', command: 'whois' },
  'abuse-of-domain': { kind: 'abuse-of-domain' },
  'whois-root': { kind: 'whois-root' },
};

describe('problem texts', () => {
  it('say for every kind what was wrong and what would work, a refusal only where the bot refuses', () => {
    const refusals: string[] = [];
    for (const problem of Object.values(everyKind)) {
      const question = invalidQuestion(problem);
      assert.equal(question.kind, 'invalid');
      assert.ok(question.problem.length > 10 && question.hint.length > 10, JSON.stringify(question));
      if (question.refused) refusals.push(problem.kind);
    }
    assert.deepEqual(refusals.sort(), ['norecurse', 'other-server', 'zone-transfer']);
  });

  it('make the asker’s words inert and say the numbers the grammar found', () => {
    const mention = invalidQuestion({ kind: 'unknown-profile', written: '@alice@example.social', profiles: [] });
    assert.doesNotMatch(mention.problem, /@alice@example\.social/, 'no mention comes back out');
    assert.equal(mention.hint, 'this bot has no other resolvers configured');
    assert.equal(invalidQuestion(everyKind['prefix-length']).problem, '/129 is not a prefix length for IPv6');
    assert.equal(invalidQuestion(everyKind['prefix-length']).hint, 'use /0 to /128');
    assert.equal(invalidQuestion(everyKind['option-not-a-type']).problem, 'nothing after -t is not a record type');
    assert.equal(invalidQuestion(everyKind['address-with-types']).problem, '192.0.2.1 is an address, not a name');
  });
});
