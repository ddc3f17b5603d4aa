import type { Logger } from '../../ops/logger.ts';
import { RipeStatRpkiSource } from './ripestat-rpki-source.ts';
import type { RpkiSource, RpkiStats } from './rpki-source.ts';
import { loggedDataFile } from '../../datafile/data-file.ts';
import { VrpFileSource } from './vrp-file-source.ts';

/** BGP_RPKI, read: `off`, `ripestat` or the path of a VRP file. */
export type RpkiSourceSetting = { readonly kind: 'off' } | { readonly kind: 'ripestat' } | { readonly kind: 'file'; readonly path: string };

export interface RpkiSourceSettings {
  readonly source: RpkiSourceSetting;
  /** How long one request to RIPEstat may take. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Where the VRPs' snapshot is kept (STATE_DIR); none without it. */
  readonly snapshotDir?: string;
}

/** The RPKI source BGP_RPKI names, opened; undefined when RPKI is off. Rejects with DataFileLoadError when the VRP file cannot be loaded. */
export async function openRpkiSource(settings: RpkiSourceSettings): Promise<RpkiSource | undefined> {
  const { source, logger } = settings;
  switch (source.kind) {
    case 'off':
      return undefined;
    case 'ripestat':
      return new RipeStatRpkiSource({ timeoutMs: settings.timeoutMs });
    case 'file':
      return VrpFileSource.open({
        path: source.path,
        ...loggedDataFile<RpkiStats>(logger, settings.snapshotDir, {
          snapshotName: 'rpki-vrps.snapshot',
          events: 'rpki-vrps',
          snapshotEvents: 'rpki',
          what: 'RPKI VRPs',
          figures: (stats) => ({ ipv4Vrps: stats.ipv4Vrps, ipv6Vrps: stats.ipv6Vrps }),
        }),
      });
  }
}
