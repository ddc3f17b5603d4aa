/**
 * The engine's +trace answers with fake authoritative servers: what each
 * kind of stop says, that data from referrals is shown inert, what a trace
 * costs, and how help and info tell about it. test/dns/trace-hierarchy.test.ts
 * traces through NSD.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsTimeoutError } from '../../lib/dns/errors.ts';
import { RecordType } from '../../lib/dns/record-types.ts';
import type { ServerQuery } from '../../lib/dns/trace/name-server.ts';
import { readEngineConfig } from '../../lib/engine/config.ts';
import { LookingGlass, traceCost } from '../../lib/engine/looking-glass.ts';
import { addressRecord, authoritativeAnswer, referral } from '../testkit/dns/fake-name-servers.ts';

const ROOT = '198.41.0.4';

function engineOver(traceQuery: ServerQuery, env: Record<string, string> = {}) {
  return new LookingGlass(readEngineConfig({ DNS_UPSTREAM: '127.0.0.1:9', BGP_SOURCE: 'off', DNS_ROOT_HINTS: ROOT, ...env }), { traceQuery });
}
const lines = async (engine: LookingGlass, text: string) => (await engine.answer(text)).lines.map((l) => l.text);

describe('+trace in the engine', () => {
  it('shows hostile NS names inert, counts a huge NS set, and ends at glue pointing into a private network', async () => {
    const hostile = ['@alice@evil.example', '#tag.example', 'x\u202e\u0007.example'];
    const engine = engineOver(async (_server, question) =>
      referral(question, 'example', [
        ...hostile.map((name) => ({ name })),
        ...Array.from({ length: 497 }, (_, i) => ({ name: `ns${i}.example`, addresses: i === 0 ? ['10.0.0.53'] : [] })),
      ]),
    );
    const text = (await lines(engine, 'www.example +trace')).join('\n');
    assert.match(text, /→ referral to example\. \(500 NS\)/);
    assert.match(
      text,
      /🚫 Stopped at example\.: ns0\.example \(10\.0\.0\.53\) is private-use \(RFC 1918\), not on the public Internet, and I send no query there\./,
    );
    const engine2 = engineOver(async (_server, question) =>
      referral(
        question,
        'example',
        hostile.map((name) => ({ name })),
      ),
    );
    const withNames = (await lines(engine2, 'www.example +trace')).join('\n');
    assert.doesNotMatch(withNames, /(^|\s)[@#][a-z]/u);
    assert.ok(!withNames.includes('\u202e') && !withNames.includes('\u0007'), 'no bidi override or control character');
    // The second @ follows a letter: no server reads a mention there (safe-text.ts).
    assert.match(withNames, /＠alice@evil\.example/);
    assert.match(
      withNames,
      /delegated to ＠alice@evil\.example, ♯tag\.example, x\[U\+202E\]\[U\+0007\]\.example without glue, and none of those names resolves\./,
    );
  });

  it('stops before asking about a forbidden name that a CNAME or a glueless name server leads to', async () => {
    const asked: string[] = [];
    const engine = engineOver(async (_server, question) => {
      asked.push(question.name);
      if (question.name === 'www.evil.example')
        return authoritativeAnswer(question, [
          { name: 'www.evil.example', type: RecordType.CNAME, ttl: 300, rdata: { kind: 'name', target: 'printer.corp.' } },
        ]);
      return referral(question, 'example', [{ name: 'ns.internal' }]);
    });
    assert.match(
      (await lines(engine, 'www.evil.example +trace')).join('\n'),
      /🚫 Stopped before asking about printer\.corp: names under \.corp belong to private networks/,
    );
    assert.match((await lines(engine, 'www.other.example +trace')).join('\n'), /🚫 Stopped before asking about ns\.internal: names under \.internal/);
    assert.deepEqual(asked, ['www.evil.example', 'www.other.example'], 'no query about a forbidden name');
  });

  it('says a server that does not answer in time, then that none did, and costs a few questions', async () => {
    const engine = engineOver(
      async (server, question) => {
        if (server.address === ROOT)
          return referral(question, 'example', [
            { name: 'a.example', addresses: ['203.0.113.1'] },
            { name: 'b.example', addresses: ['203.0.113.2'] },
          ]);
        throw new DnsTimeoutError(server.address, 3000);
      },
      { DNS_TRACE_ALLOW_PRIVATE: 'true' },
    ); // 203.0.113.0/24 is documentation space, refused otherwise
    const answer = await engine.answer('www.example +trace');
    const text = answer.lines.map((l) => l.text);
    assert.equal(text[2], '⏳ example. a.example (203.0.113.1) → no answer within 3.0 s: trying the next server');
    assert.equal(text[3], '⏳ example. b.example (203.0.113.2) → no answer within 3.0 s');
    assert.equal(text[4], '⏳ Stopped at example.: none of its 2 servers answered.');
    assert.equal(answer.cost, 3);
  });

  it('gives the final records and a cost that grows with the queries', async () => {
    const engine = engineOver(async (server, question) =>
      server.address === ROOT
        ? referral(question, 'example', [{ name: 'ns.example', addresses: ['193.0.14.129'] }])
        : authoritativeAnswer(question, [addressRecord('www.example', '192.0.2.80')]),
    );
    assert.deepEqual((await lines(engine, 'www.example +trace')).slice(1, 4), [
      `. ${ROOT} → referral to example. (1 NS), 1 ms`,
      'example. ns.example (193.0.14.129) → answer (AA): 1 record, 1 ms',
      'www.example. 300 A 192.0.2.80',
    ]);
    assert.deepEqual([0, 3, 15, 16, 60].map(traceCost), [3, 3, 3, 4, 12]);
  });

  it('is explained in help and info', async () => {
    const engine = engineOver(async (_server, question) => authoritativeAnswer(question, [], RecordType.A));
    assert.match((await lines(engine, 'help')).join('\n'), /\+trace after a name: I resolve it from the root servers myself, like dig \+trace/);
    assert.match(
      (await lines(engine, 'info')).join('\n'),
      /\+trace: from root hints 198\.41\.0\.4; at most 30 referrals, 60 queries and 15 s; only to public addresses; counts as 3 or more questions\./,
    );
    const iana = new LookingGlass(readEngineConfig({ DNS_UPSTREAM: '127.0.0.1:9', BGP_SOURCE: 'off' }));
    assert.match((await lines(iana, 'info')).join('\n'), /\+trace: from the IANA root servers \(26 addresses\)/);
  });
});
