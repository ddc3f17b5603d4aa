/**
 * Loads a table file in a worker thread (table-build-worker.ts, started by
 * build-thread.ts), which hands the table back as its typed arrays; the table
 * is put together around them here without deriving anything again.
 */

import { runBuildWorker } from './build-thread.ts';
import { TableLoadError } from './errors.ts';
import { RoutingTable, type RoutingTableParts } from './routing-table.ts';
import type { LoadedTable } from './table-file-loader.ts';
import type { FileVersion } from '../ops/watched-file.ts';

/** What the worker posts back: the table's parts and facts. */
export interface TableBuildResult {
  readonly parts: RoutingTableParts;
  readonly format: LoadedTable['format'];
  readonly gzipped: boolean;
  readonly dataTime: Date | undefined;
  readonly stats: FileVersion;
  /** Why the snapshot could not be written, if it could not; the table is good all the same. */
  readonly snapshotError?: string;
}

/** What the worker is asked: the table file, and where to keep a snapshot of its table. */
export interface TableBuildRequest {
  readonly path: string;
  readonly snapshotPath?: string;
}

/**
 * loadTableFile in a worker thread, which also writes the table's snapshot
 * when asked (`onSnapshotError` hears why it could not); rejects with
 * TableLoadError.
 */
export async function loadTableFileInWorker(request: TableBuildRequest, onSnapshotError?: (error: Error) => void): Promise<LoadedTable> {
  const worker = new URL('./table-build-worker.ts', import.meta.url);
  const result = await runBuildWorker<TableBuildRequest, TableBuildResult>(worker, request).catch((error: unknown) => {
    throw new TableLoadError(request.path, error);
  });
  const { parts, format, gzipped, dataTime, stats, snapshotError } = result;
  if (snapshotError !== undefined) onSnapshotError?.(new Error(snapshotError));
  return { table: RoutingTable.fromParts(parts), format, gzipped, dataTime, stats };
}
