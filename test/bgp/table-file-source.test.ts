import assert from 'node:assert/strict';
import { copyFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BgpTableStats } from '../../lib/bgp/bgp-source.ts';
import { TableFileSource, type TableFileSourceOptions } from '../../lib/bgp/sources/table-file-source.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';
import { cidr } from '../testkit/bgp/table-helpers.ts';
import { DUMP_TIME, FIXTURE_DIR } from '../testkit/bgp/fixture-table.ts';
import { closedAfterEach } from '../testkit/closed-after-each.ts';
import { Events } from '../testkit/events.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';
import { childProcessesStarted } from '../testkit/event-loop-stall.ts';

const fixture = (name: string): string => fileURLToPath(new URL(name, FIXTURE_DIR));
const ip = (text: string) => parseIpAddress(text)!;

/** For tests that wait for the watcher: a missed change fails the test instead of hanging the run. */
const WATCHING = { timeout: 30_000 };

/** A RIS dump of `count` /24s inside 10.0.0.0/8 (past 65,536, in the /8s after it), all originated by `origin`, plus 10.0.0.0/8 itself. */
function risDump(origin: number, count = 1): string {
  const lines = [`${origin}\t10.0.0.0/8\t1`];
  for (let i = 0; i < count; i++) lines.push(`${origin}\t${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24\t1`);
  return `${lines.join('\n')}\n`;
}

