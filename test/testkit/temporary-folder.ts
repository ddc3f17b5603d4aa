import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before } from 'node:test';

/**
 * A folder made before the suite's tests, for its path call the result.
 * It is removed when the test file's process exits, not in an after-hook:
 * node:test runs a suite's after-hooks in the order they were registered,
 * so a hook of this fixture's would remove the folder before the suite's
 * own hooks close what still reads or watches it.
 */
export function temporaryFolder(prefix: string): () => string {
  let folder: string | undefined;
  before(async () => {
    const made = await mkdtemp(join(tmpdir(), prefix));
    folder = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  });
  return () => {
    if (!folder) throw new Error('the temporary folder exists only while the suite runs');
    return folder;
  };
}

/** Folders made during a test: `make(prefix)` makes one, `removeAll()` (in afterEach) removes them all. */
export function testFolders(): { make(prefix: string): string; removeAll(): void } {
  const made: string[] = [];
  return {
    make(prefix) {
      made.push(mkdtempSync(join(tmpdir(), prefix)));
      return made.at(-1)!;
    },
    removeAll() {
      for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
    },
  };
}
