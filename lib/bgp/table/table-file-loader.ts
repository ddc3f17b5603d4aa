/**
 * Reads a table file of any supported format, gzip-compressed or not, into a
 * RoutingTable. The file is streamed through the parser,
 * so memory grows with the distinct prefixes, not with the file's size, and
 * the event loop gets a turn between chunks.
 */

import { DataFormatError } from '../../datafile/errors.ts';
import { loadDataFile } from '../../datafile/file-content.ts';
import type { DataFileFacts, DataFileKind } from '../../datafile/data-file.ts';
import { RoutingTableBuilder } from './routing-table-builder.ts';
import { RoutingTable, type RoutingTableParts } from './routing-table.ts';
import { createTableParser, detectTableFormat, type TableFormat } from '../formats/table-format.ts';
import { parseDetectingFormat } from '../../datafile/stream-parser.ts';

/** Give up looking for the first data line after this much (comments, or not text). */
const MAX_HEAD_LENGTH = 1024 * 1024;

/** A table file loaded: its table, and its facts (the time, for MRT and bgpdump). */
export interface LoadedTable extends DataFileFacts<TableFormat> {
  readonly table: RoutingTable;
}

/** Table files in the data-file pipeline: built in a worker thread, kept as a snapshot of the table's arrays. */
export const tableFile: DataFileKind<LoadedTable, RoutingTableParts> = {
  name: 'bgp-table',
  module: import.meta.url,
  exportName: 'tableFile',
  load: loadTableFile,
  parts: (loaded) => loaded.table.parts(),
  assemble: (facts, parts) => ({ ...facts, table: RoutingTable.fromParts(parts) }),
};

/** Loads a table file; rejects with DataFileLoadError (its cause says why). */
export async function loadTableFile(path: string): Promise<LoadedTable> {
  return loadDataFile(path, parseTable);
}

/** Parses decompressed table content of any supported format. Throws DataFormatError. */
export async function parseTable(content: AsyncIterable<Buffer>): Promise<{ table: RoutingTable; format: TableFormat; dataTime: Date | undefined }> {
  const builder = new RoutingTableBuilder();
  const { parser, format } = await parseDetectingFormat(content, detectTableFormat, (detected) => createTableParser(detected, builder), MAX_HEAD_LENGTH);
  if (builder.size === 0) throw new DataFormatError('no routes in the file');
  return { table: builder.build(), format, dataTime: parser.dataTime };
}
