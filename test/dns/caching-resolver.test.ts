import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CacheOptionsError, CachingResolver, cacheTtlSeconds, type CachingResolverOptions } from '../../lib/dns/caching-resolver.ts';
import { DnsNetworkError, DnsTimeoutError } from '../../lib/dns/errors.ts';
import type { DnsQuestion, DnsRecord, DnsResponse, Resolver } from '../../lib/dns/resolver.ts';
import { presentRdata } from '../../lib/dns/wire/rdata-presentation.ts';
import { UpstreamResolver } from '../../lib/dns/upstream-resolver.ts';
import { parseUpstream } from '../../lib/dns/upstream.ts';
import { serverResponse } from '../testkit/dns/fake-name-servers.ts';
import { startDnsTestServer, type DnsTestServer } from '../testkit/dns/dns-test-server.ts';
import { REFUSED_NAME, SERVFAIL_NAME, SILENT_NAME } from '../testkit/dns/test-zone.ts';

const A = 1;
const MX = 15;
const PTR = 12;

describe('CachingResolver in front of a real DNS server on loopback', () => {
  let server: DnsTestServer;
  let upstream: UpstreamResolver;
  // A clock the tests move by hand; it starts far from 0 like a real monotonic clock.
  let clock: number;
  const now = () => clock;
  const caching = (options: Partial<CachingResolverOptions> = {}) =>
    new CachingResolver(upstream, { maxEntries: 100, maxTtlSeconds: 3600, maxNegativeTtlSeconds: 300, now, ...options });
  const asked = (name: string, type = A) => server.queries.filter((q) => q.name === name.toLowerCase() && q.type === type).length;

  before(async () => {
    server = await startDnsTestServer();
    upstream = new UpstreamResolver([parseUpstream(server.address)], 2000);
  });
  after(() => server.close());
  beforeEach(() => {
    server.queries.length = 0;
    clock = 1_000_000;
  });

  it('sends a burst of 50 identical questions upstream once, whatever their case', async () => {
    const resolver = caching();
    const names = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'EXAMPLE.test' : 'example.test'));
    const responses = await Promise.all(names.map((name) => resolver.resolve({ name, type: A })));
    assert.equal(asked('example.test'), 1);
    for (const [i, response] of responses.entries()) {
      assert.deepEqual(
        response.answers.map((r) => presentRdata(r.rdata)),
        ['192.0.2.1'],
      );
      assert.equal(response.question.name, names[i], 'each asker gets its own question back');
    }
    assert.deepEqual(resolver.stats(), { hits: 0, coalesced: 49, misses: 1, hitRate: 0.98, size: 1 });
  });

  it('answers again from the cache, marked as cached, with the TTL that remains', async () => {
    const resolver = caching();
    const first = await resolver.resolve({ name: 'example.test', type: A });
    assert.equal(first.cached, undefined);
    assert.equal(first.answers[0].ttl, 300);
    clock += 120_400;
    const second = await resolver.resolve({ name: 'Example.Test', type: A });
    assert.equal(second.cached, true);
    assert.equal(second.answers[0].ttl, 180);
    assert.equal(second.question.name, 'Example.Test');
    clock += 60_000;
    assert.equal((await resolver.resolve({ name: 'example.test', type: A })).answers[0].ttl, 120);
    assert.equal(asked('example.test'), 1);
    assert.equal(resolver.stats().hits, 2);
  });

  it('asks again once the TTL has run out', async () => {
    const resolver = caching();
    await resolver.resolve({ name: 'example.test', type: A });
    clock += 299_999;
    assert.equal((await resolver.resolve({ name: 'example.test', type: A })).cached, true);
    clock += 1;
    const fresh = await resolver.resolve({ name: 'example.test', type: A });
    assert.equal(fresh.cached, undefined);
    assert.equal(fresh.answers[0].ttl, 300);
    assert.equal(asked('example.test'), 2);
  });

  it('keeps an answer no longer than the maximum TTL', async () => {
    const resolver = caching({ maxTtlSeconds: 60 });
    const first = await resolver.resolve({ name: 'example.test', type: MX });
    assert.equal(first.answers[0].ttl, 3600);
    clock += 59_000;
    assert.equal((await resolver.resolve({ name: 'example.test', type: MX })).answers[0].ttl, 3541);
    clock += 1_000;
    await resolver.resolve({ name: 'example.test', type: MX });
    assert.equal(asked('example.test', MX), 2);
  });

  it('keeps NXDOMAIN for the SOA minimum, capped by the maximum negative TTL', async () => {
    // The test zone's SOA: TTL 3600, MINIMUM 300.
    const uncapped = caching();
    assert.equal((await uncapped.resolve({ name: 'nope.example.test', type: A })).rcode, 3);
    clock += 299_000;
    const cached = await uncapped.resolve({ name: 'nope.example.test', type: A });
    assert.equal(cached.rcode, 3);
    assert.equal(cached.cached, true);
    assert.equal(cached.authorities[0].ttl, 3600 - 299);
    clock += 1_000;
    await uncapped.resolve({ name: 'nope.example.test', type: A });
    assert.equal(asked('nope.example.test'), 2);

    const capped = caching({ maxNegativeTtlSeconds: 30 });
    await capped.resolve({ name: 'nope.example.test', type: A });
    clock += 30_000;
    await capped.resolve({ name: 'nope.example.test', type: A });
    assert.equal(asked('nope.example.test'), 4);
  });

  it('keeps NODATA like NXDOMAIN', async () => {
    const resolver = caching();
    const nodata = await resolver.resolve({ name: 'example.test', type: PTR });
    assert.equal(nodata.answers.length, 0);
    clock += 100_000;
    assert.equal((await resolver.resolve({ name: 'example.test', type: PTR })).cached, true);
    assert.equal(asked('example.test', PTR), 1);
  });

  it('never keeps SERVFAIL or REFUSED', async () => {
    const resolver = caching();
    for (const name of [SERVFAIL_NAME, REFUSED_NAME]) {
      const first = await resolver.resolve({ name, type: A });
      const second = await resolver.resolve({ name, type: A });
      assert.equal(second.rcode, first.rcode);
      assert.equal(second.cached, undefined);
      assert.equal(asked(name), 2, name);
    }
    assert.equal(resolver.stats().size, 0);
  });

  it('never keeps a timeout', async () => {
    const resolver = new CachingResolver(new UpstreamResolver([parseUpstream(server.address)], 200), {
      maxEntries: 10,
      maxTtlSeconds: 60,
      maxNegativeTtlSeconds: 60,
      now,
    });
    await assert.rejects(resolver.resolve({ name: SILENT_NAME, type: A }), DnsTimeoutError);
    const before = asked(SILENT_NAME);
    await assert.rejects(resolver.resolve({ name: SILENT_NAME, type: A }), DnsTimeoutError);
    assert.ok(asked(SILENT_NAME) > before, 'the second lookup went to the server again');
  });

  it('never keeps a network error', async () => {
    const closed = await startDnsTestServer();
    await closed.close();
    const inner = countingResolver(new UpstreamResolver([parseUpstream(`tcp://${closed.address}`)], 1000));
    const resolver = new CachingResolver(inner, { maxEntries: 10, maxTtlSeconds: 60, maxNegativeTtlSeconds: 60, now });
    await assert.rejects(resolver.resolve({ name: 'example.test', type: A }), DnsNetworkError);
    await assert.rejects(resolver.resolve({ name: 'example.test', type: A }), DnsNetworkError);
    assert.equal(inner.calls, 2);
  });

  it('holds no more than maxEntries answers, dropping the least recently used', async () => {
    const resolver = caching({ maxEntries: 3 });
    const names = ['example.test', 'www.example.test', 'web.example.test', '_dmarc.example.test', 'signed.example.test'];
    for (const name of names) await resolver.resolve({ name, type: A });
    assert.equal(resolver.stats().size, 3);
    assert.equal((await resolver.resolve({ name: 'signed.example.test', type: A })).cached, true);
    assert.equal((await resolver.resolve({ name: 'example.test', type: A })).cached, undefined);
    assert.equal(asked('example.test'), 2);
  });

  it('counts expired answers out of its size', async () => {
    const resolver = caching();
    await resolver.resolve({ name: 'example.test', type: A }); // TTL 300
    await resolver.resolve({ name: 'example.test', type: MX }); // TTL 3600
    clock += 300_000;
    assert.equal(resolver.stats().size, 1);
  });

  it('lets one asker give up without failing the others waiting on the same query', async () => {
    const resolver = caching();
    const giveUp = new AbortController();
    const leaving = resolver.resolve({ name: 'example.test', type: A }, giveUp.signal);
    const staying = resolver.resolve({ name: 'example.test', type: A });
    giveUp.abort(new Error('gone'));
    await assert.rejects(leaving, /gone/);
    assert.deepEqual(
      (await staying).answers.map((r) => presentRdata(r.rdata)),
      ['192.0.2.1'],
    );
    assert.equal(asked('example.test'), 1);
  });

  it('passes on the upstreams it wraps', () => {
    assert.deepEqual(caching().upstreams, [server.address]);
  });
});