describe('TableFileSource', () => {
  const dir = temporaryFolder('fedidig-source-');
  const closeAfterTest = closedAfterEach<TableFileSource>();

  async function open(options: Partial<TableFileSourceOptions> & { path: string }) {
    const errors = new Events<Error>();
    const reloads = new Events<BgpTableStats>();
    const source = await TableFileSource.open({
      onError: errors.push,
      onLoad: reloads.push,
      pollIntervalMs: 50,
      settleMs: 20,
      ...options,
    });
    closeAfterTest(source);
    return { source, errors, reloads };
  }

  it('answers addresses, prefixes and ASes from the fixture, with names', async () => {
    const { source } = await open({ path: fixture('rib.mrt.gz'), asNames: { path: fixture('asnames.txt') } });
    assert.equal(source.name, 'table');
    const address = { kind: 'address', address: ip('10.1.3.1') } as const;
    assert.deepEqual(await source.route(address), {
      query: address,
      prefix: cidr('10.1.2.0/23'),
      origins: [64502, 64503],
      paths: {
        visibility: { seenBy: 2, peers: 3 },
        paths: [
          { hops: [64496, 64502], entries: 1 },
          { hops: [64497, 64503], entries: 1 },
        ],
        upstreams: [
          { asn: 64496, entries: 1 },
          { asn: 64497, entries: 1 },
        ],
      },
    });
    const unrouted = { kind: 'address', address: ip('8.8.8.8') } as const;
    assert.deepEqual(await source.route(unrouted), { query: unrouted, origins: [] });
    const prefix = { kind: 'prefix', prefix: ip('10.1.0.0'), length: 16 } as const;
    assert.deepEqual(await source.route(prefix), {
      query: prefix,
      prefix: cidr('10.1.0.0/16'),
      origins: [64501],
      paths: { visibility: { seenBy: 1, peers: 3 }, paths: [{ hops: [64496, 64501], entries: 1 }], upstreams: [{ asn: 64496, entries: 1 }] },
      moreSpecifics: 2,
    });
    const wide = { kind: 'prefix', prefix: ip('0.0.0.0'), length: 1 } as const;
    assert.deepEqual(await source.route(wide), { query: wide, origins: [], moreSpecifics: 5 }); // 10/8 and inside it, 100.64/10
    assert.deepEqual(await source.asn(64500), { asn: 64500, name: 'EXAMPLE-AS-A Example Network A, NL', ipv4Prefixes: 1, ipv6Prefixes: 0 });
    assert.deepEqual(await source.asn(64512), { asn: 64512, ipv4Prefixes: 0, ipv6Prefixes: 1 });
    assert.deepEqual(
      await source.asnNames([64501, 64512, 4200000000]),
      new Map([
        [64501, 'EXAMPLE-AS-B - Example Network B, US'],
        [4200000000, 'EXAMPLE-4BYTE Private use, ZZ'],
      ]),
    );
    // An address the table cannot read (three bytes) is refused, not answered.
    await assert.rejects(source.route({ kind: 'address', address: { version: 4, bytes: Uint8Array.of(10, 1, 3) } }), { name: 'InvalidBgpQueryError' });
  });

  it('reports what the data is (never its path), table figures and age: the dump time when the format has one, else the file time', async () => {
    const before = new Date();
    const { source } = await open({ path: fixture('rib.mrt') });
    const stats = await source.stats();
    assert.equal(stats.source, 'MRT RIB');
    assert.deepEqual([stats.ipv4Prefixes, stats.ipv6Prefixes, stats.originAsns], [8, 4, 16]);
    assert.deepEqual(stats.dataTime, new Date(DUMP_TIME * 1000));
    assert.ok(stats.loadedAt! >= before);

    const path = join(dir(), 'dated.txt');
    await writeFile(path, risDump(64500));
    const fileTime = new Date('2024-05-01T12:00:00Z');
    await utimes(path, fileTime, fileTime);
    const dated = await open({ path, label: 'RIPE RIS rrc00' });
    assert.deepEqual((await dated.source.stats()).dataTime, fileTime);
    assert.equal((await dated.source.stats()).source, 'RIPE RIS rrc00');
  });

  it('refuses to open a file that does not load', async () => {
    const path = join(dir(), 'broken-at-start.txt');
    await writeFile(path, 'not a table\n');
    await assert.rejects(TableFileSource.open({ path, onError: () => {} }), { name: 'DataFileLoadError' });
    await assert.rejects(TableFileSource.open({ path: fixture('rib.mrt'), asNames: { path: join(dir(), 'no-names') }, onError: () => {} }), {
      name: 'DataFileLoadError',
      message: /no-names/,
    });
  });

  it('reloads a file replaced by rename, as collectors publish dumps', WATCHING, async () => {
    const path = join(dir(), 'renamed.txt');
    await writeFile(path, risDump(64500));
    const { source, reloads } = await open({ path });
    await writeFile(`${path}.tmp`, risDump(64501, 2));
    await rename(`${path}.tmp`, path);
    const stats = await reloads.next();
    assert.equal(stats.ipv4Prefixes, 3);
    assert.deepEqual((await source.route({ kind: 'address', address: ip('10.0.1.1') })).origins, [64501]);
  });

  it('reloads a file rewritten in place', WATCHING, async () => {
    const path = join(dir(), 'rewritten.txt');
    await writeFile(path, risDump(64500));
    const { source, reloads } = await open({ path });
    await writeFile(path, risDump(64502, 5));
    assert.equal((await reloads.next()).ipv4Prefixes, 6);
    assert.deepEqual(await source.asn(64502), { asn: 64502, ipv4Prefixes: 6, ipv6Prefixes: 0 });
  });

  it('keeps the old table answering when the new file is broken, and recovers', WATCHING, async () => {
    const path = join(dir(), 'broken-later.txt');
    await writeFile(path, risDump(64500));
    const { source, errors, reloads } = await open({ path });
    await writeFile(`${path}.tmp`, `${risDump(64501)}64501\t10.9.9.0/33\t1\n`);
    await rename(`${path}.tmp`, path);
    const error = await errors.next();
    assert.equal(error.name, 'DataFileLoadError');
    assert.match(error.message, /10\.9\.9\.0\/33 \(line 3\)/);
    assert.deepEqual((await source.route({ kind: 'address', address: ip('10.0.0.1') })).origins, [64500]);
    // An explicit reload tries the broken file again, and fails again.
    assert.equal(await source.reload(), false);
    assert.equal((await errors.next()).name, 'DataFileLoadError');

    await copyFile(fixture('riswhoisdump.txt'), `${path}.tmp`);
    await rename(`${path}.tmp`, path);
    assert.equal((await reloads.next()).ipv4Prefixes, 8);
    assert.deepEqual((await source.route({ kind: 'address', address: ip('10.1.2.200') })).origins, [64504, 64505]);
    assert.equal(errors.pending, 0);
  });

  it('keeps answering from the old table while a new one is built, then swaps it in whole', async () => {
    const path = join(dir(), 'busy.txt');
    await writeFile(path, risDump(64500, 20_000));
    const { source } = await open({ path, pollIntervalMs: 60_000, settleMs: 60_000 });
    await writeFile(path, risDump(64501, 40_000));
    const reload = source.reload();
    let done = false;
    void reload.then(() => (done = true));
    const seen = new Set<string>();
    let answeredDuringReload = 0;
    while (!done) {
      // Every answer comes whole from one table: its origin and its prefix count agree.
      const [route, stats] = await Promise.all([source.route({ kind: 'address', address: ip('10.0.0.1') }), source.stats()]);
      seen.add(`${route.origins.join()} ${stats.ipv4Prefixes}`);
      answeredDuringReload++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await reload, true);
    assert.ok(answeredDuringReload > 1, 'queries were answered while the file loaded');
    assert.deepEqual(
      [...seen].filter((s) => s !== '64500 20001' && s !== '64501 40001'),
      [],
    );
    assert.deepEqual((await source.route({ kind: 'address', address: ip('10.0.0.1') })).origins, [64501]);
  });

  it('builds a reloaded table in a child process, leaving the event loop and its memory free', async () => {
    const path = join(dir(), 'large.txt');
    await writeFile(path, risDump(64500));
    const { source } = await open({ path, pollIntervalMs: 60_000, settleMs: 60_000 });
    // What the stall costs in milliseconds is measured by the benchmark (npm run bench:bgp), not here.
    const routes = 20_000;
    await writeFile(path, risDump(64501, routes));
    const { result: swapped, children } = await childProcessesStarted(() => source.reload());
    assert.equal(swapped, true);
    assert.equal(children.length, 1, 'one child process built the table');
    assert.ok(
      children[0]!.spawnargs.some((arg) => arg.includes(path)),
      'it was asked for this file',
    );
    assert.equal((await source.stats()).ipv4Prefixes, routes + 1);
  });

  it('reloads the AS-names file when it changes', WATCHING, async () => {
    const names = join(dir(), 'names.txt');
    await writeFile(names, '64500 FIRST-NAME\n');
    const { source } = await open({ path: fixture('rib.mrt'), asNames: { path: names } });
    assert.equal((await source.asn(64500)).name, 'FIRST-NAME');
    await writeFile(`${names}.tmp`, '64500 SECOND-NAME\n');
    await rename(`${names}.tmp`, names);
    while ((await source.asn(64500)).name !== 'SECOND-NAME') await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(await source.asnNames([64500]), new Map([[64500, 'SECOND-NAME']]));
  });
});
