import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before } from 'node:test';

/** The suites' folders, removed together when the process exits (one listener, however many suites). */
const removedAtExit = new Set<string>();

function removeAll(): void {
  for (const folder of removedAtExit) {
    try {
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // Housekeeping at exit: a folder that cannot go is said, and the others go all the same.
      process.stderr.write(`temporaryFolder: ${folder} not removed: ${(error as Error).message}\n`);
    }
  }
}

/**
 * A folder made before the suite's tests; call the result for its path.
 * It is removed when the test file's process exits, not in an after-hook:
 * node:test runs a suite's after-hooks in the order they were registered,
 * so a hook of this fixture's would remove the folder before the suite's
 * own hooks close what still reads or watches it.
 */
export function temporaryFolder(prefix: string): () => string {
  let folder: string | undefined;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), prefix));
    if (removedAtExit.size === 0) process.once('exit', removeAll);
    removedAtExit.add(folder);
  });
  return () => {
    if (!folder) throw new Error('the temporary folder is made when the suite starts');
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
