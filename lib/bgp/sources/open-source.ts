import { join } from 'node:path';
import type { BgpSource, BgpTableStats } from '../bgp-source.ts';
import { loggedSnapshot } from '../../datafile/data-file.ts';
import { CymruSource } from './cymru-source.ts';
import { RipeStatSource } from './ripestat-source.ts';
import { TableFileSource } from './table-file-source.ts';
import type { Logger } from '../../ops/logger.ts';
import type { Resolver } from '../../dns/resolver.ts';

/** BGP_SOURCE, read: `cymru`, `ripestat`, `table:PATH` or `off`. */
export type BgpSourceSetting =
  | { readonly kind: 'cymru' }
  | { readonly kind: 'ripestat' }
  | { readonly kind: 'table'; readonly path: string }
  | { readonly kind: 'off' };

export interface BgpSourceSettings {
  readonly source: BgpSourceSetting;
  readonly asNamesPath?: string;
  /** The engine's default resolver, for the sources that ask DNS. */
  readonly resolver: Resolver;
  /** How long one request to a remote source may take. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Where a table's snapshot is kept (STATE_DIR); none without it. */
  readonly snapshotDir?: string;
}

/** The BGP source BGP_SOURCE names, opened; undefined when BGP is off. Rejects with DataFileLoadError when a table file cannot be loaded. */
export async function openBgpSource(settings: BgpSourceSettings): Promise<BgpSource | undefined> {
  const { source, logger } = settings;
  switch (source.kind) {
    case 'off':
      return undefined;
    case 'cymru':
      return new CymruSource({ resolver: settings.resolver });
    case 'ripestat':
      return new RipeStatSource({ timeoutMs: settings.timeoutMs });
    case 'table':
      return TableFileSource.open({
        path: source.path,
        asNamesPath: settings.asNamesPath,
        ...(settings.snapshotDir !== undefined && { asNamesSnapshotPath: join(settings.snapshotDir, 'bgp-as-names.snapshot') }),
        ...loggedSnapshot<BgpTableStats>(logger, settings.snapshotDir, {
          name: 'bgp-table.snapshot',
          events: 'bgp',
          what: 'BGP table',
          figures: (stats) => ({ ipv4Prefixes: stats.ipv4Prefixes, ipv6Prefixes: stats.ipv6Prefixes }),
        }),
        onError: (error) =>
          logger.warn({ event: 'bgp-table-error', error: error.message }, `BGP table: ${error.message}; the table loaded before keeps answering`),
        onReload: (stats) =>
          logger.info(
            { event: 'bgp-table-loaded', ipv4Prefixes: stats.ipv4Prefixes, ipv6Prefixes: stats.ipv6Prefixes },
            `BGP table loaded: ${stats.ipv4Prefixes} IPv4 and ${stats.ipv6Prefixes} IPv6 prefixes`,
          ),
      });
  }
}
