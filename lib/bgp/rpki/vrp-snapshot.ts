/** The snapshot of a loaded VRP set (snapshot-file.ts), as table-snapshot.ts keeps the routing table's. */

import { readFileSnapshot, writeFileSnapshot } from '../snapshot-file.ts';
import type { LoadedVrps } from './vrp-file-loader.ts';
import { VrpSet, type VrpSetParts } from './vrp-set.ts';

const KIND = 'rpki-vrps';

export function writeVrpSnapshot(snapshotPath: string, sourcePath: string, loaded: LoadedVrps): Promise<void> {
  return writeFileSnapshot(snapshotPath, KIND, sourcePath, loaded, loaded.vrps.parts());
}

/** The VRPs of a snapshot of `sourcePath`; rejects with SnapshotError (or the file system's error when there is none). */
export async function readVrpSnapshot(snapshotPath: string, sourcePath: string): Promise<LoadedVrps> {
  const { parts, ...facts } = await readFileSnapshot<LoadedVrps['format'], VrpSetParts>(snapshotPath, KIND, sourcePath);
  return { ...facts, vrps: VrpSet.fromParts(parts) };
}
