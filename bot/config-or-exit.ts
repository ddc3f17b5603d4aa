import { ConfigError } from '../lib/config-error.ts';

/**
 * A bad setting stops the process at start with one line naming the variable
 * and exit code 2, which tells the supervisor not to restart the worker.
 */
export function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`fedidig: ${error.message}\n`);
  process.exit(2);
}

export function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    return exitOnConfigError(error);
  }
}
