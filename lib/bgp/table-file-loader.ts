/**
 * Reads a table file of any supported format, gzip-compressed or not, into a
 * RoutingTable. The file is streamed through the parser,
 * so memory grows with the distinct prefixes, not with the file's size, and
 * the event loop gets a turn between chunks.
 */

import { TableFormatError, TableLoadError } from './errors.ts';
import { readFileContent } from './file-content.ts';
import { RoutingTableBuilder } from './routing-table-builder.ts';
import type { RoutingTable } from './routing-table.ts';
import { createTableParser, detectTableFormat } from './table-format.ts';
import { parseDetectingFormat, type TableFormat } from './table-parser.ts';
import type { FileVersion } from '../ops/watched-file.ts';

/** Give up looking for the first data line after this much (comments, or not text). */
const MAX_HEAD_LENGTH = 1024 * 1024;

export interface LoadedTable {
  readonly table: RoutingTable;
  readonly format: TableFormat;
  readonly gzipped: boolean;
  /** When the data was taken, if the format records it (MRT, bgpdump). */
  readonly dataTime: Date | undefined;
  /** The file as it was opened: the one that was read, even if it has been replaced since. */
  readonly stats: FileVersion;
}

/** Loads a table file; rejects with TableLoadError (its cause says why). */
export async function loadTableFile(path: string): Promise<LoadedTable> {
  try {
    return await readFileContent(path, async ({ chunks, gzipped, stats }) => ({ ...(await parseTable(chunks)), gzipped, stats }));
  } catch (error) {
    throw new TableLoadError(path, error);
  }
}

/** Parses decompressed table content of any supported format. Throws TableFormatError. */
export async function parseTable(content: AsyncIterable<Buffer>): Promise<{ table: RoutingTable; format: TableFormat; dataTime: Date | undefined }> {
  const builder = new RoutingTableBuilder();
  const { parser, format } = await parseDetectingFormat(content, detectTableFormat, (detected) => createTableParser(detected, builder), MAX_HEAD_LENGTH);
  if (builder.size === 0) throw new TableFormatError('no routes in the file');
  return { table: builder.build(), format, dataTime: parser.dataTime };
}
