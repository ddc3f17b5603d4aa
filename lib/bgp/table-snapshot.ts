/**
 * The snapshot of a loaded routing table (snapshot-file.ts): its parts, and
 * which file version of which table file it was built from, so that a
 * restart answers from it at once and loads the file again only when it has
 * changed since.
 */

import { RoutingTable, type RoutingTableParts } from './routing-table.ts';
import { readFileSnapshot, writeFileSnapshot } from './snapshot-file.ts';
import type { LoadedTable } from './table-file-loader.ts';

const KIND = 'bgp-table';

export function writeTableSnapshot(snapshotPath: string, sourcePath: string, loaded: LoadedTable): Promise<void> {
  return writeFileSnapshot(snapshotPath, KIND, sourcePath, loaded, loaded.table.parts());
}

/** The table of a snapshot of `sourcePath`; rejects with SnapshotError (or the file system's error when there is none). */
export async function readTableSnapshot(snapshotPath: string, sourcePath: string): Promise<LoadedTable> {
  const { parts, ...facts } = await readFileSnapshot<LoadedTable['format'], RoutingTableParts>(snapshotPath, KIND, sourcePath);
  return { ...facts, table: RoutingTable.fromParts(parts) };
}
