import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const run = promisify(execFile);
const checker = new URL('../../scripts/check-links.mjs', import.meta.url).pathname;

describe('links in the README and docs/', () => {
  const dir = temporaryFolder('fedidig-links-');

  it('all resolve, to a file and to a heading in it', async () => {
    const { stdout } = await run(process.execPath, [checker]);
    assert.match(stdout, /all relative links resolve/);
  });

  it('are reported when a file or a heading is missing', async () => {
    await mkdir(join(dir(), 'docs'));
    await writeFile(join(dir(), 'README.md'), '# Top\n[ok](docs/a.md#a-heading) [gone](docs/b.md) [no heading](docs/a.md#nothing) [self](#top)\n');
    await writeFile(join(dir(), 'docs', 'a.md'), '# A heading\n');
    const failed = await run(process.execPath, [checker, dir()]).then(
      () => assert.fail('the checker passed broken links'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.deepEqual(failed.stderr.trim().split('\n'), ['README.md: docs/b.md (no such file)', 'README.md: docs/a.md#nothing (no such heading)']);
  });
});
