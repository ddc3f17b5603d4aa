import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { infoLines, type EngineInfo } from '../../lib/engine/answer/info-text.ts';
import { forbiddenNameLines, invalidQuestionLines, privateZoneReason } from '../../lib/engine/answer/refusals.ts';
import { CachingResolver } from '../../lib/dns/caching-resolver.ts';
import type { Resolver } from '../../lib/dns/resolver.ts';
import { ianaRootHints } from '../../lib/dns/trace/root-hints.ts';

/** A resolver that is only looked at, never asked. */
const resolverAt = (...upstreams: string[]): Resolver => ({ upstreams, resolve: () => Promise.reject(new Error('not asked')) });

const info: EngineInfo = {
  resolvers: new Map([
    ['', new CachingResolver(resolverAt('192.0.2.53'), { maxEntries: 10, maxTtlSeconds: 60, maxNegativeTtlSeconds: 60 })],
    ['cn', resolverAt('198.51.100.53', 'tcp:198.51.100.54')],
  ]),
  compared: 2,
  compareMax: 8,
  bgp: false,
  trace: { rootHints: ianaRootHints, timeoutMs: 15_000, allowPrivate: false },
  traceLimits: { maxReferrals: 30, maxQueries: 60 },
  traceCost: 3,
  added: [{ text: 'Watches: 2 running.' }],
  upMs: 90_000,
  answered: 7,
};

describe('the answer to info', () => {
  it('tells the resolvers, the comparison, the trace’s limits, the caches and what other parts add', () => {
    const lines = infoLines(info).map((line) => line.text);
    assert.equal(lines[0], 'fedidig: a DNS looking glass on the fediverse. Mention me with a name, or send “help”.');
    assert.equal(lines[1], 'Resolver: 192.0.2.53');
    assert.equal(lines[2], 'Other resolvers (via NAME): cn (198.51.100.53, tcp:198.51.100.54)');
    assert.equal(lines[3], '“compare” asks 2 of them at once (DNS_COMPARE_MAX 8)');
    assert.match(
      lines[4]!,
      /^\+trace: from the IANA root servers \(\d+ addresses\); at most 30 referrals, 60 queries and 15 s; only to public addresses; counts as 3 or more questions\.$/,
    );
    assert.equal(lines[5], 'DNS cache: 0 answers, 0 % hits (0 hits, 0 shared, 0 asked)', 'only the caching resolver has a cache line');
    assert.equal(lines[6], 'Watches: 2 running.');
    assert.match(lines[7]!, /^Up .+, 7 questions answered\.$/);
    assert.equal(lines.length, 8);
  });

  it('names BGP when a source is configured, and root hints of a lab', () => {
    const lines = infoLines({ ...info, bgp: true, trace: { rootHints: [{ address: '127.0.0.1', port: 53 }], timeoutMs: 2000, allowPrivate: true } }).map(
      (l) => l.text,
    );
    assert.match(lines[0]!, /a DNS and BGP looking glass/);
    assert.ok(
      lines.some((line) => line.startsWith('+trace: from root hints 127.0.0.1; at most 30 referrals, 60 queries and 2 s; private addresses allowed (a lab)')),
    );
  });
});

describe('refusals', () => {
  it('say why a forbidden name is not asked in the same words for a question and for a trace', () => {
    assert.deepEqual(forbiddenNameLines('corp'), [
      { text: '🚫 I do not look up names under .corp: they belong to private networks, and the operator keeps them out of reach. Ask about a public name.' },
    ]);
    assert.equal(privateZoneReason('10.in-addr.arpa'), 'names under 10.in-addr.arpa belong to private networks, and the operator keeps them out of reach');
  });

  it('tell a misreading from a refusal, with what would work', () => {
    assert.deepEqual(invalidQuestionLines({ kind: 'invalid', problem: 'your question has 17 words', hint: 'ask one name' }), [
      { text: '🤔 I could not read that: your question has 17 words.' },
      { text: 'Ask one name. Send “help” for examples.' },
    ]);
    assert.equal(
      invalidQuestionLines({ kind: 'invalid', problem: 'zone transfers are not offered', hint: 'ask for types', refused: true })[0]!.text,
      '🚫 Zone transfers are not offered.',
    );
  });
});
