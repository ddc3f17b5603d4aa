/**
 * The worker thread of table-build-thread.ts: loads the table file named in
 * its workerData, writes its snapshot when asked, and posts back the table's
 * parts, their buffers transferred, or the reason it could not.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { TableLoadError } from './errors.ts';
import type { TableBuildRequest, TableBuildResult } from './table-build-thread.ts';
import { loadTableFile } from './table-file-loader.ts';
import { writeTableSnapshot } from './table-snapshot.ts';
import { fileVersionOf } from '../ops/watched-file.ts';

const { path, snapshotPath } = workerData as TableBuildRequest;
const port = parentPort!;
try {
  const loaded = await loadTableFile(path);
  const { table, format, gzipped, dataTime } = loaded;
  const stats = fileVersionOf(loaded.stats);
  // Written before the arrays are transferred away; a failure costs the next restart its head start, not this table.
  const snapshotError =
    snapshotPath === undefined
      ? undefined
      : await writeTableSnapshot(snapshotPath, path, { ...loaded, stats }).then(
          () => undefined,
          (error: Error) => error.message,
        );
  const parts = table.parts();
  const result: TableBuildResult = { parts, format, gzipped, dataTime, stats, ...(snapshotError !== undefined && { snapshotError }) };
  port.postMessage(result, [...buffersOf(parts)]);
} catch (error) {
  // The main thread wraps the cause in a TableLoadError of its own, naming the path once.
  const cause = error instanceof TableLoadError && error.cause instanceof Error ? error.cause : (error as Error);
  const result: TableBuildResult = { error: { name: cause.name, message: cause.message } };
  port.postMessage(result);
}

/** The buffers under every typed array in `value`, each once (a buffer listed twice cannot be transferred). */
function buffersOf(value: unknown, found = new Set<ArrayBuffer>()): Set<ArrayBuffer> {
  if (ArrayBuffer.isView(value)) found.add(value.buffer as ArrayBuffer);
  else if (typeof value === 'object' && value !== null) for (const child of Object.values(value)) buffersOf(child, found);
  return found;
}
