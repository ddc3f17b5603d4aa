import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseIpAddress } from '../../lib/net/ip-address.ts';
import { addressService, asnService, domainService, parseBootstrap, publicationOf } from '../../lib/rdap/bootstrap.ts';
import { loadBootstrapDir } from '../../lib/rdap/bootstrap-file.ts';
import { BootstrapStore, REFRESH_INTERVAL_MS, shippedBootstrap } from '../../lib/rdap/bootstrap-store.ts';
import { FetchRefusedError } from '../../lib/net/fetch-errors.ts';
import { BootstrapFormatError, NoRdapServiceError } from '../../lib/rdap/errors.ts';
import { silentLogger } from '../../lib/ops/logger.ts';
import { rdapFetchTrusting, startRdapServer, writeBootstrapDir, type RdapTestServer } from '../testkit/rdap/rdap-server.ts';
import { testFolders } from '../testkit/temporary-folder.ts';

const file = (services: [string[], string[]][], publication = '2026-12-01T00:00:00Z') => ({ publication, services, version: '1.0' });
const ip = (text: string) => parseIpAddress(text)!;

describe('the bootstrap registries (RFC 9224)', () => {
  const bootstrap = parseBootstrap({
    dns: file([
      [['uk'], ['https://uk.example/rdap']],
      [['co.uk'], ['http://co-uk.example/', 'https://co-uk.example/rdap/']],
      [['plain'], ['http://plain.example/']],
    ]),
    ipv4: file([
      [['193.0.0.0/8'], ['https://ripe.example/']],
      [['193.0.0.0/16'], ['https://more.example/']],
    ]),
    ipv6: file([[['2a00::/12'], ['https://ripe.example/']]]),
    asn: file([[['1-1876', '3333'], ['https://arin.example/']]], '2026-11-30T00:00:00Z'),
  });

  it('picks the longest matching labels, the https URL with a trailing slash', () => {
    assert.equal(domainService(bootstrap, 'example.co.uk'), 'https://co-uk.example/rdap/');
    assert.equal(domainService(bootstrap, 'example.uk'), 'https://uk.example/rdap/');
    assert.throws(
      () => domainService(bootstrap, 'example.plain'),
      (error: unknown) => error instanceof NoRdapServiceError && error.httpOnly && error.what === '.plain',
    );
    assert.throws(
      () => domainService(bootstrap, 'example.nosuch'),
      (error: unknown) => error instanceof NoRdapServiceError && !error.httpOnly,
    );
  });

  it('picks the longest prefix that holds an address or a prefix', () => {
    assert.equal(addressService(bootstrap, ip('193.0.6.139')), 'https://more.example/');
    assert.equal(addressService(bootstrap, ip('193.1.0.0')), 'https://ripe.example/');
    // A prefix shorter than the more-specific entry is the less-specific one's.
    assert.equal(addressService(bootstrap, ip('193.0.0.0'), 8), 'https://ripe.example/');
    assert.equal(addressService(bootstrap, ip('2a01::1')), 'https://ripe.example/');
    assert.throws(() => addressService(bootstrap, ip('8.8.8.8')), NoRdapServiceError);
  });

  it('finds AS numbers in ranges and singletons, and knows the oldest publication', () => {
    assert.equal(asnService(bootstrap, 1876), 'https://arin.example/');
    assert.equal(asnService(bootstrap, 3333), 'https://arin.example/');
    assert.throws(() => asnService(bootstrap, 1877), NoRdapServiceError);
    assert.equal(publicationOf(bootstrap)?.toISOString(), '2026-11-30T00:00:00.000Z');
  });

  it('refuses files that are not RFC 9224, naming the file', () => {
    const good = { dns: file([]), ipv4: file([]), ipv6: file([]), asn: file([]) };
    assert.throws(() => parseBootstrap({ ...good, asn: { services: 'x' } }), /asn\.json: no "services" array/);
    assert.throws(() => parseBootstrap({ ...good, ipv4: file([[['2a00::/12'], ['https://x/']]]) }), /ipv4\.json: service 1: “2a00::\/12” is not an entry/);
    assert.throws(() => parseBootstrap({ ...good, dns: [] }), BootstrapFormatError);
    // The URLs not in an array: the files are JSON of any shape to the parser.
    assert.throws(() => parseBootstrap({ ...good, dns: { ...file([]), services: [[['com'], 'https://x/']] } }), /dns\.json: service 1 is not/);
  });

  it('ships a dated copy that parses and knows the RIRs and .com', () => {
    const shipped = shippedBootstrap();
    assert.ok(publicationOf(shipped));
    assert.equal(domainService(shipped, 'example.com'), 'https://rdap.verisign.com/com/v1/');
    assert.equal(addressService(shipped, ip('193.0.6.139')), 'https://rdap.db.ripe.net/');
    assert.equal(addressService(shipped, ip('2600::1')), 'https://rdap.arin.net/registry/');
    assert.equal(asnService(shipped, 3333), 'https://rdap.db.ripe.net/');
    // No range of one registry overlaps another's.
    const ranges = shipped.asn.entries.toSorted((a, b) => a.first - b.first);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i]!.first > ranges[i - 1]!.last, `AS${ranges[i]!.first} overlaps`);
  });
});

