/**
 * The two RPKI sources: a VRP file watched and reloaded (built aside, swapped
 * in, a broken file leaving the old set answering), and RIPEstat's
 * rpki-validation data call against a loopback stand-in of its API.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseIpAddress } from '../../../lib/net/ip-address.ts';
import { cidr } from '../../testkit/bgp/table-helpers.ts';
import { RipeStatRpkiSource } from '../../../lib/bgp/rpki/ripestat-rpki-source.ts';
import type { RpkiStats } from '../../../lib/bgp/rpki/rpki-source.ts';
import { VrpFileSource } from '../../../lib/bgp/rpki/vrp-file-source.ts';
import { vrpFile } from '../../../lib/bgp/rpki/vrp-file-loader.ts';
import { readDataFileSnapshot } from '../../../lib/datafile/data-file.ts';
import { startRipeStatStandIn, type RipeStatStandIn } from '../../testkit/bgp/ripestat-stand-in.ts';
import { childProcessesStarted } from '../../testkit/event-loop-stall.ts';
import { closedAfterEach } from '../../testkit/closed-after-each.ts';
import { Events } from '../../testkit/events.ts';
import { temporaryFolder } from '../../testkit/temporary-folder.ts';

const ip = (text: string) => parseIpAddress(text)!;
/** For tests that wait for the watcher: a missed change fails the test instead of hanging the run. */
const WATCHING = { timeout: 30_000 };

/**
 * Routinator CSV authorising `origin` for 10.0.0.0/8 up to /24, and `count` /24s of 11.0.0.0/8 (past 65,536, of the
 * /8s after it), the `ipv6` ones of them /64s of 2001:db8::/32 instead.
 */
