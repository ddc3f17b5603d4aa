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
