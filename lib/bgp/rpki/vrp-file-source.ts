/**
 * `BGP_RPKI=PATH`: validates routes against a VRP file loaded into memory
 * (rpki-client or Routinator JSON, Routinator CSV, gzipped or not),
 * reloaded when the file changes like a table file: the new set is built
 * aside, in a child process, and swapped in; a file that fails to load leaves the old set
 * answering and is reported through `onError`.
 */

import type { IpAddress } from '../../net/ip-address.ts';
import { openDataFile, type SnapshotListener } from '../../datafile/data-file.ts';
import type { DataFileWatching, LoadedFile, WatchedFile } from '../../datafile/watched-file.ts';
import type { RouteValidity, RpkiSource, RpkiStats } from './rpki-source.ts';
import { type LoadedVrps, type VrpFormat, vrpFile } from './vrp-file-loader.ts';

/** A failed reload is a DataFileLoadError. */
export interface VrpFileSourceOptions extends DataFileWatching, SnapshotListener<RpkiStats> {
  readonly path: string;
  /** A new VRP set was swapped in. */
  readonly onLoad?: (stats: RpkiStats) => void;
  /** Where to keep a snapshot of the VRPs (STATE_DIR), as TableFileSource keeps the table's. */
  readonly snapshotPath?: string;
}

export class VrpFileSource implements RpkiSource {
  readonly name = 'file';

  private constructor(private readonly file: WatchedFile<LoadedVrps>) {}

  /** Loads the file and starts watching it; rejects with DataFileLoadError when it cannot be loaded. */
  static async open(options: VrpFileSourceOptions): Promise<VrpFileSource> {
    const file = await openDataFile(vrpFile, {
      ...options,
      onSnapshotLoaded: (loaded, ms) => options.onSnapshotLoaded?.(statsOf(loaded), ms),
      onLoad: (loaded) => options.onLoad?.(statsOf(loaded)),
    });
    return new VrpFileSource(file);
  }

  async validate(prefix: IpAddress, length: number, origins: readonly number[]): Promise<RouteValidity[]> {
    return this.file.current.value.vrps.validateOrigins(prefix, length, origins);
  }

  async stats(): Promise<RpkiStats> {
    return statsOf(this.file.current);
  }

  /** Loads the file now (e.g. on SIGHUP); true when a new set was swapped in. */
  reload(): Promise<boolean> {
    return this.file.reload();
  }

  close(): void {
    this.file.close();
  }
}

/** What each format is, as answers name the source: never the file's path. */
const FORMAT_LABELS: Readonly<Record<VrpFormat, string>> = { json: 'JSON VRP file', csv: 'CSV VRP file' };

function statsOf({ value, stats, loadedAt }: LoadedFile<LoadedVrps>): RpkiStats {
  return {
    source: FORMAT_LABELS[value.format],
    ipv4Vrps: value.vrps.ipv4Vrps,
    ipv6Vrps: value.vrps.ipv6Vrps,
    loadedAt,
    dataTime: value.dataTime ?? stats.mtime,
  };
}
