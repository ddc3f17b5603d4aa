import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

/** A folder made before the suite's tests and removed after them; call the result for its path. */
export function temporaryFolder(prefix: string): () => string {
  let folder: string | undefined;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
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
