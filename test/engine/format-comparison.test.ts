/**
 * How a comparison is put in words, for answers the real resolvers of
 * test/dns/compare-resolvers.test.ts do not give on demand: ties, failures
 * all round, the same EDE everywhere, no data against data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsTimeoutError } from '../../lib/dns/errors.ts';
import type { DnsResponse, ExtendedDnsError, Resolver } from '../../lib/dns/resolver.ts';
import { compareResolvers } from '../../lib/engine/compare-resolvers.ts';
import { formatComparison } from '../../lib/engine/answer/format-comparison.ts';
import { parseQuestion } from '../../lib/engine/question/parse-question.ts';
import type { DnsQuestionRequest } from '../../lib/engine/question/question.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';
import { serverResponse } from '../testkit/dns/fake-name-servers.ts';

const question = parseQuestion('www.example.com compare', { profiles: [], maxTypes: 5 }) as DnsQuestionRequest;

/** A resolver that gives `fields` for any question, or times out. */
function resolver(fields: { rcode?: number; addresses?: string[]; ad?: boolean; ede?: ExtendedDnsError[] } | 'timeout'): Resolver {
  return {
    upstreams: ['127.0.0.1:5353'],
    async resolve(q): Promise<DnsResponse> {
      if (fields === 'timeout') throw new DnsTimeoutError('127.0.0.1:5353', 1000);
      return serverResponse(q, {
        rcode: fields.rcode ?? 0,
        authenticated: fields.ad ?? false,
        answers: (fields.addresses ?? []).map((a) => ({ name: q.name, type: 1, ttl: 300, rdata: { kind: 'address', address: parseIpAddress(a)! } })),
        extendedErrors: fields.ede ?? [],
        upstream: '127.0.0.1:5353',
        elapsedMs: 2,
      });
    },
  };
}

async function compare(resolvers: Record<string, Resolver>): Promise<string> {
  const map = new Map(Object.entries(resolvers).map(([name, r]) => [name === 'default' ? '' : name, r]));
  const comparison = await compareResolvers(map, question, 8, undefined);
  return formatComparison(question, comparison)
    .map((line) => line.text)
    .join('\n');
}

describe('formatComparison', () => {
  it('on a tie sides with the validated answer, not with the default resolver', async () => {
    const out = await compare({
      default: resolver({ addresses: ['198.51.100.66'] }),
      a: resolver({ addresses: ['192.0.2.1'], ad: true }),
    });
    assert.match(out, /^• default gives other addresses/m);
  });

  it('on a tie with nothing to choose by, names no side the truth', async () => {
    const out = await compare({
      default: resolver({ addresses: ['198.51.100.66'] }),
      b: resolver({ addresses: ['198.51.100.66'] }),
      c: resolver({ addresses: ['192.0.2.1'] }),
      d: resolver({ addresses: ['192.0.2.1'] }),
    });
    assert.match(out, /^• no answer has a majority: default, b \| c, d give different answers$/m);
    assert.doesNotMatch(out, /other addresses/);
  });

  it('says once what every resolver says, and agrees on a failure without a DNSSEC verdict', async () => {
    const bogus = { rcode: 2, ede: [{ code: 6, text: 'validation failure' }] };
    const out = await compare({ default: resolver(bogus), a: resolver({ ...bogus, ede: [{ code: 6, text: 'other words' }] }) });
    assert.match(out, /^⚠️ All 2 agree: SERVFAIL$/m);
    assert.match(out, /^ℹ️ All say DNSSEC bogus \(EDE 6\)$/m);
    assert.doesNotMatch(out, /differ|validated/);
  });

  it('says that none answered, rather than how they differ', async () => {
    const out = await compare({ default: resolver('timeout'), a: resolver('timeout') });
    assert.match(out, /^⚠️ None of the 2 resolvers answered\.$/m);
    assert.doesNotMatch(out, /differ/);
  });

  it('tells no data from other data', async () => {
    const out = await compare({
      default: resolver({ addresses: ['192.0.2.1'] }),
      a: resolver({ addresses: ['192.0.2.1'] }),
      b: resolver({ addresses: [] }),
    });
    assert.match(out, /^• b alone gives no A record, where the others give data$/m);
  });
});
