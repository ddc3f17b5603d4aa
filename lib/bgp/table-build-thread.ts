/**
 * Loads a table file in a worker thread (table-build-worker.ts): parsing and
 * building a full table takes seconds of CPU, which on the bot's own thread
 * would hold up heartbeats, pings and mentions for as long. The worker hands
 * the table back as its typed arrays, transferred rather than copied, and the
 * table is put together around them here without deriving anything again.
 */

import { Worker } from 'node:worker_threads';
import { TableLoadError } from './errors.ts';
import { RoutingTable, type RoutingTableParts } from './routing-table.ts';
import type { LoadedTable } from './table-file-loader.ts';
import type { FileVersion } from '../ops/watched-file.ts';

/** What the worker posts back: the table's parts and facts, or why it has none. */
export type TableBuildResult =
  | {
      readonly parts: RoutingTableParts;
      readonly format: LoadedTable['format'];
      readonly gzipped: boolean;
      readonly dataTime: Date | undefined;
      readonly stats: FileVersion;
      /** Why the snapshot could not be written, if it could not; the table is good all the same. */
      readonly snapshotError?: string;
    }
  | { readonly error: { readonly name: string; readonly message: string } };

// Compiled (dist/, as `npm start` runs it) the worker is the .js beside this file, run by plain node; from source
// (tests, benchmarks) it is the .ts, which needs tsx's loader in the thread too, as bot/supervisor.ts gives its worker
// process. A thread takes neither `--import tsx` in its execArgv nor the parent's hooks (Node 20: “Unknown file
// extension .ts”), so a small script registers tsx in the thread first, then imports the worker.
const compiled = import.meta.url.endsWith('.js');

/** What the worker is asked: the table file, and where to keep a snapshot of its table. */
export interface TableBuildRequest {
  readonly path: string;
  readonly snapshotPath?: string;
}

function startWorker(request: TableBuildRequest): Worker {
  const workerData = request;
  if (compiled) return new Worker(new URL('./table-build-worker.js', import.meta.url), { workerData });
  const source = new URL('./table-build-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * loadTableFile in a worker thread, which also writes the table's snapshot
 * when asked (`onSnapshotError` hears why it could not); rejects with
 * TableLoadError.
 */
export function loadTableFileInWorker(request: TableBuildRequest, onSnapshotError?: (error: Error) => void): Promise<LoadedTable> {
  const { path } = request;
  return new Promise((resolve, reject) => {
    const worker = startWorker(request);
    worker.once('message', (result: TableBuildResult) => {
      if ('error' in result) {
        const cause = new Error(result.error.message);
        cause.name = result.error.name;
        reject(new TableLoadError(path, cause));
        return;
      }
      const { parts, format, gzipped, dataTime, stats, snapshotError } = result;
      if (snapshotError !== undefined) onSnapshotError?.(new Error(snapshotError));
      resolve({ table: RoutingTable.fromParts(parts), format, gzipped, dataTime, stats });
    });
    worker.once('error', (error) => reject(new TableLoadError(path, error)));
    // After a message this settles nothing; without one, the worker died before it could say why.
    worker.once('exit', (code) => reject(new TableLoadError(path, new Error(`the table worker exited with code ${code} before it had a table`))));
  });
}