describe('the bootstrap store', { timeout: 60_000 }, () => {
  let server: RdapTestServer;
  const folders = testFolders();
  const folder = () => folders.make('fedidig-bootstrap-');
  const fetch = () => rdapFetchTrusting(server.ca, { timeoutMs: 2000 });
  const iana = (publication: string) => {
    for (const [name, services] of Object.entries({
      dns: [[['test'], ['https://registry.example/']]],
      ipv4: [[['193.0.0.0/8'], ['https://ripe.example/']]],
      ipv6: [],
      asn: [[['3333'], ['https://ripe.example/']]],
    })) {
      server.answer(`/iana/${name}.json`, { json: { publication, services, version: '1.0' } });
    }
  };

  before(async () => {
    server = await startRdapServer();
  });
  after(async () => {
    await server.close();
    folders.removeAll();
  });

  it('starts from the shipped copy, refreshes into STATE_DIR at most once a day, and starts from the refresh after a restart', async () => {
    iana('2026-12-04T12:00:00Z');
    const stateDir = folder();
    let now = Date.now();
    const options = { stateDir, refreshUrl: `${server.url}iana/`, fetch: fetch(), logger: silentLogger(), now: () => now };
    const store = await BootstrapStore.open(options);
    assert.equal(await store.refreshIfDue(), true);
    assert.deepEqual(store.info(), { origin: 'refreshed', publication: new Date('2026-12-04T12:00:00Z') });
    assert.equal(domainService(store.current(), 'example.test'), 'https://registry.example/');
    assert.equal(JSON.parse(readFileSync(join(stateDir, 'rdap-bootstrap', 'asn.json'), 'utf8')).publication, '2026-12-04T12:00:00Z');
    const asked = server.requests.length;
    now += REFRESH_INTERVAL_MS - 1000;
    assert.equal(await store.refreshIfDue(), false);
    assert.equal(server.requests.length, asked, 'nothing asked within the day');
    // A restart within the day uses the files in STATE_DIR and asks nothing.
    const restarted = await BootstrapStore.open(options);
    assert.equal(restarted.info().origin, 'refreshed');
    assert.equal(server.requests.length, asked);
    // A day later, the next refresh.
    iana('2026-12-05T12:00:00Z');
    now += 2000;
    assert.equal(await restarted.refreshIfDue(), true);
    assert.equal(restarted.info().publication?.toISOString(), '2026-12-05T12:00:00.000Z');
  });

  it('keeps what it has when a refresh fails, and says so in a log event', async () => {
    const stateDir = folder();
    const events: unknown[] = [];
    const logger = silentLogger();
    logger.warn = ((fields: unknown) => events.push(fields)) as typeof logger.warn;
    server.answer('/broken/dns.json', { status: 503 });
    const store = await BootstrapStore.open({ stateDir, refreshUrl: `${server.url}broken/`, fetch: fetch(), logger });
    assert.equal(await store.refreshIfDue(), false);
    assert.equal(store.info().origin, 'shipped');
    assert.deepEqual(events, [{ event: 'rdap-bootstrap-error', error: '127.0.0.1 answered with HTTP status 503', errorType: 'RdapStatusError' }]);
    assert.ok(statSync(join(stateDir, 'rdap-bootstrap', 'last-attempt')).isFile(), 'the attempt is remembered across restarts');
  });

  it('uses an operator’s folder as it is, and never refreshes it', async () => {
    const dir = writeBootstrapDir(folder(), { dns: [[['op'], ['https://op.example/']]], ipv4: [], ipv6: [], asn: [] }, '2020-01-01T00:00:00Z');
    const ianaAsked = () => server.requests.filter((path) => path.startsWith('/iana/')).length;
    const asked = ianaAsked();
    const store = await BootstrapStore.open({ operatorDir: dir, stateDir: folder(), refreshUrl: `${server.url}iana/`, fetch: fetch(), logger: silentLogger() });
    assert.equal(await store.refreshIfDue(), false);
    assert.deepEqual(store.info(), { origin: 'operator', publication: new Date('2020-01-01T00:00:00Z'), dir });
    assert.equal(domainService(store.current(), 'x.op'), 'https://op.example/');
    assert.equal(ianaAsked(), asked);
    try {
      // Replaced by the operator: the new file is loaded (SIGHUP, or the watch); a broken one leaves the last good one answering.
      writeBootstrapDir(dir, { dns: [[['op2'], ['https://op2.example/']]], ipv4: [], ipv6: [], asn: [] }, '2021-01-01T00:00:00Z');
      assert.equal(await store.reload(), true);
      assert.equal(domainService(store.current(), 'x.op2'), 'https://op2.example/');
      writeFileSync(join(dir, 'dns.json'), '{"services": 5}');
      await store.reload();
      assert.equal(domainService(store.current(), 'x.op2'), 'https://op2.example/');
    } finally {
      store.close();
    }
    await assert.rejects(loadBootstrapDir(dir), /dns\.json: no "services" array/);
    await assert.rejects(BootstrapStore.open({ operatorDir: dir, logger: silentLogger() }), /dns\.json/);
  });

  it('keeps the operator’s files as snapshots in STATE_DIR, from which a restart answers', async () => {
    const dir = writeBootstrapDir(folder(), {
      dns: [[['snap'], ['https://snap.example/']]],
      ipv4: [[['193.0.0.0/8'], ['https://ripe.example/']]],
      ipv6: [[['2a00::/12'], ['http://plain.example/']]],
      asn: [[['1-10', '3333'], ['https://asn.example/']]],
    });
    const stateDir = folder();
    const first = await BootstrapStore.open({ operatorDir: dir, stateDir, logger: silentLogger() });
    first.close();
    const events: { event?: string }[] = [];
    const logger = silentLogger();
    logger.info = ((fields: { event?: string }) => events.push(fields)) as typeof logger.info;
    const restarted = await BootstrapStore.open({ operatorDir: dir, stateDir, logger });
    try {
      assert.equal(events.filter((fields) => fields.event === 'rdap-bootstrap-snapshot-loaded').length, 4);
      const bootstrap = restarted.current();
      assert.equal(domainService(bootstrap, 'x.snap'), 'https://snap.example/');
      assert.equal(addressService(bootstrap, ip('193.0.6.139')), 'https://ripe.example/');
      assert.throws(
        () => addressService(bootstrap, ip('2a00::1')),
        (error: unknown) => error instanceof NoRdapServiceError && error.httpOnly,
      );
      assert.equal(asnService(bootstrap, 3333), 'https://asn.example/');
      assert.throws(() => asnService(bootstrap, 11), NoRdapServiceError);
    } finally {
      restarted.close();
    }
  });

  it('refreshes through the guarded fetch: a refresh URL on loopback is refused without RDAP_ALLOW_PRIVATE', async () => {
    const guarded = rdapFetchTrusting(server.ca, { timeoutMs: 2000, allowPrivate: false });
    await assert.rejects(guarded(`${server.url}iana/dns.json`), (error: unknown) => error instanceof FetchRefusedError && /loopback/.test(error.reason));
    await assert.rejects(guarded(`http://192.0.2.1/dns.json`), (error: unknown) => error instanceof FetchRefusedError && /only https/.test(error.reason));
    // A name that resolves to loopback is refused at connection time, with no request sent.
    const asked = server.requests.length;
    const port = new URL(server.url).port;
    await assert.rejects(
      guarded(`https://localhost:${port}/iana/dns.json`),
      (error: unknown) => error instanceof FetchRefusedError && /loopback/.test(error.message),
    );
    assert.equal(server.requests.length, asked);
  });
});
