/**
 * The iterative resolver's rules with a fake network: what it believes, where
 * it refuses to send, when it stops. test/dns/trace-hierarchy.test.ts meets
 * real servers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dns2 from 'dns2';
import { DnsNetworkError } from '../../lib/dns/errors.ts';
import { RecordType } from '../../lib/dns/record-types.ts';
import type { DnsQuestion, DnsResponse } from '../../lib/dns/resolver.ts';
import { TraceLimitError, UnroutableAddressError } from '../../lib/dns/trace/errors.ts';
import { IterativeResolver, type TraceLimits } from '../../lib/dns/trace/iterative-resolver.ts';
import type { NameServer } from '../../lib/dns/trace/name-server.ts';
import { encodeQuery } from '../../lib/dns/wire/message.ts';
import { addressRecord, authoritativeAnswer, referral, serverResponse } from '../testkit/dns/fake-name-servers.ts';

const ROOT = '198.41.0.4';
const limits: TraceLimits = { maxReferrals: 30, maxQueries: 60, timeoutMs: 5000 };
type Answering = (server: NameServer, question: DnsQuestion) => DnsResponse | Promise<DnsResponse>;

/** A resolver over `answer`, refusing 10.0.0.0/8 as the policy would; `asked` lists every address a query went to. */
function resolverOver(answer: Answering, overrides: Partial<TraceLimits> = {}) {
  const asked: string[] = [];
  const resolver = new IterativeResolver({
    rootHints: [{ address: ROOT, port: 53 }],
    ask: async (server, question) => {
      asked.push(server.address);
      assert.equal(question.options?.nonRecursive, true, 'every trace query goes without RD');
      return answer(server, question);
    },
    refuseAddress: (address) => (address.version === 4 && address.bytes[0] === 10 ? 'private-use (RFC 1918)' : undefined),
    limits: { ...limits, ...overrides },
  });
  return { resolver, asked };
}

