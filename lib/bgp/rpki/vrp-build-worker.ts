/**
 * The worker thread of vrp-build-thread.ts: loads the VRP file named in its
 * workerData and posts back the set's parts (build-thread.ts transfers their
 * buffers), or the reason it could not. The snapshot is written by the main
 * thread, which has the set answering meanwhile.
 */

import { postBuildResult } from '../build-thread.ts';
import { fileVersionOf } from '../../ops/watched-file.ts';
import type { VrpBuildRequest, VrpBuildResult } from './vrp-build-thread.ts';
import { loadVrpFile } from './vrp-file-loader.ts';

await postBuildResult(async ({ path }: VrpBuildRequest): Promise<VrpBuildResult> => {
  const { vrps, format, gzipped, dataTime, stats } = await loadVrpFile(path);
  // The file's fs.Stats, cut down to what it is compared by: a class instance would arrive as a plain object anyway.
  return { parts: vrps.parts(), format, gzipped, dataTime, stats: fileVersionOf(stats) };
});
