/**
 * Loads a VRP file in a worker thread (vrp-build-worker.ts, started by
 * build-thread.ts): a full set of 800,000 VRPs is a second or two of CPU to
 * parse, sort and index. The set comes back as its typed arrays and is put
 * together around them here without deriving anything again.
 */

import { runBuildWorker } from '../build-thread.ts';
import { TableLoadError } from '../errors.ts';
import type { LoadedVrps } from './vrp-file-loader.ts';
import { VrpSet, type VrpSetParts } from './vrp-set.ts';

/** What the worker posts back: the set's parts and the file's facts. */
export type VrpBuildResult = Omit<LoadedVrps, 'vrps'> & { readonly parts: VrpSetParts };

/** What the worker is asked. */
export interface VrpBuildRequest {
  readonly path: string;
}

/** loadVrpFile in a worker thread; rejects with TableLoadError. */
export async function loadVrpFileInWorker(path: string): Promise<LoadedVrps> {
  const worker = new URL('./vrp-build-worker.ts', import.meta.url);
  const { parts, ...facts } = await runBuildWorker<VrpBuildRequest, VrpBuildResult>(worker, { path }).catch((error: unknown) => {
    throw new TableLoadError(path, error);
  });
  return { ...facts, vrps: VrpSet.fromParts(parts) };
}
