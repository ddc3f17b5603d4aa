/**
 * The compiled build (dist/), which `npm start`, pm2 and the build process
 * they fork run: the MRT benchmarks load and reload the RIB with it, so that
 * the code they time is production's, not tsx's output (with which the load
 * took 1.06 of the time: docs/benchmarks.md, fourth step). Their children
 * still start under tsx's loader, for the bench's own helpers: 20 to 30 MB
 * of their peak is the loader's.
 */

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

/** Builds dist/ when a source is newer than its output (scripts/ensure-build.mjs, as `npm start` does). */
export function ensureCompiledBuild(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/ensure-build.mjs', root))], { stdio: 'inherit' });
}

/** The compiled form of the module `source` (a path from the checkout, without its extension: `lib/datafile/data-file`). */
export async function compiledModule<Module>(source: string): Promise<Module> {
  return (await import(new URL(`dist/${source}.js`, root).href)) as Module;
}
