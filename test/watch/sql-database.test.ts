import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../lib/watch/sql-database.ts';
import { SqliteModuleError, sqliteModuleError } from '../../lib/watch/sqlite-module-error.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

// Modules resolved as better-sqlite3 resolves them, so that the errors are the ones it meets.
const requireAsSqlite = createRequire(createRequire(import.meta.url).resolve('better-sqlite3'));

describe('the SQLite module that cannot be loaded', () => {
  const dir = temporaryFolder('fedidig-sqlite-');

  const thrown = (load: () => unknown): unknown => {
    try {
      load();
    } catch (error) {
      return error;
    }
    return assert.fail('it loaded');
  };

  it('is "not built" when no build of it is found (npm skipped its install script), and says how to build it', () => {
    const bindings = requireAsSqlite('bindings') as (options: object) => unknown;
    const error = sqliteModuleError(thrown(() => bindings({ bindings: 'better_sqlite3.node', module_root: dir() })));
    assert.ok(error instanceof SqliteModuleError);
    assert.equal(error.problem, 'not built');
    assert.equal(
      error.message,
      'the SQLite module (better-sqlite3) is not built: run `npm rebuild better-sqlite3` in the checkout, or set DATABASE_URL for PostgreSQL',
    );
  });

  it('is "not loadable" when Node.js refuses the build it finds (one for another Node.js, or not a module), with Node’s reason on one line', () => {
    const fake = join(dir(), 'fake.node');
    writeFileSync(fake, 'not a shared object\n');
    const error = sqliteModuleError(thrown(() => requireAsSqlite(fake)));
    assert.ok(error instanceof SqliteModuleError);
    assert.equal(error.problem, 'not loadable');
    assert.match(
      error.message,
      new RegExp(
        `^the SQLite module \\(better-sqlite3\\) cannot be loaded by Node\\.js ${process.version.replaceAll('.', '\\.')} \\(.*fake\\.node.*\\): run \`npm rebuild better-sqlite3\``,
      ),
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  it('leaves SQLite’s own errors as they are', () => {
    // A folder where the database file should be: SQLite cannot open it.
    const error = thrown(() => openSqlite(dir()));
    assert.ok(error instanceof Error);
    assert.ok(!(error instanceof SqliteModuleError));
    assert.equal(sqliteModuleError(error), undefined);
    assert.equal(sqliteModuleError('a string'), undefined);
  });
});