function csv(origin: number, count = 0, ipv6 = (_i: number) => false): string {
  const lines = ['ASN,IP Prefix,Max Length,Trust Anchor', `AS${origin},10.0.0.0/8,24,ripe`];
  for (let i = 0; i < count; i++) {
    const prefix = ipv6(i) ? `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64` : `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
    lines.push(`AS${origin},${prefix},${ipv6(i) ? 64 : 24},ripe`);
  }
  return `${lines.join('\n')}\n`;
}

const states = async (source: VrpFileSource, origins: number[]) => (await source.validate(ip('10.1.2.0'), 24, origins)).map((v) => v.state);

describe('VrpFileSource', () => {
  const dir = temporaryFolder('fedidig-vrps-');
  const closeAfterTest = closedAfterEach<VrpFileSource>();

  async function open(path: string) {
    const errors = new Events<Error>();
    const reloads = new Events<RpkiStats>();
    const source = await VrpFileSource.open({ path, onError: errors.push, onLoad: reloads.push, pollIntervalMs: 50, settleMs: 20 });
    closeAfterTest(source);
    return { source, errors, reloads };
  }

  it('validates every origin of a route from a gzipped file, and tells its figures and age', async () => {
    const path = join(dir(), 'vrps.csv.gz');
    await writeFile(path, gzipSync(csv(64500)));
    const fileTime = new Date('2026-11-30T09:00:00Z');
    await utimes(path, fileTime, fileTime);
    const { source } = await open(path);
    assert.equal(source.name, 'file');
    assert.deepEqual(await states(source, [64500, 64501]), ['valid', 'invalid']);
    assert.deepEqual(await source.validate(ip('192.0.2.0'), 24, [64500]), [{ origin: 64500, state: 'not-found' }]);
    const stats = await source.stats();
    assert.deepEqual([stats.source, stats.ipv4Vrps, stats.ipv6Vrps, stats.dataTime], ['CSV VRP file', 1, 0, fileTime]);
  });

  it('refuses to open a file that does not load', async () => {
    const path = join(dir(), 'not-vrps.txt');
    await writeFile(path, '64500\t10.0.0.0/8\t300\n');
    await assert.rejects(VrpFileSource.open({ path, onError: () => {} }), { name: 'DataFileLoadError', message: /not a VRP file/ });
  });

  it('reloads a file replaced by rename, keeps the old VRPs while a new file is broken, and recovers', WATCHING, async () => {
    const path = join(dir(), 'rpki-client.json');
    await writeFile(path, JSON.stringify({ roas: [{ asn: 64500, prefix: '10.0.0.0/8', maxLength: 24, ta: 'ripe' }] }));
    const { source, errors, reloads } = await open(path);

    await writeFile(`${path}.tmp`, csv(64501, 3));
    await rename(`${path}.tmp`, path);
    assert.equal((await reloads.next()).ipv4Vrps, 4);
    assert.deepEqual(await states(source, [64500, 64501]), ['invalid', 'valid']);

    // Cut short, as a validator killed while writing leaves it.
    await writeFile(`${path}.tmp`, JSON.stringify({ roas: [{ asn: 64502, prefix: '10.0.0.0/8', maxLength: 24 }] }).slice(0, -3));
    await rename(`${path}.tmp`, path);
    const error = await errors.next();
    assert.equal(error.name, 'DataFileLoadError');
    assert.match(error.message, /the JSON ends early/);
    assert.deepEqual(await states(source, [64501, 64502]), ['valid', 'invalid']);

    await writeFile(`${path}.tmp`, csv(64502));
    await rename(`${path}.tmp`, path);
    assert.equal((await reloads.next()).ipv4Vrps, 1);
    assert.deepEqual(await states(source, [64501, 64502]), ['invalid', 'valid']);
    assert.equal(errors.pending, 0);
  });

  it('reloads on request, answering from the old set until the new one is in', async () => {
    const path = join(dir(), 'busy.csv');
    await writeFile(path, csv(64500, 20_000));
    const { source } = await open(path);
    await writeFile(path, csv(64501, 40_000));
    const reload = source.reload();
    let done = false;
    void reload.then(() => (done = true));
    const seen = new Set<string>();
    while (!done) {
      const [[validity], stats] = await Promise.all([source.validate(ip('10.1.2.0'), 24, [64500]), source.stats()]);
      seen.add(`${validity!.state} ${stats.ipv4Vrps}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await reload, true);
    assert.deepEqual(
      [...seen].filter((s) => s !== 'valid 20001' && s !== 'invalid 40001'),
      [],
    );
    assert.deepEqual(await states(source, [64500]), ['invalid']);
  });

  it('builds a reloaded set in a child process, leaving the event loop and its memory free', async () => {
    const path = join(dir(), 'large.csv');
    await writeFile(path, csv(64500));
    // Not watched: the reload measured is the one asked for.
    const source = await VrpFileSource.open({ path, onError: () => {}, pollIntervalMs: 60_000, settleMs: 60_000 });
    closeAfterTest(source);
    // Half of them IPv6 /64s of one /32, which the builder's native first-word sort leaves to its comparator. What
    // the stall costs in milliseconds is measured by the benchmark (npm run bench:bgp), not here.
    const vrps = 20_000;
    await writeFile(
      path,
      csv(64501, vrps, (i) => i % 2 === 1),
    );
    const { result: swapped, children } = await childProcessesStarted(() => source.reload());
    assert.equal(swapped, true);
    assert.equal(children.length, 1, 'one child process built the set');
    assert.ok(
      children[0]!.spawnargs.some((arg) => arg.includes(path)),
      'it was asked for this file',
    );
    const stats = await source.stats();
    assert.deepEqual([stats.ipv4Vrps, stats.ipv6Vrps], [vrps / 2 + 1, vrps / 2]);
    assert.deepEqual(await states(source, [64501]), ['valid']);
    assert.equal((await source.validate(ip('2001:db8:0:4e1f::'), 64, [64501]))[0]!.state, 'valid');
  });
});