describe('the iterative resolver', () => {
  it('asks without RD: the wire query has the bit cleared only when asked to', () => {
    const rd = (nonRecursive: boolean) =>
      dns2.Packet.Header.parse(encodeQuery({ name: 'example.com', type: 1, options: { nonRecursive } }, { id: 1, edns: true }).subarray(0, 12)).rd;
    assert.deepEqual([rd(true), rd(false)], [0, 1]);
  });

  it('ends the trace at glue that points to a refused address, before any query goes there', async () => {
    const { resolver, asked } = resolverOver((server, question) =>
      server.address === ROOT ? referral(question, 'com', [{ name: 'a.gtld-servers.net', addresses: ['10.0.0.53'] }]) : assert.fail('asked a refused address'),
    );
    const trace = await resolver.trace({ name: 'example.com', type: RecordType.A });
    assert.ok(trace.failure instanceof UnroutableAddressError);
    assert.equal(trace.failure.reason, 'private-use (RFC 1918)');
    assert.deepEqual(asked, [ROOT]);
  });

  it('believes glue only for names in the zone of the server that gave it', async () => {
    const { resolver, asked } = resolverOver((server, question) => {
      if (server.address === ROOT && question.name === 'www.example.com')
        return referral(question, 'com', [{ name: 'ns.example.net', addresses: ['192.0.2.66'] }]);
      if (server.address === ROOT) return referral(question, 'net', [{ name: 'a.net-servers.net', addresses: ['198.51.100.1'] }]);
      if (question.name === 'ns.example.net') return authoritativeAnswer(question, [addressRecord('ns.example.net', '203.0.113.5')]);
      return authoritativeAnswer(question, [addressRecord('www.example.com', '192.0.2.1')]);
    });
    const trace = await resolver.trace({ name: 'www.example.com', type: RecordType.A });
    assert.equal(trace.failure, undefined);
    // The root may give glue for any name; in the test it pointed ns.example.net at 192.0.2.66, which the com servers could not have said.
    assert.ok(asked.includes('192.0.2.66'));
    assert.deepEqual(
      trace.answer?.records.map((r) => r.name),
      ['www.example.com'],
    );
  });

  it('ignores out-of-bailiwick glue from a server below the root and resolves the name instead', async () => {
    const { resolver, asked } = resolverOver((server, question) => {
      if (server.address === ROOT && question.name === 'ns.elsewhere.net') return referral(question, 'net', [{ name: 'a.net', addresses: ['198.51.100.1'] }]);
      if (server.address === ROOT) return referral(question, 'com', [{ name: 'a.com', addresses: ['198.51.100.2'] }]);
      if (server.address === '198.51.100.2') return referral(question, 'example.com', [{ name: 'ns.elsewhere.net', addresses: ['192.0.2.66'] }]);
      if (server.address === '198.51.100.1') return authoritativeAnswer(question, [addressRecord('ns.elsewhere.net', '203.0.113.5')]);
      return authoritativeAnswer(question, [addressRecord('www.example.com', '192.0.2.1')]);
    });
    const trace = await resolver.trace({ name: 'www.example.com', type: RecordType.A });
    assert.equal(trace.failure, undefined);
    assert.ok(!asked.includes('192.0.2.66'), `asked ${asked.join(', ')}`);
    assert.ok(asked.includes('203.0.113.5'));
    assert.ok(trace.steps.some((s) => s.resolving === 'ns.elsewhere.net'));
  });

  it('stops after maxReferrals referrals', async () => {
    const { resolver } = resolverOver(
      (server, question) => {
        // Each server refers one label further down a very long name.
        const depth = Number(server.name?.split('.')[0].slice(2) ?? 0);
        const zone = question.name
          .split('.')
          .slice(-(depth + 1))
          .join('.');
        return referral(question, zone, [{ name: `ns${depth + 1}.${zone}`, addresses: [`192.0.2.${depth + 1}`] }]);
      },
      { maxReferrals: 5 },
    );
    const name = Array.from({ length: 12 }, (_, i) => `l${i}`).join('.');
    const trace = await resolver.trace({ name, type: RecordType.A });
    assert.ok(trace.failure instanceof TraceLimitError);
    assert.equal(trace.failure.limit, 'referrals');
    assert.equal(trace.referrals, 6);
  });

  it('stops after maxQueries queries, counting the servers that did not answer', async () => {
    const servers = Array.from({ length: 100 }, (_, i) => ({ name: `ns${i}.example`, addresses: [`192.0.2.${i + 1}`] }));
    const { resolver, asked } = resolverOver(
      (server, question) => {
        if (server.address === ROOT) return referral(question, 'example', servers);
        throw new DnsNetworkError(server.address, 'unreachable');
      },
      { maxQueries: 10 },
    );
    const trace = await resolver.trace({ name: 'www.example', type: RecordType.A });
    assert.ok(trace.failure instanceof TraceLimitError);
    assert.equal(trace.failure.limit, 'queries');
    assert.equal(asked.length, 10);
    assert.equal(trace.steps.filter((s) => s.outcome.kind === 'no-answer').length, 9);
  });

  it('stops when its time is up, with the steps it made', async () => {
    const { resolver } = resolverOver(
      (server, question) =>
        server.address === ROOT ? referral(question, 'example', [{ name: 'ns.example', addresses: ['192.0.2.1'] }]) : new Promise(() => {}),
      { timeoutMs: 200 },
    );
    const started = Date.now();
    const trace = await resolver.trace({ name: 'www.example', type: RecordType.A });
    assert.ok(trace.failure instanceof TraceLimitError && trace.failure.limit === 'time', String(trace.failure));
    assert.ok(Date.now() - started < 2000);
    assert.equal(trace.steps.length, 1);
  });

  it('keeps to the addresses of one IP version with -4 or -6', async () => {
    const { resolver, asked } = resolverOver((server, question) =>
      server.address === ROOT
        ? referral(question, 'example', [{ name: 'ns.example', addresses: ['2001:db8::1', '192.0.2.1'] }])
        : authoritativeAnswer(question, [addressRecord('www.example', '192.0.2.80')]),
    );
    await resolver.trace({ name: 'www.example', type: RecordType.A, options: { family: 4 } });
    assert.deepEqual(asked, [ROOT, '192.0.2.1']);
  });

  it('tries the next server after a lame one', async () => {
    const { resolver } = resolverOver((server, question) => {
      if (server.address === ROOT)
        return referral(question, 'example', [
          { name: 'a.example', addresses: ['192.0.2.1'] },
          { name: 'b.example', addresses: ['192.0.2.2'] },
        ]);
      if (server.address === '192.0.2.1') return serverResponse(question, { rcode: 5 });
      return authoritativeAnswer(question, [addressRecord('www.example', '192.0.2.80')]);
    });
    const trace = await resolver.trace({ name: 'www.example', type: RecordType.A });
    assert.deepEqual(
      trace.steps.map((s) => s.outcome.kind),
      ['referral', 'lame', 'answer'],
    );
    assert.equal(trace.answer?.records.length, 1);
  });
});
