/**
 * Reads a table file of any supported format, gzip-compressed or not, into a
 * RoutingTable. The file is streamed through the parser,
 * so memory grows with the distinct prefixes, not with the file's size, and
 * the event loop gets a turn between chunks. An MRT RIB may be read by
 * several threads at once (partitioned-read.ts).
 */

import { DataFormatError } from '../../datafile/errors.ts';
import { loadDataFile, type OpenFile } from '../../datafile/file-content.ts';
import type { DataFileFacts, DataFileKind } from '../../datafile/data-file.ts';
import { MrtParser } from '../formats/mrt-parser.ts';
import { readOtherPartitions } from './partitioned-read.ts';
import { RoutingTableBuilder, type RoutingTableBuilderParts } from './routing-table-builder.ts';
import { RoutingTable, type RoutingTableParts } from './routing-table.ts';
import { createTableParser, detectTableFormat, type TableFormat } from '../formats/table-format.ts';
import { parseDetectingFormat, type StreamParser } from '../../datafile/stream-parser.ts';

/** Give up looking for the first data line after this much (comments, or not text). */
const MAX_HEAD_LENGTH = 1024 * 1024;

/** A table file loaded: its table, and its facts (the time, for MRT and bgpdump). */
export interface LoadedTable extends DataFileFacts<TableFormat> {
  readonly table: RoutingTable;
}

/** Table files in the data-file pipeline: built in a child process, kept as a snapshot of the table's arrays. */
export const tableFile: DataFileKind<LoadedTable, RoutingTableParts, TableLoadOptions> = {
  name: 'bgp-table',
  module: import.meta.url,
  exportName: 'tableFile',
  load: loadTableFile,
  parts: (loaded) => loaded.table.parts(),
  assemble: (facts, parts) => ({ ...facts, table: RoutingTable.fromParts(parts) }),
};

export interface TableLoadOptions {
  /**
   * Threads that read an MRT RIB, each a partition of its paths; one by
   * default. More pay only where the cores are a machine's own: two threads
   * each interning half the paths still walk every entry, and on the 2-vCPU
   * machine of docs/benchmarks.md two busy threads run at 0.6 of one each.
   */
  readonly threads?: number;
}

/** Loads a table file; rejects with DataFileLoadError (its cause says why). */
export async function loadTableFile(path: string, options: TableLoadOptions = {}): Promise<LoadedTable> {
  const threads = options.threads ?? 1;
  return loadDataFile(path, (chunks, file) => parseTable(chunks, threads > 1 ? { file, threads } : undefined));
}

/**
 * Parses decompressed table content of any supported format. Throws
 * DataFormatError. With `split`, an MRT RIB is read by `threads` threads,
 * this one and others reading the open file.
 */
export async function parseTable(
  content: AsyncIterable<Buffer>,
  split?: { readonly file: OpenFile; readonly threads: number },
): Promise<{ table: RoutingTable; format: TableFormat; dataTime: Date | undefined }> {
  // Made once the format is known: only an MRT RIB's builder is partition 0 of several (it keeps an ordinal per path node).
  let builder: RoutingTableBuilder | undefined;
  let others: Promise<RoutingTableBuilderParts[]> | undefined;
  const create = (format: TableFormat): StreamParser => {
    if (format !== 'mrt' || split === undefined) {
      builder = new RoutingTableBuilder();
      return createTableParser(format, builder);
    }
    builder = new RoutingTableBuilder({ partition: 0 });
    others = readOtherPartitions(split.file, split.threads);
    // Awaited once this thread is done; a partition that fails before then is no unhandled rejection meanwhile.
    others.catch(() => undefined);
    return new MrtParser(builder, { index: 0, count: split.threads });
  };
  const parsed = await parseDetectingFormat(content, detectTableFormat, create, MAX_HEAD_LENGTH).catch(async (error: unknown) => {
    // The other threads read the open file: it stays open until they are done.
    await others?.catch(() => undefined);
    throw error;
  });
  const partitions = await others;
  if (partitions !== undefined) builder?.absorb(partitions);
  if (builder === undefined || builder.size === 0) throw new DataFormatError('no routes in the file');
  return { table: builder.build(), format: parsed.format, dataTime: parsed.parser.dataTime };
}
