/**
 * The snapshot of a loaded routing table (snapshot-file.ts): its parts, and
 * which file version of which table file it was built from, so that a
 * restart answers from it at once and loads the file again only when it has
 * changed since.
 */

import { SnapshotError } from './errors.ts';
import { RoutingTable, type RoutingTableParts } from './routing-table.ts';
import { readSnapshot, writeSnapshot } from './snapshot-file.ts';
import type { LoadedTable } from './table-file-loader.ts';
import type { FileVersion } from '../ops/watched-file.ts';

const KIND = 'bgp-table';

interface TableSnapshotMeta {
  readonly source: string;
  readonly format: LoadedTable['format'];
  readonly gzipped: boolean;
  /** Milliseconds since the epoch, or null when the format records no time. */
  readonly dataTime: number | null;
  readonly file: Omit<FileVersion, 'mtime'>;
}

export function writeTableSnapshot(snapshotPath: string, sourcePath: string, loaded: LoadedTable): Promise<void> {
  const { dev, ino, size, mtimeMs, ctimeMs } = loaded.stats;
  const meta: TableSnapshotMeta = {
    source: sourcePath,
    format: loaded.format,
    gzipped: loaded.gzipped,
    dataTime: loaded.dataTime?.getTime() ?? null,
    file: { dev, ino, size, mtimeMs, ctimeMs },
  };
  return writeSnapshot(snapshotPath, KIND, meta, loaded.table.parts());
}

/** The table of a snapshot of `sourcePath`; rejects with SnapshotError (or the file system's error when there is none). */
export async function readTableSnapshot(snapshotPath: string, sourcePath: string): Promise<LoadedTable> {
  const { meta, parts } = await readSnapshot<TableSnapshotMeta, RoutingTableParts>(snapshotPath, KIND);
  if (meta.source !== sourcePath) throw new SnapshotError(snapshotPath, `is of ${meta.source}, not ${sourcePath}`);
  return {
    table: RoutingTable.fromParts(parts),
    format: meta.format,
    gzipped: meta.gzipped,
    dataTime: meta.dataTime === null ? undefined : new Date(meta.dataTime),
    stats: { ...meta.file, mtime: new Date(meta.file.mtimeMs) },
  };
}
