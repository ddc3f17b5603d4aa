/**
 * Snapshots of the routing table in STATE_DIR: written after each load, read
 * at open so that the table answers before the file is parsed again, and
 * ignored, with a SnapshotError, when they are of another format version or
 * table file, or cut short or corrupt.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BgpTableStats } from '../../lib/bgp/bgp-source.ts';
import { readSnapshot, SNAPSHOT_FORMAT_VERSION, writeSnapshot } from '../../lib/datafile/snapshot-file.ts';
import { TableFileSource, type TableFileSourceOptions } from '../../lib/bgp/sources/table-file-source.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';
import { readEngineConfig } from '../../lib/engine/config.ts';
import { LookingGlass } from '../../lib/engine/looking-glass.ts';
import { FIXTURE_DIR } from '../testkit/bgp/fixture-table.ts';
import { recordingLogger } from '../testkit/bot/log-events.ts';
import { closedAfterEach } from '../testkit/closed-after-each.ts';
import { Events } from '../testkit/events.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const fixture = (name: string): string => fileURLToPath(new URL(name, FIXTURE_DIR));
const address = (text: string) => ({ kind: 'address', address: parseIpAddress(text)! }) as const;
/** The format version field, after the 8-byte magic. */
const VERSION_OFFSET = 8;

describe('snapshot files', () => {
  const dir = temporaryFolder('fedidig-snapshot-file-');

  it('give back the arrays, numbers and text they were given', async () => {
    const path = join(dir(), 'round-trip.snapshot');
    const parts = { a: Uint32Array.of(1, 0xffffffff), nested: { b: Uint8Array.of(7, 8, 9), c: Int32Array.of(-1) }, count: 3, name: 'x' };
    await writeSnapshot(path, 'test', { when: 5 }, parts);
    const { meta, parts: read } = await readSnapshot<{ when: number }, typeof parts>(path, 'test');
    assert.deepEqual(meta, { when: 5 });
    assert.deepEqual(read, parts);
    await assert.rejects(readSnapshot(path, 'other'), { name: 'SnapshotError', message: /holds test, not other/ });
  });

  it('remove the temporary files a writer that has ended left a minute ago, and no other', async () => {
    const path = join(dir(), 'swept.snapshot');
    const ended = spawn(process.execPath, ['-e', '']);
    await once(ended, 'exit');
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const abandoned = `swept.snapshot.${ended.pid}-0-1.tmp`;
      const kept = [
        `swept.snapshot.${running.pid}-0-1.tmp`,
        `swept.snapshot.${process.pid}-0-1000.tmp`,
        // Another snapshot's, whose name starts as this one's does; a name this module never writes.
        `swept.snapshot2.${ended.pid}-0-1.tmp`,
        `swept.snapshot.0x${ended.pid!.toString(16)}-0-1.tmp`,
        `swept.snapshot.${ended.pid}-other.tmp`,
      ];
      const aMinuteAgo = new Date(Date.now() - 61_000);
      for (const name of [abandoned, ...kept]) {
        await writeFile(join(dir(), name), 'a build cut short');
        await utimes(join(dir(), name), aMinuteAgo, aMinuteAgo);
      }
      // The writer not seen running, but written to a moment ago: in another PID namespace, perhaps, and still writing.
      const recent = `swept.snapshot.${ended.pid}-0-2.tmp`;
      await writeFile(join(dir(), recent), 'a build under way elsewhere');
      await writeSnapshot(path, 'test', null, { a: Uint32Array.of(1) });
      assert.deepEqual((await readdir(dir())).filter((name) => name.endsWith('.tmp')).sort(), [...kept, recent].sort());
      assert.deepEqual((await readSnapshot<null, { a: Uint32Array }>(path, 'test')).parts.a, Uint32Array.of(1));
    } finally {
      running.kill();
    }
  });

  const spoilt: [string, (bytes: Buffer) => Buffer, RegExp][] = [
    [
      'of another format version',
      (bytes) => {
        bytes.writeUInt32LE(99, VERSION_OFFSET);
        return bytes;
      },
      /format version 99/,
    ],
    [
      'with a flipped bit',
      (bytes) => {
        bytes[bytes.length >> 1]! ^= 1;
        return bytes;
      },
      /checksum mismatch/,
    ],
    ['cut short', (bytes) => bytes.subarray(0, bytes.length - 100), /checksum mismatch/],
    ['that is something else', () => Buffer.from('not a snapshot at all, but long enough to have a checksum'), /not a fedidig snapshot/],
  ];
  for (const [what, spoil, message] of spoilt) {
    it(`refuse one ${what}`, async () => {
      const path = join(dir(), 'spoilt.snapshot');
      await writeSnapshot(path, 'test', null, { a: new Uint32Array(100).fill(7) });
      await writeFile(path, spoil(await readFile(path)));
      await assert.rejects(readSnapshot(path, 'test'), { name: 'SnapshotError', message });
    });
  }
});

