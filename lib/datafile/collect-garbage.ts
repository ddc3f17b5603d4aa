/**
 * A full garbage collection now, where the runtime offers one: the build
 * process is started with `--expose-gc` (build-process.ts); anywhere else
 * this does nothing. A build outgrows typed arrays of tens of MB as it reads
 * (each doubled into a copy), and those copies are freed only when the
 * collector runs; called before a builder makes its frozen arrays, it keeps
 * them from adding to the build's peak whenever the collector happens to be
 * late (a full RIB's peak moved by up to 40 MB with its timing).
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
