/**
 * Command-line options of the benchmarks, read with node:util's parseArgs:
 * `--name value` and `--name=value` alike, `--help` prints the usage, and a
 * wrong option stops the run with the usage before anything starts.
 */
import { parseArgs } from 'node:util';

/** A whole number (at least `min`, default 0), a free string, or repeatable `NAME=VALUE` pairs. */
export type OptionSpec =
  | { readonly type: 'count'; readonly default: number; readonly min?: number }
  | { readonly type: 'string'; readonly default?: string }
  | { readonly type: 'env' };

export type OptionValues<S extends Record<string, OptionSpec>> = {
  -readonly [K in keyof S]: S[K] extends { type: 'count' }
    ? number
    : S[K] extends { type: 'env' }
      ? Record<string, string>
      : S[K] extends { default: string }
        ? string
        : string | undefined;
};

/** A wrong command line: the message, to be shown with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Reads `args` by `spec` (keys are the option names without `--`). Throws a
 * UsageError for an unknown option, a missing or wrong value, or a stray
 * argument; returns undefined for `--help`, which the caller answers with the usage.
 */
export function readOptions<S extends Record<string, OptionSpec>>(args: readonly string[], spec: S): OptionValues<S> | undefined {
  const options = Object.fromEntries(Object.entries(spec).map(([name, option]) => [name, { type: 'string' as const, multiple: option.type === 'env' }]));
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    // parseArgs refuses an unknown option or a missing value with a TypeError (ERR_PARSE_ARGS_*).
    if (!(error instanceof TypeError)) throw error;
    throw new UsageError(error.message);
  }
  if (values.help) return undefined;
  const read: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    const value = values[name];
    if (option.type === 'env') read[name] = environment(name, (value as string[] | undefined) ?? []);
    else if (option.type === 'string') read[name] = (value as string | undefined) ?? option.default;
    else read[name] = value === undefined ? option.default : count(name, value as string, option.min ?? 0);
  }
  return read as OptionValues<S>;
}

function count(name: string, text: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be a whole number of at least ${min} (got “${text}”)`);
  return value;
}

function environment(name: string, pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--${name} takes NAME=VALUE, like DNS_CACHE_SIZE=0 (got “${pair}”)`);
    env[match[1]!] = match[2]!;
  }
  return env;
}

/**
 * Reads the options and answers `--help` and mistakes itself: the usage on
 * stdout and exit 0 for `--help`, the problem and the usage on stderr and
 * exit 2 for a mistake.
 */
export function optionsOrExit<S extends Record<string, OptionSpec>>(args: readonly string[], spec: S, usage: string): OptionValues<S> {
  try {
    const values = readOptions(args, spec);
    if (values) return values;
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage.trim()}\n`);
    process.exit(2);
  }
}

/**
 * The options meant for one benchmark among all of `npm run bench`'s, by
 * prefix: `--bot-mentions 2000` → `--mentions 2000`, `--bgp-lookups=500000` → `--lookups=500000`.
 */
export function prefixedOptions(prefix: string, args: readonly string[]): string[] {
  const picked: string[] = [];
  args.forEach((arg, i) => {
    if (!arg.startsWith(`--${prefix}-`)) return;
    picked.push(`--${arg.slice(prefix.length + 3)}`);
    const value = args[i + 1];
    if (!arg.includes('=') && value !== undefined && !value.startsWith('--')) picked.push(value);
  });
  return picked;
}
