import { SetupError } from '../ops/setup-error.ts';

/**
 * better-sqlite3's native module cannot be loaded: it was never built (npm 12
 * runs a dependency's install script only where package.json's allowScripts
 * lets it) or was built for another Node.js (one installed since `npm ci`).
 * Restarting does not help; rebuilding does.
 */
export class SqliteModuleError extends SetupError {
  override readonly name = 'SqliteModuleError';
  constructor(
    readonly problem: 'not built' | 'not loadable',
    cause: Error,
  ) {
    const why = problem === 'not built' ? 'is not built' : `cannot be loaded by Node.js ${process.version} (${cause.message.replace(/\s+/g, ' ').trim()})`;
    super(`the SQLite module (better-sqlite3) ${why}: run \`npm rebuild better-sqlite3\` in the checkout, or set DATABASE_URL for PostgreSQL`, {
      cause,
    });
  }
}

/** The SqliteModuleError that `error`, thrown while better-sqlite3 loaded its native module, is; else undefined. */
export function sqliteModuleError(error: unknown): SqliteModuleError | undefined {
  if (!(error instanceof Error)) return undefined;
  // The `bindings` package, which finds the module, lists the paths it tried when none holds a build.
  if ('tries' in error) return new SqliteModuleError('not built', error);
  if ((error as NodeJS.ErrnoException).code === 'ERR_DLOPEN_FAILED') return new SqliteModuleError('not loadable', error);
  return undefined;
}
