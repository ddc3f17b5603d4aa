import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DnsNetworkError, DnsTimeoutError, NoUpstreamOfFamilyError } from '../../lib/dns/errors.ts';
import type { DnsRecord } from '../../lib/dns/resolver.ts';
import { presentRdata } from '../../lib/dns/wire/rdata-presentation.ts';
import { UpstreamResolver } from '../../lib/dns/upstream-resolver.ts';
import { parseUpstream, parseUpstreamList } from '../../lib/dns/upstream.ts';
import { exchangeUdp } from '../../lib/dns/transport/udp.ts';
import { startDnsTestServer, type DnsTestServer } from '../testkit/dns/dns-test-server.ts';
import { SERVFAIL_NAME, SIGNED_NAME, SILENT_NAME, SPOOFED_NAME, TRUNCATED_NAME, zoneRecords, REFUSED_NAME } from '../testkit/dns/test-zone.ts';

/** The character-strings of a TXT record. */
const texts = (record: DnsRecord) => (record.rdata.kind === 'texts' ? record.rdata.texts : undefined);

describe('UpstreamResolver against a real DNS server on loopback', () => {
  let server: DnsTestServer;
  let resolver: UpstreamResolver;
  before(async () => {
    server = await startDnsTestServer();
    resolver = new UpstreamResolver([parseUpstream(server.address)], 2000);
  });
  after(() => server.close());

  it('decodes every record type of the test zone to its presentation form', async () => {
    for (const record of zoneRecords.filter((r) => !r.expected.startsWith('('))) {
      const response = await resolver.resolve({ name: record.name, type: record.type });
      const data = response.answers.filter((a) => a.type === record.type).map((a) => presentRdata(a.rdata));
      assert.ok(data.includes(record.expected), `${record.name} type ${record.type}: ${JSON.stringify(data)} lacks ${record.expected}`);
    }
  });

  it('sends EDNS0 and the AD bit, DO only when DNSSEC records are asked for, CD when asked', async () => {
    await resolver.resolve({ name: 'example.test', type: 1 });
    const plain = server.queries.at(-1)!;
    assert.deepEqual([plain.edns, plain.authenticData, plain.dnssecOk, plain.checkingDisabled], [true, true, false, false]);
    await resolver.resolve({ name: 'example.test', type: 1, options: { dnssecRecords: true, checkingDisabled: true } });
    const dnssec = server.queries.at(-1)!;
    assert.deepEqual([dnssec.edns, dnssec.authenticData, dnssec.dnssecOk, dnssec.checkingDisabled], [true, true, true, true]);
  });

  it('asks over TCP from the start with +tcp, and keeps to the upstreams of the IP version asked for', async () => {
    assert.equal((await resolver.resolve({ name: 'example.test', type: 1, options: { tcp: true } })).transport, 'tcp');
    assert.equal(server.queries.at(-1)!.transport, 'tcp');
    assert.equal((await resolver.resolve({ name: 'example.test', type: 1, options: { family: 4 } })).rcode, 0);
    await assert.rejects(resolver.resolve({ name: 'example.test', type: 1, options: { family: 6 } }), NoUpstreamOfFamilyError);
  });

  it('reports NXDOMAIN, NODATA, SERVFAIL and REFUSED as responses', async () => {
    assert.equal((await resolver.resolve({ name: 'nope.example.test', type: 1 })).rcode, 3);
    const nodata = await resolver.resolve({ name: 'example.test', type: 12 });
    assert.equal(nodata.rcode, 0);
    assert.equal(nodata.answers.length, 0);
    assert.equal(nodata.authorities[0].type, 6);
    assert.equal((await resolver.resolve({ name: SERVFAIL_NAME, type: 1 })).rcode, 2);
    assert.equal((await resolver.resolve({ name: REFUSED_NAME, type: 1 })).rcode, 5);
  });

  it('reports the AD flag of a validated answer', async () => {
    assert.equal((await resolver.resolve({ name: SIGNED_NAME, type: 1 })).authenticated, true);
    assert.equal((await resolver.resolve({ name: 'example.test', type: 1 })).authenticated, false);
  });

  it('asks again over TCP, on the same port, when the UDP answer is truncated', async () => {
    const response = await resolver.resolve({ name: TRUNCATED_NAME, type: 16 });
    assert.equal(response.transport, 'tcp');
    assert.equal(texts(response.answers[0])!.length, 8);
    const asked = server.queries.filter((q) => q.name === TRUNCATED_NAME).map((q) => q.transport);
    assert.deepEqual(asked.slice(-2), ['udp', 'tcp']);
  });

  it('ignores an answer with the wrong id and takes the real one', async () => {
    const response = await resolver.resolve({ name: SPOOFED_NAME, type: 1 });
    assert.deepEqual(
      response.answers.map((a) => presentRdata(a.rdata)),
      ['192.0.2.99'],
    );
  });

  it('keeps the strings of a TXT record apart and decodes UTF-8', async () => {
    const response = await resolver.resolve({ name: 'evil.example.test', type: 16 });
    assert.equal(texts(response.answers[0])![0], '@someone@example.social #tag');
  });

  it('times out on a server that never answers, over UDP and TCP', async () => {
    const quick = new UpstreamResolver(parseUpstreamList(`${server.address},tcp://${server.address}`), 300);
    await assert.rejects(quick.resolve({ name: SILENT_NAME, type: 1 }), DnsTimeoutError);
  });

  it('fails over to the next upstream on timeout and on an unreachable one', async () => {
    const closed = await startDnsTestServer();
    await closed.close();
    const failover = new UpstreamResolver(parseUpstreamList(`tcp://${closed.address},${server.address}`), 1000);
    const response = await failover.resolve({ name: 'example.test', type: 1 });
    assert.equal(response.upstream, server.address);
    const onlyDead = new UpstreamResolver([parseUpstream(`tcp://${closed.address}`)], 1000);
    await assert.rejects(onlyDead.resolve({ name: 'example.test', type: 1 }), DnsNetworkError);
  });

  it('speaks DNS over HTTPS (RFC 8484 POST) to a DoH endpoint', async () => {
    // A DoH front end on loopback that relays to the test server, as a DoH proxy does.
    const doh = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      assert.equal(request.headers['content-type'], 'application/dns-message');
      const answer = await exchangeUdp(server.host, server.port, Buffer.concat(chunks), () => true, AbortSignal.timeout(2000));
      response.writeHead(200, { 'content-type': 'application/dns-message' }).end(answer);
    });
    await new Promise<void>((resolve) => doh.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = doh.address() as { port: number };
      // Plain http on loopback: the transport is the same fetch, TLS aside.
      const upstream = { protocol: 'https' as const, url: `http://127.0.0.1:${port}/dns-query`, label: 'doh' };
      const response = await new UpstreamResolver([upstream], 2000).resolve({ name: 'example.test', type: 15 });
      assert.equal(response.transport, 'doh');
      assert.equal(response.answers.length, 2);
    } finally {
      doh.close();
    }
  });
});

describe('parseUpstream', () => {
  it('reads every configured form', () => {
    assert.deepEqual(parseUpstream('9.9.9.9'), { protocol: 'udp', host: '9.9.9.9', port: 53, label: '9.9.9.9' });
    assert.deepEqual(parseUpstream('127.0.0.1:5353'), { protocol: 'udp', host: '127.0.0.1', port: 5353, label: '127.0.0.1:5353' });
    assert.deepEqual(parseUpstream('[::1]:5353'), { protocol: 'udp', host: '::1', port: 5353, label: '[::1]:5353' });
    assert.deepEqual(parseUpstream('2620:fe::fe'), { protocol: 'udp', host: '2620:fe::fe', port: 53, label: '[2620:fe::fe]' });
    assert.equal(parseUpstream('tcp://127.0.0.1:53').protocol, 'tcp');
    assert.equal(parseUpstream('udp://127.0.0.1:53').protocol, 'udp');
    assert.equal(parseUpstream('https://dns.example/dns-query').protocol, 'https');
    assert.throws(() => parseUpstream('127.0.0.1:99999'), /valid port/);
    assert.throws(() => parseUpstream('ftp://x'), /not host/);
  });
});
