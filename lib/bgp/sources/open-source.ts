import { join } from 'node:path';
import type { BgpSource, BgpTableStats } from '../bgp-source.ts';
import { loggedSnapshot } from '../../datafile/data-file.ts';
import { CymruSource } from './cymru-source.ts';
import { RipeStatSource } from './ripestat-source.ts';
import { TableFileSource } from './table-file-source.ts';
import type { Logger } from '../../ops/logger.ts';
import { ConfigError } from '../../engine/config-error.ts';
import type { Resolver } from '../../dns/resolver.ts';

export interface BgpSourceSettings {
  /** `cymru`, `ripestat`, `table:PATH`, `off`. */
  readonly source: string;
  /** BGP_SOURCE_LABEL: how answers name a table file's data. */
  readonly label?: string;
  readonly asNamesPath?: string;
  /** The engine's default resolver, for the sources that ask DNS. */
  readonly resolver: Resolver;
  /** How long one request to a remote source may take. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Where a table's snapshot is kept (STATE_DIR); none without it. */
  readonly snapshotDir?: string;
}

/** The BGP source BGP_SOURCE names, opened; undefined when BGP is off. */
export async function openBgpSource(settings: BgpSourceSettings): Promise<BgpSource | undefined> {
  const { source } = settings;
  if (source === 'off') return undefined;
  if (source === 'cymru') return new CymruSource({ resolver: settings.resolver });
  if (source === 'ripestat') return new RipeStatSource({ timeoutMs: settings.timeoutMs });
  if (source.startsWith('table:') && source.length > 'table:'.length) {
    try {
      const { logger } = settings;
      return await TableFileSource.open({
        path: source.slice('table:'.length),
        label: settings.label,
        asNamesPath: settings.asNamesPath,
        ...(settings.snapshotDir !== undefined && { asNamesSnapshotPath: join(settings.snapshotDir, 'bgp-as-names.snapshot') }),
        ...loggedSnapshot<BgpTableStats>(logger, settings.snapshotDir, {
          name: 'bgp-table.snapshot',
          events: 'bgp',
          what: 'BGP table',
          figures: (stats) => ({ ipv4Prefixes: stats.ipv4Prefixes, ipv6Prefixes: stats.ipv6Prefixes }),
        }),
        onError: (error) =>
          settings.logger.warn({ event: 'bgp-table-error', error: error.message }, `BGP table: ${error.message}; the table loaded before keeps answering`),
        onReload: (stats) =>
          settings.logger.info(
            { event: 'bgp-table-loaded', ipv4Prefixes: stats.ipv4Prefixes, ipv6Prefixes: stats.ipv6Prefixes },
            `BGP table loaded: ${stats.ipv4Prefixes} IPv4 and ${stats.ipv6Prefixes} IPv6 prefixes`,
          ),
      });
    } catch (error) {
      throw new ConfigError('BGP_SOURCE', `cannot load ${source.slice('table:'.length)}: ${(error as Error).message}`);
    }
  }
  throw new ConfigError('BGP_SOURCE', `must be cymru, ripestat, table:PATH or off (got “${source}”)`);
}
