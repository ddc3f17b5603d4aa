/**
 * Which file a build process or a build thread runs: compiled (dist/, as
 * `npm start` runs it) the .js beside its caller, run by plain node; from
 * source (tests, benchmarks) the .ts, which then needs tsx's loader too
 * (build-process.ts and build-thread.ts each give it their way).
 */

export const compiled = import.meta.url.endsWith('.js');

/** The module to run for `source`, a .ts module's URL. */
export function runnableModule(source: URL): URL {
  return compiled ? new URL(source.href.replace(/\.ts$/, '.js')) : source;
}
