import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const readJson = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

// npm 12 runs a dependency's install scripts only when package.json's allowScripts approves them, and
// skips the others with a warning while `npm ci` still exits 0: a native module left unbuilt fails only
// when the bot starts.
describe('install scripts', () => {
  const { allowScripts = {} } = readJson('package.json') as { allowScripts?: Record<string, boolean> };
  const { packages } = readJson('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };

  it('are approved or denied in package.json for every dependency that has one', () => {
    const withScripts = Object.keys(packages)
      .filter((path) => packages[path]!.hasInstallScript)
      .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    assert.ok(withScripts.includes('better-sqlite3'), 'the lockfile lists the install scripts');
    assert.deepEqual(
      withScripts.filter((name) => !(name in allowScripts)),
      [],
    );
  });

  it('build better-sqlite3, the state store’s native module', () => {
    assert.equal(allowScripts['better-sqlite3'], true);
  });
});
