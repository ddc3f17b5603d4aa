import { SetupError } from '../ops/setup-error.ts';

/** A missing or bad configuration value; the message names the variable and says what would work. */
export class ConfigError extends SetupError {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}
