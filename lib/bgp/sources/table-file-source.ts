/**
 * `BGP_SOURCE=table:PATH`: answers from a routing table file loaded into
 * memory (any format table-format.ts knows, gzipped or not), reloaded when
 * the file changes. A reload builds the new table aside and swaps it in
 * atomically; queries meanwhile get the old table. A file that fails to load
 * leaves the old table answering and is reported through `onError`.
 * Optionally names ASes from an AS-names file (`BGP_ASNAMES`), watched the
 * same way.
 */

import { asNamesFile, type LoadedAsNames } from '../formats/as-names.ts';
import type { AsnAnswer, BgpSource, BgpTableStats, RouteAnswer, RouteQuery } from '../bgp-source.ts';
import { openDataFile, type SnapshotListener } from '../../datafile/data-file.ts';
import { type LoadedTable, tableFile } from '../table/table-file-loader.ts';
import type { TableFormat } from '../formats/table-format.ts';
import type { DataFileWatching, LoadedFile, WatchedFile } from '../../datafile/watched-file.ts';

/** Both files are watched alike; a failed reload is a DataFileLoadError. */
export interface TableFileSourceOptions extends DataFileWatching, SnapshotListener<BgpTableStats> {
  /** The table file. */
  readonly path: string;
  /** What answers shows as the source (BGP_SOURCE_LABEL, e.g. `RIPE RIS rrc00`); by default what the file is, `MRT RIB`: never its path. */
  readonly label?: string;
  /** Threads that read an MRT RIB, each its partition of the paths (partitioned-read.ts); one by default. */
  readonly threads?: number;
  /** An AS-names file (as-names.ts), watched as the table is, with its own snapshot and reports. */
  readonly asNames?: AsNamesFileOptions;
  /** A new table was swapped in. */
  readonly onLoad?: (stats: BgpTableStats) => void;
  /**
   * Where to keep a snapshot of the table (STATE_DIR): each table loaded is
   * written there, and at open a snapshot of this table file answers at once
   * while the file, if it has changed since, is loaded in the background.
   */
  readonly snapshotPath?: string;
}

export interface AsNamesFileOptions extends SnapshotListener<LoadedFile<LoadedAsNames>> {
  readonly path: string;
  /** Where to keep a snapshot of the AS names (STATE_DIR). */
  readonly snapshotPath?: string;
  /** A reload of the AS-names file failed (the names before keep answering); the table's `onError` hears it when this is not given. */
  readonly onError?: (error: Error) => void;
  readonly onLoad?: (loaded: LoadedFile<LoadedAsNames>) => void;
}

export class TableFileSource implements BgpSource {
  readonly name = 'table';

  private constructor(
    private readonly label: string | undefined,
    private readonly table: WatchedFile<LoadedTable>,
    private readonly names: WatchedFile<LoadedAsNames> | undefined,
  ) {}

  /** Loads the files and starts watching them; rejects with DataFileLoadError when one cannot be loaded. */
  static async open(options: TableFileSourceOptions): Promise<TableFileSource> {
    const table = await openDataFile(tableFile, {
      ...options,
      ...(options.threads !== undefined && { loadOptions: { threads: options.threads } }),
      onSnapshotLoaded: (loaded, ms) => options.onSnapshotLoaded?.(statsOf(options.label, loaded), ms),
      onLoad: (loaded) => options.onLoad?.(statsOf(options.label, loaded)),
    });
    try {
      const { asNames } = options;
      const names =
        asNames === undefined
          ? undefined
          : await openDataFile(asNamesFile, {
              pollIntervalMs: options.pollIntervalMs,
              settleMs: options.settleMs,
              ...asNames,
              onError: asNames.onError ?? options.onError,
            });
      return new TableFileSource(options.label, table, names);
    } catch (error) {
      table.close();
      throw error;
    }
  }

  async route(query: RouteQuery): Promise<RouteAnswer> {
    const { table } = this.table.current.value;
    if (query.kind === 'address') {
      const match = table.matchIpAddress(query.address);
      return match === undefined ? { query, origins: [] } : { query, ...match };
    }
    const { covering, moreSpecifics } = table.matchIpPrefix(query.prefix, query.length);
    return covering === undefined ? { query, origins: [], moreSpecifics } : { query, ...covering, moreSpecifics };
  }

  async asn(asn: number): Promise<AsnAnswer> {
    const { ipv4, ipv6 } = this.table.current.value.table.originatedBy(asn);
    const answer: AsnAnswer = { asn, ipv4Prefixes: ipv4, ipv6Prefixes: ipv6 };
    const name = this.names?.current.value.names.get(asn);
    if (name !== undefined) answer.name = name;
    return answer;
  }

  async asnNames(asns: readonly number[]): Promise<Map<number, string>> {
    const names = this.names?.current.value.names;
    const found = new Map<number, string>();
    for (const asn of asns) {
      const name = names?.get(asn);
      if (name !== undefined) found.set(asn, name);
    }
    return found;
  }

  async stats(): Promise<BgpTableStats> {
    return statsOf(this.label, this.table.current);
  }

  /** Loads the table file now (e.g. on SIGHUP); true when a new table was swapped in. */
  reload(): Promise<boolean> {
    return this.table.reload();
  }

  close(): void {
    this.table.close();
    this.names?.close();
  }
}

/** What each format is, as answers name the source: public answers never show the operator's file system. */
const FORMAT_LABELS: Readonly<Record<TableFormat, string>> = {
  mrt: 'MRT RIB',
  bgpdump: 'bgpdump -m table',
  'ris-whois': 'RIS riswhoisdump',
  'caida-prefix2as': 'CAIDA prefix2as',
};

function statsOf(label: string | undefined, { value, stats, loadedAt }: LoadedFile<LoadedTable>): BgpTableStats {
  const { paths } = value.table;
  return {
    source: label ?? FORMAT_LABELS[value.format],
    ipv4Prefixes: value.table.ipv4Prefixes,
    ipv6Prefixes: value.table.ipv6Prefixes,
    originAsns: value.table.originAsns,
    ...(paths && { peers: { ipv4: paths.ipv4Peers, ipv6: paths.ipv6Peers }, asPaths: paths.pathCount }),
    loadedAt,
    dataTime: value.dataTime ?? stats.mtime,
  };
}
