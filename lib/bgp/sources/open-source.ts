import type { BgpSource, BgpTableStats } from '../bgp-source.ts';
import { loggedDataFile } from '../../datafile/data-file.ts';
import { CymruSource } from './cymru-source.ts';
import { RipeStatSource } from './ripestat-source.ts';
import { TableFileSource } from './table-file-source.ts';
import type { Logger } from '../../ops/logger.ts';
import type { LoadedFile } from '../../datafile/watched-file.ts';
import type { LoadedAsNames } from '../formats/as-names.ts';
import type { Resolver } from '../../dns/resolver.ts';

/** BGP_SOURCE, read: `cymru`, `ripestat`, `table:PATH` or `off`. */
export type BgpSourceSetting =
  | { readonly kind: 'cymru' }
  | { readonly kind: 'ripestat' }
  /**
   * `label` (BGP_SOURCE_LABEL): how answers name the table's data; by default its format, never its path.
   * `threads` (BGP_TABLE_THREADS): how many threads read an MRT RIB (partitioned-read.ts).
   */
  | { readonly kind: 'table'; readonly path: string; readonly label?: string; readonly threads?: number }
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
        label: source.label,
        ...(source.threads !== undefined && { threads: source.threads }),
        ...loggedDataFile<BgpTableStats>(logger, settings.snapshotDir, {
          snapshotName: 'bgp-table.snapshot',
          events: 'bgp-table',
          snapshotEvents: 'bgp',
          what: 'BGP table',
          figures: (stats) => ({ ipv4Prefixes: stats.ipv4Prefixes, ipv6Prefixes: stats.ipv6Prefixes }),
        }),
        ...(settings.asNamesPath !== undefined && {
          asNames: {
            path: settings.asNamesPath,
            ...loggedDataFile<LoadedFile<LoadedAsNames>>(logger, settings.snapshotDir, {
              snapshotName: 'bgp-as-names.snapshot',
              events: 'bgp-as-names',
              snapshotEvents: 'bgp-as-names',
              what: 'AS names',
              figures: (loaded) => ({ asNames: loaded.value.names.size }),
            }),
          },
        }),
      });
  }
}