describe('cacheTtlSeconds', () => {
  const limits = { maxTtlSeconds: 3600, maxNegativeTtlSeconds: 300 };
  const soa = (ttl: number, minimum: number): DnsRecord => ({
    name: 'example.test',
    type: 6,
    ttl,
    rdata: { kind: 'soa', mname: 'ns1.example.test.', rname: 'hostmaster.example.test.', serial: 1, refresh: 7200, retry: 3600, expire: 1209600, minimum },
  });
  const response = (fields: Partial<DnsResponse>): DnsResponse => serverResponse({ name: 'example.test', type: A }, { upstream: 'test', ...fields });
  const record = (type: number, ttl: number): DnsRecord => ({ name: 'example.test', type, ttl, rdata: { kind: 'presented', text: 'x' } });

  it('takes the shortest TTL of the records, and of a CNAME chain', () => {
    assert.equal(cacheTtlSeconds(response({ answers: [record(5, 50), record(A, 200)] }), limits), 50);
    assert.equal(cacheTtlSeconds(response({ answers: [record(A, 0)] }), limits), 0);
  });

  it('takes the smaller of the SOA TTL and MINIMUM for a negative answer (RFC 2308)', () => {
    assert.equal(cacheTtlSeconds(response({ rcode: 3, authorities: [soa(60, 120)] }), limits), 60);
    assert.equal(cacheTtlSeconds(response({ rcode: 3, authorities: [soa(200, 120)] }), limits), 120);
    // NODATA at the end of a CNAME chain: the chain's TTL counts too.
    assert.equal(cacheTtlSeconds(response({ answers: [record(5, 30)], authorities: [soa(200, 120)] }), limits), 30);
  });

  it('does not keep a negative answer without a readable SOA', () => {
    assert.equal(cacheTtlSeconds(response({ rcode: 3 }), limits), 0);
    assert.equal(cacheTtlSeconds(response({ authorities: [{ ...soa(60, 0), rdata: { kind: 'presented', text: '\\# 3 ABCDEF' } }] }), limits), 0);
  });

  it('keeps nothing but NOERROR and NXDOMAIN', () => {
    for (const rcode of [1, 2, 4, 5]) assert.equal(cacheTtlSeconds(response({ rcode, answers: [record(A, 300)] }), limits), 0);
  });
});

describe('CachingResolver options', () => {
  it('refuses sizes and TTLs below 1', () => {
    const inner = countingResolver({ upstreams: ['x'], resolve: () => Promise.reject(new Error('unused')) });
    assert.throws(() => new CachingResolver(inner, { maxEntries: 0, maxTtlSeconds: 60, maxNegativeTtlSeconds: 60 }), CacheOptionsError);
    assert.throws(() => new CachingResolver(inner, { maxEntries: 10, maxTtlSeconds: 1.5, maxNegativeTtlSeconds: 60 }), CacheOptionsError);
  });
});

function countingResolver(inner: Resolver): Resolver & { calls: number } {
  const counting = {
    calls: 0,
    upstreams: inner.upstreams,
    resolve(question: DnsQuestion, signal?: AbortSignal) {
      counting.calls++;
      return inner.resolve(question, signal);
    },
  };
  return counting;
}
