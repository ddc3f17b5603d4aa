import { join } from 'node:path';
import type { BgpSource, BgpTableStats } from '../bgp-source.ts';
import { loggedDataFile } from '../../datafile/data-file.ts';
import { CymruSource } from './cymru-source.ts';
import { RipeStatSource } from './ripestat-source.ts';
import { TableFileSource } from './table-file-source.ts';
import type { Logger } from '../../ops/logger.ts';
import { errorFields } from '../../ops/error-fields.ts';
import type { Resolver } from '../../dns/resolver.ts';

/** BGP_SOURCE, read: `cymru`, `ripestat`, `table:PATH` or `off`. */
export type BgpSourceSetting =
  | { readonly kind: 'cymru' }
  | { readonly kind: 'ripestat' }
  /** `label` (BGP_SOURCE_LABEL): how answers name the table's data; by default its format, never its path. */
  | { readonly kind: 'table'; readonly path: string; readonly label?: string }
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
        asNamesPath: settings.asNamesPath,
        ...(settings.snapshotDir !== undefined && { asNamesSnapshotPath: join(settings.snapshotDir, 'bgp-as-names.snapshot') }),
        ...loggedDataFile<BgpTableStats>(logger, settings.snapshotDir, {
          snapshotName: 'bgp-table.snapshot',
          events: 'bgp-table',
          snapshotEvents: 'bgp',
          what: 'BGP table',
          figures: (stats) => ({ ipv4Prefixes: stats.ipv4Prefixes, ipv6Prefixes: stats.ipv6Prefixes }),
        }),
        onAsNamesError: (error) => logger.warn({ event: 'bgp-as-names-error', ...errorFields(error) }, 'AS names not loaded; the names before keep answering'),
      });
  }
}