describe('VRP snapshots', () => {
  const dir = temporaryFolder('fedidig-vrp-snapshot-');
  const closeAfterTest = closedAfterEach<VrpFileSource>();

  async function open(path: string, snapshotPath: string) {
    const snapshots = new Events<RpkiStats>();
    const snapshotErrors = new Events<Error>();
    const reloads = new Events<RpkiStats>();
    const source = await VrpFileSource.open({
      path,
      snapshotPath,
      onError: (error) => assert.fail(error),
      onLoad: reloads.push,
      onSnapshotLoaded: snapshots.push,
      onSnapshotError: snapshotErrors.push,
      pollIntervalMs: 60_000,
      settleMs: 20,
    });
    closeAfterTest(source);
    return { source, snapshots, snapshotErrors, reloads };
  }

  /** Until the snapshot is there: the set answers before its snapshot is written. */
  async function written(snapshotPath: string): Promise<void> {
    for (let tries = 0; !(await stat(snapshotPath).catch(() => undefined)); tries++) {
      assert.ok(tries < 500, 'the snapshot was written');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('answer after a restart as the file did, with its figures, without loading the unchanged file', async () => {
    const path = join(dir(), 'vrps.csv');
    const snapshotPath = join(dir(), 'state', 'rpki-vrps.snapshot');
    await writeFile(path, csv(64500, 300));
    const first = await open(path, snapshotPath);
    await written(snapshotPath);
    const expected = await first.source.validate(ip('11.0.1.0'), 25, [64500, 64501]);
    const { loadedAt: _, ...figures } = await first.source.stats();
    first.source.close();
    const second = await open(path, snapshotPath);
    const { loadedAt: __, ...loaded } = await second.snapshots.next();
    assert.deepEqual(loaded, figures);
    assert.deepEqual(await second.source.validate(ip('11.0.1.0'), 25, [64500, 64501]), expected);
    assert.deepEqual(await states(second.source, [64500, 64501]), ['valid', 'invalid']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(second.reloads.pending, 0, 'the unchanged file was not loaded again');
  });

  it('ignore a corrupt snapshot with a SnapshotError and load the file', async () => {
    const path = join(dir(), 'corrupt.csv');
    const snapshotPath = join(dir(), 'corrupt.snapshot');
    await writeFile(path, csv(64500));
    (await open(path, snapshotPath)).source.close();
    await written(snapshotPath);
    await writeFile(snapshotPath, (await readFile(snapshotPath)).subarray(0, -1));
    const { source, snapshotErrors } = await open(path, snapshotPath);
    assert.equal((await snapshotErrors.next()).name, 'SnapshotError');
    assert.deepEqual(await states(source, [64500]), ['valid']);
    // The file loaded again is written again, whole this time.
    for (let tries = 0; !(await readDataFileSnapshot(vrpFile, snapshotPath, path).catch(() => undefined)); tries++) {
      assert.ok(tries < 500, 'a good snapshot replaced the corrupt one');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});

describe('RipeStatRpkiSource', () => {
  // A loopback stand-in for stat.ripe.net's rpki-validation data call over HTTPS, answering as the real one does.
  const calls: string[] = [];
  let failNext = 0;
  /** What a failing answer's 503 says: a word, or a page larger than RIPEstat's answers may be. */
  let failBody = 'busy';
  const roa = (origin: string, prefix: string, maxLength: number, validity: string) => ({ origin, prefix, max_length: maxLength, validity });
  const answers: Record<string, object> = {
    'AS13335 1.1.1.0/24': { status: 'valid', validating_roas: [roa('13335', '1.1.1.0/24', 24, 'valid')] },
    'AS13335 1.1.1.0/25': { status: 'invalid_length', validating_roas: [roa('13335', '1.1.1.0/24', 24, 'invalid_length')] },
    'AS64500 1.1.1.0/24': { status: 'invalid_asn', validating_roas: [roa('13335', '1.1.1.0/24', 24, 'invalid_asn')] },
    'AS64500 192.0.2.0/24': { status: 'unknown', validating_roas: [] },
    'AS64501 2a02:7080::/48': {
      status: 'valid',
      validating_roas: [roa('46997', '2a02:7080::/48', 48, 'invalid_asn'), roa('64501', '2a02:7080::/48', 48, 'valid')],
    },
    'AS64502 1.1.1.0/24': { status: 'valid', validating_roas: [roa('13335', '1.1.1.0/24', 24, 'invalid_asn')] },
  };
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url!, 'https://127.0.0.1');
    const key = `${url.searchParams.get('resource')} ${url.searchParams.get('prefix')}`;
    calls.push(`${url.pathname} ${key} ${url.searchParams.get('sourceapp')}`);
    if (failNext-- > 0) return void response.writeHead(503).end(failBody);
    const data = { resource: url.searchParams.get('resource'), prefix: url.searchParams.get('prefix'), validator: 'routinator', ...answers[key] };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', status_code: 200, data }));
  };
  let standIn: RipeStatStandIn;
  let source: RipeStatRpkiSource;
  before(async () => {
    standIn = await startRipeStatStandIn(answer);
    source = new RipeStatRpkiSource(standIn.options);
  });
  after(() => standIn.close());

  it('asks once per origin and reads each state with the ROAs behind it', async () => {
    assert.deepEqual(await source.validate(ip('1.1.1.0'), 24, [13335, 64500]), [
      { origin: 13335, state: 'valid', vrp: { prefix: cidr('1.1.1.0/24'), maxLength: 24, asn: 13335 } },
      { origin: 64500, state: 'invalid', reason: 'origin', covering: [{ prefix: cidr('1.1.1.0/24'), maxLength: 24, asn: 13335 }] },
    ]);
    assert.ok(calls.includes('/data/rpki-validation/data.json AS13335 1.1.1.0/24 fedidig'));
    assert.deepEqual(await source.validate(ip('1.1.1.0'), 25, [13335]), [
      { origin: 13335, state: 'invalid', reason: 'length', vrp: { prefix: cidr('1.1.1.0/24'), maxLength: 24, asn: 13335 } },
    ]);
    assert.deepEqual(await source.validate(ip('192.0.2.0'), 24, [64500]), [{ origin: 64500, state: 'not-found' }]);
    assert.deepEqual(await source.validate(ip('2a02:7080::'), 48, [64501]), [
      { origin: 64501, state: 'valid', vrp: { prefix: cidr('2a02:7080::/48'), maxLength: 48, asn: 64501 } },
    ]);
    assert.equal((await source.stats()).source, `RIPEstat (${new URL(standIn.options.baseUrl).host})`);
  });

  it('refuses a state its ROAs do not bear out', async () => {
    await assert.rejects(source.validate(ip('1.1.1.0'), 24, [64502]), { name: 'RipeStatError', message: /status “valid” with 1 ROAs that do not bear it out/ });
  });

  it('retries a busy RIPEstat and gives up when it stays down', async () => {
    failNext = 1;
    assert.equal((await source.validate(ip('1.1.1.0'), 24, [13335]))[0]!.state, 'valid');
    failNext = 100;
    await assert.rejects(source.validate(ip('1.1.1.0'), 24, [13335]), { name: 'RipeStatError', message: 'rpki-validation: HTTP 503' });
    failNext = 0;
  });

  it('retries a 503 whose page is larger than an answer may be, and tells its status when it stays down', async () => {
    failBody = 'x'.repeat(2 << 20);
    failNext = 1;
    assert.equal((await source.validate(ip('1.1.1.0'), 24, [13335]))[0]!.state, 'valid');
    failNext = 100;
    await assert.rejects(source.validate(ip('1.1.1.0'), 24, [13335]), { name: 'RipeStatError', message: 'rpki-validation: HTTP 503' });
    failNext = 0;
    failBody = 'busy';
  });
});
