/**
 * Reads a table file of any supported format, gzip-compressed or not, into a
 * RoutingTable. The file is streamed (256 KiB at a time) through the parser,
 * so memory grows with the distinct prefixes, not with the file's size, and
 * the event loop gets a turn between chunks.
 */

import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TableFormatError, TableLoadError } from './errors.ts';
import { RoutingTableBuilder } from './routing-table-builder.ts';
import type { RoutingTable } from './routing-table.ts';
import { createTableParser, detectTableFormat } from './table-format.ts';
import type { TableFormat, TableParser } from './table-parser.ts';

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const CHUNK_SIZE = 256 * 1024;
/** Give up looking for the first data line after this much (comments, or not text). */
const MAX_HEAD_LENGTH = 1024 * 1024;

export interface LoadedTable {
  readonly table: RoutingTable;
  readonly format: TableFormat;
  readonly gzipped: boolean;
  /** When the data was taken, if the format records it (MRT, bgpdump). */
  readonly dataTime: Date | undefined;
  /** The file as it was opened: the one that was read, even if it has been replaced since. */
  readonly stats: Stats;
}

/** Loads a table file; rejects with TableLoadError (its cause says why). */
export async function loadTableFile(path: string): Promise<LoadedTable> {
  try {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      const magic = Buffer.alloc(GZIP_MAGIC.length);
      const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
      const gzipped = bytesRead === magic.length && GZIP_MAGIC.every((byte, i) => magic[i] === byte);
      const raw = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: CHUNK_SIZE });
      // pipeline() passes a read error on to the gunzip stream, whose iteration then throws it.
      const content = gzipped ? pipeline(raw, createGunzip({ chunkSize: CHUNK_SIZE }), () => {}) : raw;
      const parsed = await parseTable(content);
      return { ...parsed, gzipped, stats };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new TableLoadError(path, error);
  }
}

/** Parses decompressed table content of any supported format. Throws TableFormatError. */
export async function parseTable(
  content: AsyncIterable<Buffer>,
): Promise<{ table: RoutingTable; format: TableFormat; dataTime: Date | undefined }> {
  const builder = new RoutingTableBuilder();
  let head: Buffer = Buffer.alloc(0);
  let started: StartedParser | undefined;
  for await (const chunk of content) {
    if (started !== undefined) {
      started.parser.push(chunk);
      continue;
    }
    head = Buffer.concat([head, chunk]);
    started = start(head, head.length >= MAX_HEAD_LENGTH, builder);
  }
  started ??= start(head, true, builder)!;
  started.parser.end();
  if (builder.size === 0) throw new TableFormatError('no routes in the file');
  return { table: builder.build(), format: started.format, dataTime: started.parser.dataTime };
}

interface StartedParser {
  readonly parser: TableParser;
  readonly format: TableFormat;
}

/** Once the head shows the format: a parser for it, fed the head. */
function start(head: Buffer, complete: boolean, builder: RoutingTableBuilder): StartedParser | undefined {
  const format = detectTableFormat(head, complete);
  if (format === undefined) return undefined;
  const parser = createTableParser(format, builder);
  parser.push(head);
  return { parser, format };
}
