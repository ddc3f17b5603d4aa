import { ConfigError } from '../../engine/config-error.ts';
import type { Logger } from '../../ops/logger.ts';
import { RipeStatRpkiSource } from './ripestat-rpki-source.ts';
import type { RpkiSource, RpkiStats } from './rpki-source.ts';
import { loggedSnapshot } from '../../datafile/data-file.ts';
import { VrpFileSource } from './vrp-file-source.ts';

export interface RpkiSourceSettings {
  /** `off`, `ripestat` or the path of a VRP file. */
  readonly source: string;
  /** How long one request to RIPEstat may take. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Where the VRPs' snapshot is kept (STATE_DIR); none without it. */
  readonly snapshotDir?: string;
}

/** The RPKI source BGP_RPKI names, opened; undefined when RPKI is off. */
export async function openRpkiSource(settings: RpkiSourceSettings): Promise<RpkiSource | undefined> {
  const { source, logger } = settings;
  if (source === 'off') return undefined;
  if (source === 'ripestat') return new RipeStatRpkiSource({ timeoutMs: settings.timeoutMs });
  try {
    return await VrpFileSource.open({
      path: source,
      ...loggedSnapshot<RpkiStats>(logger, settings.snapshotDir, {
        name: 'rpki-vrps.snapshot',
        events: 'rpki',
        what: 'RPKI VRPs',
        figures: (stats) => ({ ipv4Vrps: stats.ipv4Vrps, ipv6Vrps: stats.ipv6Vrps }),
      }),
      onError: (error) => logger.warn({ event: 'rpki-vrps-error', error: error.message }, `RPKI VRPs: ${error.message}; the VRPs loaded before keep answering`),
      onReload: (stats) =>
        logger.info(
          { event: 'rpki-vrps-loaded', ipv4Vrps: stats.ipv4Vrps, ipv6Vrps: stats.ipv6Vrps },
          `RPKI VRPs loaded: ${stats.ipv4Vrps} IPv4 and ${stats.ipv6Vrps} IPv6`,
        ),
    });
  } catch (error) {
    throw new ConfigError('BGP_RPKI', `must be off, ripestat or a VRP file that loads: ${(error as Error).message}`);
  }
}
