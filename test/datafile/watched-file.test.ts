import assert from 'node:assert/strict';
import type { Stats } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileChangeWatcher, WatchedFile } from '../../lib/datafile/watched-file.ts';
import { closedAfterEach } from '../testkit/closed-after-each.ts';
import { Events } from '../testkit/events.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

/** Loads a file holding a number; "bad" does not load. Counts loads and how many overlap. */
class NumberLoader {
  loads = 0;
  running = 0;
  mostAtOnce = 0;
  /** Runs in the middle of the next load, once. */
  duringNextLoad: (() => Promise<void>) | undefined;
  readonly errors: Error[] = [];

  readonly load = async (path: string): Promise<{ value: number; stats: Stats }> => {
    this.loads++;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    try {
      const stats = await stat(path);
      const text = await readFile(path, 'utf8');
      const during = this.duringNextLoad;
      this.duringNextLoad = undefined;
      await during?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (text.trim() === 'bad') throw new Error(`${path} is bad`);
      return { value: Number(text), stats };
    } finally {
      this.running--;
    }
  };
}

const closeAfterTest = closedAfterEach();

describe('WatchedFile', () => {
  const dir = temporaryFolder('fedidig-watched-');

  /** Watching effectively off, so that the test decides when checks happen. */
  async function watched(name: string, content: string) {
    const path = join(dir(), name);
    await writeFile(path, content);
    const loader = new NumberLoader();
    const file = await WatchedFile.open({
      path,
      load: loader.load,
      pollIntervalMs: 3_600_000,
      settleMs: 3_600_000,
      onError: (error) => loader.errors.push(error),
    });
    closeAfterTest(file);
    return { path, loader, file };
  }

  it('rejects opening when the first load fails', async () => {
    await assert.rejects(watched('bad-at-start', 'bad'), /is bad/);
  });

  it('loads only a version of the file it has not seen, and a failed version only once', async () => {
    const { path, loader, file } = await watched('versions', '1');
    assert.equal(await file.reloadIfChanged(), false);
    assert.equal(loader.loads, 1);
    await writeFile(path, 'bad');
    assert.equal(await file.reloadIfChanged(), false);
    assert.equal(await file.reloadIfChanged(), false);
    assert.equal(loader.loads, 2);
    assert.equal(loader.errors.length, 1);
    assert.equal(file.current.value, 1);
    await writeFile(path, '22');
    assert.equal(await file.reloadIfChanged(), true);
    assert.equal(file.current.value, 22);
  });

  it('runs loads one at a time', async () => {
    const { path, loader, file } = await watched('serial', '1');
    await writeFile(path, '2');
    const results = await Promise.all([file.reload(), file.reloadIfChanged(), file.reload(), file.reload()]);
    assert.deepEqual(results, [true, false, true, true]);
    assert.equal(loader.mostAtOnce, 1);
    assert.equal(file.current.value, 2);
  });

  it('discards what it read when the file changed during the load', async () => {
    const { path, loader, file } = await watched('moving', '1');
    await writeFile(path, '2');
    loader.duringNextLoad = () => writeFile(path, '33');
    assert.equal(await file.reload(), false);
    assert.equal(file.current.value, 1);
    assert.equal(await file.reloadIfChanged(), true);
    assert.equal(file.current.value, 33);
  });

  it('reports a missing file once and loads it when it is back', async () => {
    const { path, loader, file } = await watched('vanishing', '1');
    await rm(path);
    assert.equal(await file.reloadIfChanged(), false);
    assert.equal(loader.errors.length, 1);
    assert.equal(await file.reloadIfChanged(), false);
    assert.equal(loader.errors.length, 1);
    assert.equal(file.current.value, 1);
    await writeFile(path, '4');
    assert.equal(await file.reloadIfChanged(), true);
    assert.equal(file.current.value, 4);
  });
});

/** A missed change fails the test instead of hanging the run. */
const WATCHING = { timeout: 30_000 };
const HOUR = 3_600_000;

describe('FileChangeWatcher', () => {
  const dir = temporaryFolder('fedidig-watch-');

  function watch(path: string, pollIntervalMs: number) {
    const changes = new Events<string>();
    closeAfterTest(new FileChangeWatcher(path, { pollIntervalMs, settleMs: 10, onChange: () => changes.push('change') }));
    return changes;
  }

  it('sees a rename over the file through the directory watch alone (polling hourly)', WATCHING, async () => {
    const path = join(dir(), 'watched.txt');
    await writeFile(path, 'one');
    const changes = watch(path, HOUR);
    await writeFile(`${path}.tmp`, 'two');
    await rename(`${path}.tmp`, path);
    assert.equal(await changes.next(), 'change');
    // And again: a watch on the replaced file itself would have been lost here.
    await writeFile(`${path}.tmp`, 'three');
    await rename(`${path}.tmp`, path);
    assert.equal(await changes.next(), 'change');
  });

  it('falls back to polling when the directory cannot be watched, and sees renames too', WATCHING, async () => {
    // The directory does not exist yet, so fs.watch fails and only polling is left.
    const later = join(dir(), 'later');
    const path = join(later, 'polled.txt');
    const changes = watch(path, 20);
    await mkdir(later);
    await writeFile(path, 'one');
    assert.equal(await changes.next(), 'change');
    await writeFile(`${path}.tmp`, 'two!');
    await rename(`${path}.tmp`, path);
    assert.equal(await changes.next(), 'change');
  });
});