describe('table snapshots', () => {
  const dir = temporaryFolder('fedidig-table-snapshot-');
  const closeAfterTest = closedAfterEach<TableFileSource>();

  async function open(options: Partial<TableFileSourceOptions> & { path: string; snapshotPath: string }) {
    const reloads = new Events<BgpTableStats>();
    const snapshots = new Events<number>();
    const snapshotErrors = new Events<Error>();
    const source = await TableFileSource.open({
      onError: (error) => assert.fail(error),
      onLoad: reloads.push,
      onSnapshotLoaded: (_stats, ms) => snapshots.push(ms),
      onSnapshotError: snapshotErrors.push,
      pollIntervalMs: 60_000,
      settleMs: 20,
      ...options,
    });
    closeAfterTest(source);
    return { source, reloads, snapshots, snapshotErrors };
  }

  /** A table file of its own, copied from the MRT fixture, and where its snapshot goes. */
  async function files(name: string) {
    const path = join(dir(), `${name}.mrt`);
    await copyFile(fixture('rib.mrt'), path);
    return { path, snapshotPath: join(dir(), 'state', `${name}.snapshot`) };
  }

  it('answers from the snapshot after a restart, paths and all, without parsing an unchanged file', async () => {
    const paths = await files('restart');
    const first = await open(paths);
    const expected = await first.source.route(address('10.1.3.1'));
    assert.ok(expected.paths, 'the fixture has paths');
    assert.equal(first.snapshots.pending, 0, 'no snapshot yet');
    assert.ok((await stat(paths.snapshotPath)).size > 0, 'written after the load');
    first.source.close();

    const second = await open(paths);
    assert.equal(second.snapshots.pending, 1);
    assert.deepEqual(await second.source.route(address('10.1.3.1')), expected);
    assert.deepEqual(await second.source.stats(), { ...(await first.source.stats()), loadedAt: (await second.source.stats()).loadedAt });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(second.reloads.pending, 0, 'the unchanged file was not loaded again');
    assert.equal(second.snapshotErrors.pending, 0);
  });

  it('answers from the snapshot, then from the file that changed while the bot was down', async () => {
    const paths = await files('changed');
    (await open(paths)).source.close();
    await writeFile(paths.path, '64999\t10.1.0.0/16\t100\n');
    const { source, reloads } = await open(paths);
    assert.deepEqual((await source.route(address('10.1.3.1'))).origins, [64502, 64503]);
    await reloads.next();
    assert.deepEqual((await source.route(address('10.1.3.1'))).origins, [64999]);
  });

  it('ignores a corrupt snapshot with a SnapshotError, loads the file and writes a good one', async () => {
    const paths = await files('corrupt');
    (await open(paths)).source.close();
    const bytes = await readFile(paths.snapshotPath);
    bytes[bytes.length - 40]! ^= 0xff;
    await writeFile(paths.snapshotPath, bytes);
    const { source, snapshots, snapshotErrors } = await open(paths);
    assert.match(String(await snapshotErrors.next()), /^SnapshotError: snapshot .*corrupt\.snapshot: checksum mismatch/);
    assert.equal(snapshots.pending, 0);
    assert.deepEqual((await source.route(address('10.1.3.1'))).origins, [64502, 64503]);
    await readSnapshot(paths.snapshotPath, 'bgp-table');
  });

  it('ignores the snapshot of another table file', async () => {
    const paths = await files('one');
    (await open(paths)).source.close();
    const other = await files('other');
    const { snapshotErrors } = await open({ ...other, snapshotPath: paths.snapshotPath });
    assert.match((await snapshotErrors.next()).message, /one\.mrt, not .*other\.mrt/);
  });

  it('logs the snapshot answering, and one it ignores, as events with fields', async () => {
    const paths = await files('logged');
    const { logger, named } = recordingLogger();
    const config = readEngineConfig({ DNS_UPSTREAM: '127.0.0.1', BGP_SOURCE: `table:${paths.path}` });
    const snapshotDir = join(dir(), 'logged-state');
    const openEngine = async () => (await LookingGlass.open(config, { logger, snapshotDir })).close();
    await openEngine();
    assert.deepEqual([named('bgp-snapshot-loaded').length, named('bgp-snapshot-error').length], [0, 0]);
    await openEngine();
    assert.deepEqual(
      named('bgp-snapshot-loaded').map(({ ipv4Prefixes, ipv6Prefixes }) => ({ ipv4Prefixes, ipv6Prefixes })),
      [{ ipv4Prefixes: 8, ipv6Prefixes: 4 }],
    );
    const snapshotPath = join(snapshotDir, 'bgp-table.snapshot');
    const bytes = await readFile(snapshotPath);
    bytes.writeUInt32LE(0, VERSION_OFFSET);
    await writeFile(snapshotPath, bytes);
    await openEngine();
    assert.deepEqual(
      named('bgp-snapshot-error').map(({ errorType, error }) => ({ errorType, error })),
      [{ errorType: 'SnapshotError', error: `snapshot ${snapshotPath}: format version 0, this fedidig reads ${SNAPSHOT_FORMAT_VERSION}` }],
    );
  });
});
