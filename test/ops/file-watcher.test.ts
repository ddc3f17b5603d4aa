import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileWatcher } from '../../lib/ops/file-watcher.ts';
import { Events } from '../support/events.ts';
import { temporaryFolder } from '../support/temporary-folder.ts';

/** A missed change fails the test instead of hanging the run. */
const WATCHING = { timeout: 30_000 };
const HOUR = 3_600_000;

describe('FileWatcher', () => {
  const dir = temporaryFolder('fedidig-watch-');

  function watch(path: string, pollIntervalMs: number) {
    const changes = new Events<string>();
    const watcher = new FileWatcher(path, { pollIntervalMs, settleMs: 10, onChange: () => changes.push('change') });
    return { changes, watcher };
  }

  it('sees a rename over the file through the directory watch alone (polling hourly)', WATCHING, async () => {
    const path = join(dir(), 'watched.txt');
    await writeFile(path, 'one');
    const { changes, watcher } = watch(path, HOUR);
    try {
      await writeFile(`${path}.tmp`, 'two');
      await rename(`${path}.tmp`, path);
      assert.equal(await changes.next(), 'change');
      // And again: a watch on the replaced file itself would have been lost here.
      await writeFile(`${path}.tmp`, 'three');
      await rename(`${path}.tmp`, path);
      assert.equal(await changes.next(), 'change');
    } finally {
      watcher.close();
    }
  });

  it('falls back to polling when the directory cannot be watched, and sees renames too', WATCHING, async () => {
    // The directory does not exist yet, so fs.watch fails and only polling is left.
    const later = join(dir(), 'later');
    const path = join(later, 'polled.txt');
    const { changes, watcher } = watch(path, 20);
    try {
      await mkdir(later);
      await writeFile(path, 'one');
      assert.equal(await changes.next(), 'change');
      await writeFile(`${path}.tmp`, 'two!');
      await rename(`${path}.tmp`, path);
      assert.equal(await changes.next(), 'change');
    } finally {
      watcher.close();
    }
  });
});
