import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadAsNames, parseAsNames } from '../../lib/bgp/formats/as-names.ts';
import { FIXTURE_DIR } from '../testkit/bgp/fixture-table.ts';
import { inPieces } from '../testkit/bgp/table-helpers.ts';

const FIXTURE = fileURLToPath(new URL('asnames.txt', FIXTURE_DIR));

describe('AS names', () => {
  it('reads plain, AS-prefixed, tab-separated and asdot lines, skipping comments and nameless ASes', async () => {
    const { names } = await loadAsNames(FIXTURE);
    assert.deepEqual(
      [...names],
      [
        [64500, 'EXAMPLE-AS-A Example Network A, NL'],
        [64501, 'EXAMPLE-AS-B - Example Network B, US'],
        [64502, 'EXAMPLE-AS-C'],
        [4200000000, 'EXAMPLE-4BYTE Private use, ZZ'],
        [65546, 'ASDOT-EXAMPLE Written in asdot, DE'],
      ],
    );
  });

  it('reads a gzipped file and UTF-8 names split across chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fedidig-names-'));
    try {
      const path = join(dir, 'names');
      await writeFile(path, gzipSync(await readFile(FIXTURE)));
      assert.equal((await loadAsNames(path)).names.get(64502), 'EXAMPLE-AS-C');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const names = await parseAsNames(inPieces(Buffer.from('64500 RÉSEAU-ÆØÅ, FR\n'), 1));
    assert.equal(names.get(64500), 'RÉSEAU-ÆØÅ, FR');
  });

  it('rejects a line that does not start with an AS number, with its line number', async () => {
    await assert.rejects(parseAsNames(inPieces(Buffer.from('64500 A\nNAME 64501\n'))), {
      name: 'DataFormatError',
      message: /AS-number name.*NAME 64501 \(line 2\)/,
    });
  });

  it('rejects a file without names', async () => {
    await assert.rejects(parseAsNames(inPieces(Buffer.from('# nothing\n'))), { name: 'DataFormatError', message: /no AS names/ });
  });
});
