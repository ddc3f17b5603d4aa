/**
 * The worker thread of table-build-thread.ts: loads the table file named in
 * its workerData, writes its snapshot when asked, and posts back the table's
 * parts (build-thread.ts transfers their buffers), or the reason it could not.
 */

import { postBuildResult } from './build-thread.ts';
import type { TableBuildRequest, TableBuildResult } from './table-build-thread.ts';
import { loadTableFile } from './table-file-loader.ts';
import { writeTableSnapshot } from './table-snapshot.ts';
import { fileVersionOf } from '../ops/watched-file.ts';

await postBuildResult(async ({ path, snapshotPath }: TableBuildRequest): Promise<TableBuildResult> => {
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
  return { parts: table.parts(), format, gzipped, dataTime, stats, ...(snapshotError !== undefined && { snapshotError }) };
});
